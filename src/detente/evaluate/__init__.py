"""Measure detente against public human-coded gold sets.

Example::

    from detente.evaluate import evaluate, evaluate_all

    report = evaluate("petr2_gsr", limit=20)
    print(report.metrics["event_accuracy"])
    reports = evaluate_all()          # every gold set found under the gold folder

The gold folder is ``$DETENTE_GOLD``, else ``../shared/gold`` next to the current
directory or next to the repository (see :func:`default_gold_dir`). Each entry of
:data:`DATASETS` names its reader, its path below that folder and its task, which
chooses the measures (see :mod:`detente.evaluate.metrics` and ``docs/evaluation.md``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from types import MappingProxyType
from typing import Protocol, cast

from ..errors import Errors, EvaluationError
from ..model import Result
from .metrics import TASKS, EvalReport, score
from .readers import (
    ACLED_TO_CAMEO,
    OLD_PLOVER_NAMES,
    GoldEvent,
    GoldItem,
    GoldQuote,
    GoldSpan,
    read_cameo_class,
    read_cameo_ner,
    read_case2021,
    read_india_police,
    read_jsonl,
    read_petr2_gsr,
    read_plover_gsr,
    read_polnear,
)

__all__ = [
    "ACLED_TO_CAMEO",
    "DATASETS",
    "OLD_PLOVER_NAMES",
    "Coder",
    "Dataset",
    "EvalReport",
    "GoldEvent",
    "GoldItem",
    "GoldQuote",
    "GoldSpan",
    "default_gold_dir",
    "evaluate",
    "evaluate_all",
]

#: What ``evaluate(code=...)`` accepts: gold items in, one Result per item out, in order.
Coder = Callable[[Sequence[GoldItem]], Iterable[Result]]


@dataclass(frozen=True, slots=True)
class Dataset:
    """A gold set: how to read it, where it lives below the gold folder, what to score.

    Attributes:
        name: The name used on the command line (``detente eval NAME``).
        reader: Reads the file or folder and yields gold items.
        path: Default path relative to the gold folder.
        task: One of :data:`detente.evaluate.metrics.TASKS`.
        description: One line for listings.
    """

    name: str
    reader: Callable[[Path], Iterable[GoldItem]]
    path: str
    task: str
    description: str


def _datasets(*specs: Dataset) -> Mapping[str, Dataset]:
    for spec in specs:
        if spec.task not in TASKS:
            raise ValueError(f"dataset {spec.name!r} has unknown task {spec.task!r}")
    return MappingProxyType({spec.name: spec for spec in specs})


#: Every gold set detente knows, by name.
DATASETS: Mapping[str, Dataset] = _datasets(
    Dataset("plover_gsr", read_plover_gsr, "plover_gsr_cameo/PLOVER_GSR_CAMEO.json", "events",
            "PLOVER gold standard: event type and source/target countries"),
    Dataset("petr2_gsr", read_petr2_gsr, "petrarch2_gsr/PETR2_GSR_validation.xml", "events",
            "PETRARCH-2 validation: (source, target, CAMEO) tuples, no-event sentences"),
    Dataset("cameo_class", read_cameo_class, "conflibert/cameo_class/train.tsv", "class",
            "ConfliBERT sentences: Phoenix quad class of the main event"),
    Dataset("cameo_ner", read_cameo_ner, "conflibert/cameo_ner/train.txt", "spans",
            "ConfliBERT sentences: source and target actor spans"),
    Dataset("india_police", read_india_police, "conflibert/IndiaPoliceEvents_sents/dev.tsv", "multilabel",
            "IndiaPoliceEvents sentences: KILL, ARREST, FORCE, ANY_ACTION"),
    Dataset("case2021", read_case2021, "case2021_task2/events.tsv", "events",
            "CASE 2021 task 2 snippets: ACLED subtypes mapped to CAMEO/PLOVER"),
    Dataset("polnear", read_polnear, "polnear_attribution/dev", "quotes",
            "PolNeAR articles: quote content and speaker spans"),
    Dataset("jsonl", read_jsonl, "jsonl/gold.jsonl", "events",
            "your own annotations in detente's JSONL gold format"),
)


def default_gold_dir() -> Path | None:
    """Return the gold folder: ``$DETENTE_GOLD``, else the first ``shared/gold`` found.

    Looks, in order, at ``$DETENTE_GOLD`` (returned even when missing, so the error
    names it), ``../shared/gold`` relative to the current directory, and ``shared/gold``
    beside the repository this package was loaded from.

    Returns:
        The folder, or ``None`` when no candidate exists.
    """
    env = os.environ.get("DETENTE_GOLD")
    if env:
        return Path(env).expanduser()
    candidates = (
        Path.cwd().parent / "shared" / "gold",
        Path(__file__).resolve().parents[3].parent / "shared" / "gold",
    )
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


def _spec(name: str) -> Dataset:
    spec = DATASETS.get(name)
    if spec is None:
        raise EvaluationError(Errors.E702.format(name=name, available=", ".join(DATASETS)), code="E702")
    return spec


def _gold_path(spec: Dataset, gold_dir: Path | None, path: Path | None) -> Path:
    if path is not None:
        if not path.exists():
            raise EvaluationError(Errors.E701.format(name=spec.name, path=path), code="E701")
        return path
    base = gold_dir if gold_dir is not None else default_gold_dir()
    if base is None:
        raise EvaluationError(
            Errors.E701.format(name=spec.name, path="(no gold folder: set DETENTE_GOLD)"), code="E701"
        )
    if base.is_file():
        return base
    candidate = base / spec.path
    if not candidate.exists():
        raise EvaluationError(Errors.E701.format(name=spec.name, path=base), code="E701")
    return candidate


class _CodeTexts(Protocol):
    def __call__(self, texts: Iterable[str], *, published: dt.date | None = ..., extractor: str = ...,
                 batch_size: int = ...) -> Iterator[Result]: ...


def _pipeline_coder(extractor: str) -> Coder:
    """A coder that runs ``detente.pipeline.code_texts``, one call per publication date."""

    def code(items: Sequence[GoldItem]) -> Iterator[Result]:
        module = importlib.import_module("detente.pipeline")
        code_texts = cast(_CodeTexts, module.code_texts)
        for published, group in itertools.groupby(items, key=lambda item: item.published):
            texts = [item.text for item in group]
            yield from code_texts(texts, published=published, extractor=extractor)

    return code


def evaluate(
    dataset: str,
    *,
    gold_dir: Path | None = None,
    code: Coder | None = None,
    extractor: str = "detente.rules.v1",
    limit: int | None = None,
    errors: int = 0,
    progress: Callable[[int, int], None] | None = None,
    path: Path | None = None,
    exclude: Callable[[GoldItem], bool] | None = None,
    exclude_reason: str = "excluded",
) -> EvalReport:
    """Read one gold set, code its texts and score the result.

    Args:
        dataset: A name in :data:`DATASETS`.
        gold_dir: The gold folder (default :func:`default_gold_dir`), or a single gold
            file to read with the dataset's reader (handy for ``jsonl``).
        code: Codes gold items into one Result each, in order. Default: detente's
            pipeline (``detente.pipeline.code_texts``) with ``extractor``.
        extractor: The registered extractor the default coder uses.
        limit: Score only the first ``limit`` scorable items.
        errors: How many error examples to keep per class.
        progress: Called as ``progress(done, total)`` before coding and after each result.
        path: The gold file or folder itself, overriding ``gold_dir``.
        exclude: Items for which this returns True are not coded or scored (a learned model's
            training items); their number is ``counts["excluded"]``.
        exclude_reason: Why, for the error when nothing is left (E718).

    Returns:
        The report.

    Raises:
        EvaluationError: Unknown dataset (E702), gold not found (E701), malformed gold
            (E703), or the coder returned the wrong number of results.
    """
    spec = _spec(dataset)
    source = _gold_path(spec, gold_dir, path)
    started = perf_counter()
    read = list(spec.reader(source))
    items = [item for item in read if item.scored]
    excluded = 0
    if exclude is not None:
        kept = [item for item in items if not exclude(item)]
        excluded = len(items) - len(kept)
        if items and not kept:
            raise EvaluationError(Errors.E718.format(n=len(items), dataset=spec.name, reason=exclude_reason),
                                  code="E718")
        items = kept
    if limit is not None:
        items = items[:max(0, limit)]
    coder = code if code is not None else _pipeline_coder(extractor)
    total = len(items)
    results: list[Result] = []
    if progress is not None:
        progress(0, total)
    if items:
        for result in coder(items):
            results.append(result)
            if len(results) > total:
                break
            if progress is not None:
                progress(len(results), total)
    report = score(spec.name, spec.task, items, results, errors=errors)
    report.counts.update(read=len(read), scored=len(items), unscored=len(read) - len([i for i in read if i.scored]))
    if exclude is not None:
        report.counts["excluded"] = excluded
    report.unmapped = dict(sorted(Counter(i.raw_label for i in read if not i.scored and i.raw_label).items()))
    report.seconds = perf_counter() - started
    return report


def evaluate_all(
    *,
    gold_dir: Path | None = None,
    datasets: Iterable[str] | None = None,
    code: Coder | None = None,
    extractor: str = "detente.rules.v1",
    limit: int | None = None,
    errors: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[EvalReport]:
    """Evaluate every gold set found under the gold folder (or the named ones).

    Args:
        gold_dir: The gold folder (default :func:`default_gold_dir`).
        datasets: Names to run (default: all of :data:`DATASETS` whose path exists).
        code: As for :func:`evaluate`.
        extractor: As for :func:`evaluate`.
        limit: As for :func:`evaluate`, per dataset.
        errors: As for :func:`evaluate`.
        progress: Called as ``progress(dataset, done, total)``.

    Returns:
        One report per dataset run, in :data:`DATASETS` order.

    Raises:
        EvaluationError: No gold folder, or none of the gold sets is found in it (E701).
    """
    base = gold_dir if gold_dir is not None else default_gold_dir()
    wanted = list(datasets) if datasets is not None else None
    if wanted is not None:
        for name in wanted:
            _spec(name)
    if base is None or not base.is_dir():
        where = base if base is not None else "(no gold folder: set DETENTE_GOLD)"
        raise EvaluationError(Errors.E701.format(name=", ".join(wanted or ["any"]), path=where), code="E701")
    reports: list[EvalReport] = []
    for name, spec in DATASETS.items():
        if wanted is not None and name not in wanted:
            continue
        if wanted is None and not (base / spec.path).exists():
            continue

        def step(done: int, total: int, name: str = name) -> None:
            if progress is not None:
                progress(name, done, total)

        reports.append(evaluate(name, gold_dir=base, code=code, extractor=extractor, limit=limit,
                                errors=errors, progress=step))
    if not reports:
        raise EvaluationError(Errors.E701.format(name="any", path=base), code="E701")
    return reports
