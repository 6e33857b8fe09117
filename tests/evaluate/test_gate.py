"""The evaluation gate: compare with a baseline, and refuse to lower it unasked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import EvaluationError
from detente.evaluate import EvalReport
from detente.evaluate.gate import compare, load_baseline, update_baseline


def report(dataset: str, **metrics: float) -> EvalReport:
    return EvalReport(dataset=dataset, n_items=1, metrics=dict(metrics))


def test_compare_flags_drops_over_tolerance() -> None:
    baseline = {"petr2_gsr": {"event_accuracy": 0.75, "macro_f1": 0.5, "tuple_f1_root": 0.4},
                "polnear": {"quote_content_f1_overlap": 0.3}}
    reports = [report("petr2_gsr", event_accuracy=0.70, macro_f1=0.49, tuple_f1_root=0.9)]
    messages = compare(reports, baseline)
    assert messages == ["petr2_gsr.event_accuracy: 0.700 < baseline 0.750 (-0.050)"]
    assert compare(reports, baseline, require_all=True)[-1].startswith("polnear: no evaluation report")
    assert compare([report("petr2_gsr", event_accuracy=0.74, macro_f1=0.5)], baseline) == [
        "petr2_gsr.tuple_f1_root: missing from the report (baseline 0.400)"
    ]
    assert compare([report("petr2_gsr", event_accuracy=0.8, macro_f1=0.5, tuple_f1_root=0.4)], baseline) == []


def test_compare_exact_tolerance_passes() -> None:
    baseline = {"x": {"m": 0.5}}
    assert compare([report("x", m=0.49)], baseline) == []
    assert compare([report("x", m=0.4899)], baseline) != []
    assert compare([report("x", m=0.45)], baseline, tolerance=0.05) == []


def test_update_baseline_creates_merges_and_rounds(tmp_path: Path) -> None:
    path = tmp_path / "eval" / "baseline.json"
    written = update_baseline([report("b", m=0.123456), report("a", n=1.0)], path, allow_lower=False)
    assert written == {"a": {"n": 1.0}, "b": {"m": 0.1235}}
    assert json.loads(path.read_text(encoding="utf-8")) == written
    assert list(json.loads(path.read_text(encoding="utf-8"))) == ["a", "b"]
    # the same figures again are not "lower" even though 0.123456 < 0.1235
    update_baseline([report("b", m=0.123456)], path, allow_lower=False)
    # a rise and a new metric are recorded; other datasets are kept
    update_baseline([report("b", m=0.2, k=0.3)], path, allow_lower=False)
    assert load_baseline(path) == {"a": {"n": 1.0}, "b": {"k": 0.3, "m": 0.2}}


def test_update_baseline_refuses_to_lower(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"b": {"m": 0.5, "k": 0.3}}), encoding="utf-8")
    with pytest.raises(EvaluationError, match="E704") as info:
        update_baseline([report("b", m=0.4, k=0.2)], path, allow_lower=False)
    assert "b.m 0.5000 -> 0.4000" in str(info.value) and "b.k 0.3000 -> 0.2000" in str(info.value)
    assert load_baseline(path) == {"b": {"m": 0.5, "k": 0.3}}  # untouched
    update_baseline([report("b", m=0.4)], path, allow_lower=True)
    assert load_baseline(path) == {"b": {"k": 0.3, "m": 0.4}}


def test_load_baseline(tmp_path: Path) -> None:
    assert load_baseline(tmp_path / "none.json") == {}
    path = tmp_path / "baseline.json"
    for content, message in [("{oops", "invalid JSON"), ("[]", "JSON object"), ('{"a": 1}', "must be an object"),
                             ('{"a": {"m": "high"}}', "a.m must be a number"), ('{"a": {"m": true}}', "number")]:
        path.write_text(content, encoding="utf-8")
        with pytest.raises(EvaluationError, match="E703") as info:
            load_baseline(path)
        assert message in str(info.value) and str(path) in str(info.value)
