"""The learned coder: fine-tune a small sentence encoder on human-coded gold, use it beside the rules.

``detente train GOLD --out DIR`` (or :func:`train`) fine-tunes all-MiniLM-L6-v2 with one head per label
set the gold gives; the ``detente.hybrid.v1`` extractor (:mod:`detente.extract.hybrid`) uses the model to
check, re-rank, add or veto the rules' events; :class:`CrossValidation` and :func:`model_coder` measure it
on gold without ever scoring an item with a model trained on it.

Training and the hybrid need the ``ml`` extra (``pip install 'detente[ml]'``); importing this package
does not, and the functions raise :class:`~detente.errors.MissingExtraError` (E801) without it.

Example::

    from detente.learn import TrainOptions, train

    report = train(["cameo_class"], "/tmp/cameo-model", options=TrainOptions(epochs=3, seed=1))
    report.scores["cameo_class"]["macro_f1"]
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._data import TRAINABLE, Example, item_key
from ._features import FEATURE_NAMES, N_FEATURES, rule_features
from ._heads import HeadSpec
from ._options import UNITS, TrainOptions

if TYPE_CHECKING:
    from ._api import CrossValidation, TrainReport
    from ._model import LearnedModel

__all__ = [
    "FEATURE_NAMES",
    "N_FEATURES",
    "TRAINABLE",
    "UNITS",
    "CrossValidation",
    "Example",
    "HeadSpec",
    "LearnedModel",
    "TrainOptions",
    "TrainReport",
    "item_key",
    "load_model",
    "model_coder",
    "rule_features",
    "train",
]


def train(golds: Any, out: str | Path, **kwargs: Any) -> TrainReport:
    """Train a model on gold sets and write it to ``out`` (see :func:`detente.learn._api.train`)."""
    from ._api import train as _train

    return _train(golds, out, **kwargs)


def load_model(directory: str | Path, *, device: str = "cpu") -> LearnedModel:
    """Load a model directory written by ``detente train`` (needs the ``ml`` extra)."""
    from ._model import LearnedModel

    return LearnedModel.load(directory, device=device)


def model_coder(model_dir: str | Path, **kwargs: Any) -> Any:
    """A gold coder with a trained model and its training-set test (see :func:`detente.learn._api.model_coder`)."""
    from ._api import model_coder as _model_coder

    return _model_coder(model_dir, **kwargs)


def __getattr__(name: str) -> Any:
    if name in ("CrossValidation", "TrainReport"):
        from . import _api

        return getattr(_api, name)
    if name == "LearnedModel":
        from ._model import LearnedModel

        return LearnedModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
