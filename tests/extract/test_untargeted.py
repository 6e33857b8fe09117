"""Statements to no one in particular: kept only when they are all a sentence says (sentences written for these tests)."""

from __future__ import annotations

import datetime as dt

DAY = dt.date(2024, 3, 5)


def test_statement_alone_is_kept_without_a_target(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = pipeline.code_text("The Kenyan foreign minister said on Monday that the harvest had been good.",
                                published=DAY)
    (event,) = result.events
    assert event.cameo.root == "01" and not event.target
    assert [a.country for a in event.source] == ["KEN"]
    assert event.evidence.endswith("+untargeted")


def test_statement_gives_way_to_a_substantive_event(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = pipeline.code_text("The Kenyan foreign minister said Kenya would send aid to Somalia.", published=DAY)
    assert result.events
    assert all("+untargeted" not in e.evidence for e in result.events), [e.evidence for e in result.events]


def test_untargeted_statements_can_be_switched_off() -> None:
    from detente import Pipeline

    with Pipeline(**{"extract.untargeted_statements": False}) as pipeline:
        result = pipeline.code_text("The Kenyan foreign minister said on Monday that the harvest had been good.",
                                    published=DAY)
    assert not result.events
