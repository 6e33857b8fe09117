"""What the CLI and notebooks call: train from gold sets, and code gold with a learned model, either one
trained model (never scoring an item it was trained on) or k-fold cross-validation."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Errors, EvaluationError
from ..evaluate.readers import GoldItem
from ..model import Result
from ._data import (
    Coded,
    Example,
    check_trainable,
    examples_from,
    head_specs,
    item_key,
    rule_pass,
    stratified_folds,
    targets_for,
)
from ._options import TrainOptions

logger = logging.getLogger(__name__)

__all__ = ["CrossValidation", "TrainReport", "load_examples", "model_coder", "resolve_gold", "train"]

#: ``progress(phase, done, total)``: phase is ``rules`` (parsing and the rules), ``train`` (steps, with
#: ``fold k/K`` in cross-validation) or ``code`` (coding held-out items).
Progress = Callable[[str, int, int], None]


def resolve_gold(spec: str, gold_dir: Path | None = None) -> tuple[str, Path]:
    """``NAME`` (a gold set at its default path), ``NAME=PATH``, or a ``.jsonl`` file -> (name, path)."""
    from ..evaluate import DATASETS, _gold_path, _spec

    name, sep, raw = spec.partition("=")
    if not sep and spec.endswith(".jsonl"):
        name, raw = "jsonl", spec
    dataset = _spec(name)
    check_trainable(name)
    if raw:
        path = Path(raw).expanduser()
        if not path.exists():
            raise EvaluationError(Errors.E701.format(name=name, path=path), code="E701")
        return name, path
    if gold_dir is not None and gold_dir.is_file():
        return name, gold_dir
    return name, _gold_path(DATASETS[dataset.name], gold_dir, None)


def _read(name: str, path: Path) -> list[GoldItem]:
    from ..evaluate import DATASETS

    return [item for item in DATASETS[name].reader(path) if item.scored]


def load_examples(sources: Sequence[tuple[str, Path]], *, options: TrainOptions,
                  progress: Progress | None = None) -> list[Example]:
    """Read gold sets and turn them into training examples (running the rules for their features)."""
    examples: list[Example] = []
    for name, path in sources:
        items = [item for item in _read(name, path) if targets_for(name, item)]
        if not items:
            raise EvaluationError(Errors.E713.format(where=path, detail=f"no {name} item carries a label to learn"),
                                  code="E713")
        if options.max_train is not None and len(items) > options.max_train:
            items = _subsample_items(name, items, options.max_train, options.seed)
        if options.rule_features:
            coded = rule_pass(items, progress=(lambda d, t: progress("rules", d, t)) if progress else None)
        else:
            coded = [Coded(item=item, article=_placeholder(item), events=[]) for item in items]
        examples.extend(examples_from(name, coded, rule_features=options.rule_features))
    return examples


def _placeholder(item: GoldItem) -> Any:
    from ..model import Article

    return Article(id=item.id, text=item.text)


def _subsample_items(name: str, items: Sequence[GoldItem], n: int, seed: int) -> list[GoldItem]:
    """A stratified, seeded subsample of ``n`` items (by each item's first target)."""
    strata = [Example(text=i.text, targets=targets_for(name, i)).stratum() for i in items]
    return [items[i] for i in _stratified_take(strata, n, seed)]


def _stratified_take(strata: Sequence[str], n: int, seed: int) -> list[int]:
    folds = max(1, math.ceil(len(strata) / n))
    fold_of = stratified_folds([str(i) for i in range(len(strata))], strata, folds, seed)
    chosen = [i for i, f in enumerate(fold_of) if f == 0]
    return sorted(chosen)[:n]


def subsample(examples: Sequence[Example], n: int | None, seed: int) -> list[Example]:
    if n is None or len(examples) <= n:
        return list(examples)
    return [examples[i] for i in _stratified_take([e.stratum() for e in examples], n, seed)]


@dataclass
class TrainReport:
    """What ``detente train`` did: where the model is, on what it was trained, how it scored."""

    out: Path
    datasets: list[dict[str, Any]]
    examples: int
    held_back: int
    scores: dict[str, dict[str, float]]
    seconds: float
    size_bytes: int
    training: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "datasets": self.datasets, "examples": self.examples,
                "held_back": self.held_back, "scores": self.scores, "seconds": round(self.seconds, 1),
                "size_bytes": self.size_bytes}


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "labels.json").exists())):
        raise ConfigError(Errors.E716.format(path=out), code="E716")


def train(golds: Sequence[str], out: str | Path, *, options: TrainOptions | None = None,
          gold_dir: Path | None = None, progress: Progress | None = None) -> TrainReport:
    """Train a model on one or more gold sets and write it to ``out``.

    Args:
        golds: Gold sets: ``NAME``, ``NAME=PATH`` or a ``.jsonl`` file (several train one head each).
        out: The model directory (created; an existing model there is replaced).
        options: Training options (epochs, seed, device, ...).
        gold_dir: The gold folder for bare names (default: ``../shared/gold``).
        progress: ``progress(phase, done, total)``.

    Returns:
        The report, also written into ``out/training.json``.

    Raises:
        EvaluationError: An unknown or untrainable gold set, or one without labels (E702, E712, E713).
        ConfigError: Bad options or ``out`` is something else (E714-E716).
    """
    from ._model import MODEL_FILES
    from ._train import fit, score_heads

    options = options or TrainOptions()
    out = Path(out).expanduser()
    _check_out(out)
    started = time.perf_counter()
    sources = [resolve_gold(g, gold_dir) for g in golds]
    examples = load_examples(sources, options=options, progress=progress)
    held: list[Example] = []
    kept = examples
    if options.holdout > 0:
        folds = max(2, round(1 / options.holdout))
        fold_of = stratified_folds([e.key for e in examples], [e.stratum() for e in examples], folds, options.seed)
        held = [e for e, f in zip(examples, fold_of, strict=True) if f == 0]
        kept = [e for e, f in zip(examples, fold_of, strict=True) if f != 0]
    if not kept:
        raise EvaluationError(Errors.E713.format(where=", ".join(str(p) for _, p in sources),
                                                 detail="nothing left after the held-back split"), code="E713")
    model = fit(kept, options, heads=head_specs(examples),
                progress=(lambda s, t, _loss: progress("train", s, t)) if progress else None)
    scores = score_heads(model, held)
    datasets = [{"name": name, "path": str(path), "examples": sum(e.dataset == name for e in examples)}
                for name, path in sources]
    model.training.update({"datasets": datasets, "held_back": len(held), "held_back_scores": scores,
                           "total_seconds": round(time.perf_counter() - started, 1)})
    if out.exists():
        for name in MODEL_FILES:
            target = out / name
            if target.is_dir():
                for child in target.iterdir():
                    child.unlink()
    model.save(out, items=sorted(model.trained_on))  # with what a starting model (--init) saw
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return TrainReport(out=out, datasets=datasets, examples=len(kept), held_back=len(held), scores=scores,
                       seconds=time.perf_counter() - started, size_bytes=size, training=model.training)


# ----------------------------------------------------------------------------- coding gold


def _code_coded(extractor: Any, coded: Sequence[Coded]) -> list[Result]:
    out = []
    for c in coded:
        actors = extractor.actors_for(c.doc, c.article)
        out.append(Result(article=c.article, events=tuple(extractor.combine(c.doc, c.article, actors, c.events))))
    return out


def model_coder(model_dir: str | Path, *, settings: dict[str, Any] | None = None,
                progress: Progress | None = None) -> tuple[Callable[[Sequence[GoldItem]], Iterator[Result]],
                                                           Callable[[GoldItem], bool]]:
    """A coder running the hybrid with a trained model, and the test that excludes its training items.

    Returns:
        ``(code, trained_on)``: pass ``code`` as :func:`detente.evaluate.evaluate`'s ``code`` and
        ``trained_on`` as its ``exclude``, so no item is scored by a model trained on it.
    """
    from ..extract.hybrid import HybridConfig, HybridExtractor

    extractor = HybridExtractor(HybridConfig(**{**(settings or {}), "model_dir": str(model_dir)}))
    keys = extractor.model.trained_on

    def code(items: Sequence[GoldItem]) -> Iterator[Result]:
        coded = rule_pass(items, keep_docs=True, progress=(lambda d, t: progress("rules", d, t)) if progress else None)
        yield from _code_coded(extractor, coded)

    return code, lambda item: item_key(item.text) in keys


class CrossValidation:
    """K-fold cross-validation as an evaluation coder: K models, each scoring only the fold it never saw.

    Items are dealt into folds by their label (stratified) and their text (duplicates share a fold); for
    each fold a model is trained on the other folds (plus ``extra`` examples from other gold sets), and the
    hybrid extractor with that model codes the fold. ``info`` records the folds' sizes and times.

    Example::

        cv = CrossValidation("cameo_class", folds=5, options=TrainOptions(epochs=3))
        report = evaluate("cameo_class", code=cv)
    """

    def __init__(self, dataset: str, *, folds: int = 5, options: TrainOptions | None = None,
                 settings: dict[str, Any] | None = None, extra: Sequence[Example] = (),
                 progress: Progress | None = None) -> None:
        check_trainable(dataset)
        if folds < 2:
            raise ConfigError(Errors.E715.format(option="--folds", allowed="at least 2", value=folds), code="E715")
        self.dataset = dataset
        self.folds = folds
        self.options = options or TrainOptions()
        self.settings = dict(settings or {})
        self.extra = list(extra)
        self.progress = progress
        self.info: dict[str, Any] = {}
        #: The text keys each fold's model scored (for checking that none was trained on).
        self.fold_keys: list[frozenset[str]] = []

    def __call__(self, items: Sequence[GoldItem]) -> Iterator[Result]:
        from ..extract.hybrid import HybridConfig, HybridExtractor
        from ._train import fit

        if len(items) < self.folds:
            raise ConfigError(Errors.E715.format(option="--folds", allowed=f"at most the {len(items)} items",
                                                 value=self.folds), code="E715")
        progress = self.progress
        opts = replace(self.options, holdout=0.0)
        coded = rule_pass(items, keep_docs=True, progress=(lambda d, t: progress("rules", d, t)) if progress else None)
        keys = [item_key(i.text) for i in items]
        targets = [targets_for(self.dataset, i) for i in items]
        strata = [Example(text=i.text, targets=t).stratum() for i, t in zip(items, targets, strict=True)]
        fold_of = stratified_folds(keys, strata, self.folds, opts.seed)
        by_index = {n: Example(text=items[n].text, targets=t, features=coded[n].features() if opts.rule_features
                               else (), key=keys[n], dataset=self.dataset, where=items[n].where)
                    for n, t in enumerate(targets) if t}
        known = set(keys)
        extra = [e for e in self.extra if e.key not in known]  # an extra text that is also scored stays out
        results: list[Result | None] = [None] * len(items)
        folds_info = []
        self.fold_keys = []
        settings = {k: v for k, v in self.settings.items() if k != "model_dir"}
        for fold in range(self.folds):
            started = time.perf_counter()
            train_ex = [ex for n, ex in by_index.items() if fold_of[n] != fold]
            train_ex = subsample(train_ex, opts.max_train, opts.seed) + extra
            label = f"fold {fold + 1}/{self.folds}"
            step_progress: Callable[[int, int, float], None] | None = None
            if progress is not None:
                def step_progress(s: int, t: int, _loss: float, label: str = label) -> None:
                    progress(f"train {label}", s, t)
            model = fit(train_ex, opts, heads=head_specs(train_ex), progress=step_progress)
            held = [n for n in range(len(items)) if fold_of[n] == fold]
            seen = [keys[n] for n in held if keys[n] in model.trained_on]
            if seen:  # the folds share no text; this guards the promise that nothing is scored by its own model
                raise EvaluationError(f"cross-validation fold {fold + 1} would score {len(seen)} training items",
                                      code="E713")
            self.fold_keys.append(frozenset(keys[n] for n in held))
            extractor = HybridExtractor(HybridConfig(**settings), model=model)
            for n, result in zip(held, _code_coded(extractor, [coded[n] for n in held]), strict=True):
                results[n] = result
            folds_info.append({"fold": fold + 1, "train": len(train_ex), "scored": len(held),
                               "seconds": round(time.perf_counter() - started, 1)})
            logger.info("cross-validation %s: trained on %d, coded %d", label, len(train_ex), len(held))
        self.info = {"folds": folds_info, "seconds": round(sum(f["seconds"] for f in folds_info), 1)}
        for maybe in results:
            if maybe is None:
                raise EvaluationError("cross-validation left an item uncoded", code="E713")
            yield maybe


@dataclass
class LearnedEvaluation:
    """How ``detente eval`` codes one gold set with a learned extractor."""

    code: Callable[[Sequence[GoldItem]], Iterator[Result]]
    exclude: Callable[[GoldItem], bool] | None = None
    reason: str = "excluded"
    cv: CrossValidation | None = None


def learned_evaluation(extractor: str, dataset: str, *, model_dir: str | None = None, folds: int | None = None,
                       options: TrainOptions | None = None, settings: dict[str, Any] | None = None,
                       aux: Sequence[str] = (), gold_dir: Path | None = None,
                       progress: Progress | None = None) -> LearnedEvaluation:
    """The coder (and exclusion) for evaluating a learned extractor on ``dataset``.

    With ``model_dir``: the trained model codes every item it was not trained on (the rest are excluded).
    With ``folds``: K-fold cross-validation (``aux`` gold sets join every fold's training data).

    Raises:
        RegistryError: Unknown extractor (E301).
        ConfigError: Not a learned extractor (E717), or neither a model nor folds (E710).
        EvaluationError: Cross-validation on a gold set without labels to learn (E712).
    """
    from ..registry import extractors

    factory = extractors.get(extractor)
    if not getattr(factory, "learned", False):
        option = "--model-dir" if model_dir else "--folds"
        learned = ", ".join(n for n, f in extractors.get_all().items() if getattr(f, "learned", False))
        raise ConfigError(Errors.E717.format(extractor=extractor, option=option, available=learned), code="E717")
    settings = dict(settings or {})
    if folds:
        options = options or TrainOptions()
        extra = load_examples([resolve_gold(g, gold_dir) for g in aux], options=options) if aux else []
        cv = CrossValidation(dataset, folds=folds, options=options, settings=settings, extra=extra, progress=progress)
        return LearnedEvaluation(code=cv, cv=cv)
    directory = model_dir or settings.get("model_dir")
    if not directory:
        raise ConfigError(Errors.E710.format(extractor=extractor), code="E710")
    code, trained_on = model_coder(directory, settings=settings, progress=progress)
    return LearnedEvaluation(code=code, exclude=trained_on,
                             reason=f"the model in {directory} was trained on them")
