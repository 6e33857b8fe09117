"""The evaluation gate: scores may not fall below the recorded baseline.

The baseline is a JSON file (``tests/eval/baseline.json``) of the form
``{dataset: {metric: value}}``. :func:`compare` lists every metric that dropped more
than :data:`TOLERANCE` below it; :func:`update_baseline` records new figures and
refuses to lower any recorded one unless told to.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import EvaluationError
from .metrics import EvalReport
from .readers import E703

__all__ = ["E704", "TOLERANCE", "compare", "load_baseline", "update_baseline"]

#: How far (absolute) a metric may fall below its baseline before the gate fails.
TOLERANCE = 0.01

#: Message template for a refused baseline update (code E704).
E704 = "Refusing to lower the evaluation baseline {path}: {details}. Pass allow_lower=True to accept."

#: Baseline figures are stored with this many decimals.
DECIMALS = 4

Baseline = dict[str, dict[str, float]]


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file.

    Args:
        path: The JSON file.

    Returns:
        ``{dataset: {metric: value}}``; empty when the file does not exist.

    Raises:
        EvaluationError: The file is not a JSON object of objects of numbers (E703).
    """
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EvaluationError(E703.format(where=str(path), detail=f"invalid JSON: {exc}"), code="E703") from None
    return _validate(data, str(path))


def _validate(data: object, where: str) -> Baseline:
    if not isinstance(data, dict):
        raise EvaluationError(E703.format(where=where, detail="baseline must be a JSON object"), code="E703")
    out: Baseline = {}
    for dataset, metrics in data.items():
        if not isinstance(metrics, dict):
            raise EvaluationError(
                E703.format(where=where, detail=f"baseline for {dataset!r} must be an object"), code="E703"
            )
        row: dict[str, float] = {}
        for metric, value in metrics.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise EvaluationError(
                    E703.format(where=where, detail=f"{dataset}.{metric} must be a number, got {value!r}"),
                    code="E703",
                )
            row[str(metric)] = float(value)
        out[str(dataset)] = row
    return out


def compare(reports: Iterable[EvalReport], baseline: Mapping[str, Mapping[str, float]], *,
            tolerance: float = TOLERANCE, require_all: bool = False) -> list[str]:
    """List every baseline metric that a report fell more than ``tolerance`` below.

    Datasets in the baseline that no report covers are ignored unless
    ``require_all``; a baseline metric missing from a report is a failure.

    Args:
        reports: Fresh evaluation reports.
        baseline: ``{dataset: {metric: value}}``.
        tolerance: Allowed absolute drop (a drop of exactly ``tolerance`` passes).
        require_all: Also fail for baseline datasets with no report.

    Returns:
        One message per failure (empty when the gate passes), e.g.
        ``"petr2_gsr.event_accuracy: 0.700 < baseline 0.750 (-0.050)"``.
    """
    by_name = {report.dataset: report for report in reports}
    messages: list[str] = []
    for dataset, metrics in baseline.items():
        report = by_name.get(dataset)
        if report is None:
            if require_all:
                messages.append(f"{dataset}: no evaluation report (gold set missing?)")
            continue
        for metric, expected in metrics.items():
            value = report.metrics.get(metric)
            if value is None:
                messages.append(f"{dataset}.{metric}: missing from the report (baseline {expected:.3f})")
            elif value < expected - tolerance - 1e-12:
                messages.append(
                    f"{dataset}.{metric}: {value:.3f} < baseline {expected:.3f} (-{expected - value:.3f})"
                )
    return messages


def update_baseline(reports: Iterable[EvalReport], path: Path, *, allow_lower: bool) -> Baseline:
    """Record the reports' metrics in the baseline file.

    Figures are rounded to :data:`DECIMALS` places. Datasets and metrics the reports do
    not mention are kept as they were.

    Args:
        reports: Fresh evaluation reports.
        path: The baseline JSON file (created, with its folder, when missing).
        allow_lower: Accept figures lower than the recorded ones.

    Returns:
        The baseline as written.

    Raises:
        EvaluationError: Some figure would go down and ``allow_lower`` is false (E704);
            nothing is written then. Or the existing file is malformed (E703).
    """
    baseline = load_baseline(path)
    lowered: list[str] = []
    for report in reports:
        row = baseline.setdefault(report.dataset, {})
        for metric, value in report.metrics.items():
            new = round(float(value), DECIMALS)
            old = row.get(metric)
            if old is not None and new < old:
                lowered.append(f"{report.dataset}.{metric} {old:.4f} -> {new:.4f}")
            row[metric] = new
    if lowered and not allow_lower:
        raise EvaluationError(E704.format(path=path, details="; ".join(lowered)), code="E704")
    ordered = {dataset: dict(sorted(metrics.items())) for dataset, metrics in sorted(baseline.items())}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ordered, indent=2) + "\n", encoding="utf-8")
    return ordered
