"""Training options (no torch needed to build or check them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..errors import ConfigError, Errors

__all__ = ["UNITS", "TrainOptions"]

#: What the hybrid classifies: each sentence, the whole text, or what the training data was (auto).
UNITS: tuple[str, ...] = ("auto", "sentence", "document")


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainOptions:
    """How to train.

    Attributes:
        epochs: Passes over the training data (default 5 when fine-tuning, 40 with a frozen encoder).
        seed: Seeds the heads' initial weights, dropout, the data order and every split.
        batch_size: Examples per step.
        lr: Learning rate of the encoder.
        head_lr: Learning rate of the heads.
        weight_decay: AdamW weight decay.
        warmup: Share of the steps with a linearly rising learning rate (then it falls linearly to 0).
        max_length: Tokens read per text.
        dropout: Dropout on the pooled vector.
        max_train: Train on at most this many examples (a stratified, seeded subsample).
        holdout: Share of the examples held back and scored, not trained on (``detente train``).
        frozen: Keep the encoder's weights; train only the heads on cached sentence vectors (fast).
        train_layers: Fine-tune only the top N of the encoder's 6 layers (the lower ones run once per text
            and are cached: 2 layers train about 3 times faster than all 6); None: all layers.
        rule_features: Show the classifier what the rules found (stacking).
        unit: What the hybrid classifies with this model (``auto``: as the training data).
        device: ``cpu`` or ``cuda``.
        init: Start the encoder from a model directory of ``detente train`` (its heads are not used):
            transfer from a larger gold set, e.g. cameo_class, to a small one.
        threads: CPU threads for torch (0: every core).

    Example::

        TrainOptions(epochs=3, seed=7, max_train=4000)
    """

    epochs: int | None = None
    seed: int = 13
    batch_size: int = 16
    lr: float = 8e-5
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.1
    max_length: int = 128
    dropout: float = 0.1
    max_train: int | None = None
    holdout: float = 0.1
    frozen: bool = False
    train_layers: int | None = None
    rule_features: bool = True
    unit: str = "auto"
    device: str = "cpu"
    init: str | None = None
    threads: int = 0

    def __post_init__(self) -> None:
        checks: list[tuple[str, bool, str]] = [
            ("--epochs", self.epochs is None or self.epochs >= 1, "a whole number >= 1"),
            ("--batch-size", self.batch_size >= 1, "a whole number >= 1"),
            ("--max-train", self.max_train is None or self.max_train >= 2, "a whole number >= 2"),
            ("--holdout", 0 <= self.holdout < 0.9, "at least 0 and below 0.9"),
            ("--max-length", 8 <= self.max_length <= 512, "between 8 and 512"),
            ("--unit", self.unit in UNITS, " or ".join(UNITS)),
            ("--device", self.device in ("cpu", "cuda"), "cpu or cuda"),
            ("--threads", self.threads >= 0, "a whole number >= 0"),
            ("--train-layers", self.train_layers is None or self.train_layers >= 1, "a whole number >= 1"),
            ("learning rate", self.lr > 0 and self.head_lr > 0, "positive"),
            ("warm-up", 0 <= self.warmup < 1, "at least 0 and below 1"),
        ]
        for option, ok, allowed in checks:
            if not ok:
                value = {"--epochs": self.epochs, "--batch-size": self.batch_size, "--max-train": self.max_train,
                         "--holdout": self.holdout, "--max-length": self.max_length, "--unit": self.unit,
                         "--device": self.device, "--threads": self.threads, "--train-layers": self.train_layers,
                         "learning rate": (self.lr, self.head_lr),
                         "warm-up": self.warmup}[option]
                raise ConfigError(Errors.E715.format(option=option, allowed=allowed, value=value), code="E715")

    def resolved_epochs(self) -> int:
        if self.epochs is not None:
            return self.epochs
        return 40 if self.frozen else 5

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
