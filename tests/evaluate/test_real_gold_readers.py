"""Every real gold set reads cleanly and has the record counts its README gives.

Skipped when the gold folder (``../shared/gold`` beside the repository) is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.evaluate import DATASETS, GoldItem

GOLD = Path(__file__).resolve().parents[2].parent / "shared" / "gold"

pytestmark = pytest.mark.skipif(not GOLD.is_dir(), reason=f"gold data not found at {GOLD}")


def read(name: str) -> list[GoldItem]:
    spec = DATASETS[name]
    path = GOLD / spec.path
    if not path.exists():
        pytest.skip(f"{name}: {path} not present")
    return list(spec.reader(path))


def test_plover_gsr() -> None:
    items = read("plover_gsr")
    assert sum(len(item.events) for item in items) == 179
    assert len(items) == 176  # three sentences carry two events each
    assert all(item.events and item.text for item in items)
    kinds = {event.plover for item in items for event in item.events}
    assert not kinds & {"DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT"}


def test_petr2_gsr() -> None:
    items = read("petr2_gsr")
    assert len(items) == 41  # no record is marked evaluate="false" in this file
    assert sum(item.no_event for item in items) == 2
    assert sum(len(item.events) for item in items) == 49
    assert all(event.cameo and event.cameo.isdigit() for item in items for event in item.events)


def test_cameo_class() -> None:
    items = read("cameo_class")
    assert len(items) == 1349
    assert {item.class_label for item in items} == {0, 1, 2, 3, 4}


def test_cameo_ner() -> None:
    items = read("cameo_ner")
    assert len(items) == 1153
    assert {span.label for item in items for span in item.spans} == {"source", "target", "reciprocal"}
    for item in items:
        for span in item.spans:
            piece = item.text[span.start:span.end]
            assert piece and piece == piece.strip()


def test_india_police() -> None:
    items = read("india_police")
    assert len(items) == 3172
    assert sum(not item.scored for item in items) == 1  # one row has an empty sentence
    assert all(set(item.labels) == {"KILL", "ARREST", "ANY_ACTION", "FAIL", "FORCE"} for item in items)


def test_case2021() -> None:
    items = read("case2021")
    assert len(items) == 530
    scored = [item for item in items if item.scored]
    assert scored and all(len(item.events) == 1 for item in scored)
    assert all(item.raw_label for item in items)


def test_polnear() -> None:
    items = read("polnear")
    assert len(items) == 84
    quotes = [quote for item in items for quote in item.quotes]
    assert len(quotes) > 2000
    for item in items:
        for quote in item.quotes:
            for span in (*quote.content, *quote.speaker):
                assert 0 <= span.start < span.end <= len(item.text)
