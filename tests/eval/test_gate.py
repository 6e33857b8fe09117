"""The evaluation gate: every figure on the development gold must stay within one point of the
checked-in baseline (tests/eval/baseline.json).

Raise the baseline after an improvement with
``detente eval all --update-baseline tests/eval/baseline.json``; lowering a figure needs
``--allow-lower`` as well, and a reason in the commit message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.evaluate import evaluate_all
from detente.evaluate.gate import compare, load_baseline

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT.parent / "shared" / "gold"
BASELINE = Path(__file__).with_name("baseline.json")


def test_eval_gate_no_figure_drops() -> None:
    if not GOLD.is_dir():
        pytest.skip(f"../shared/gold is absent ({GOLD}); the evaluation gate needs the development gold")
    baseline = load_baseline(BASELINE)
    assert baseline, "tests/eval/baseline.json is empty: run detente eval all --update-baseline"
    reports = evaluate_all(gold_dir=GOLD, datasets=sorted(baseline))
    problems = compare(reports, baseline)
    assert problems == [], "evaluation figures dropped:\n" + "\n".join(problems)
