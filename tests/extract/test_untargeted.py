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


def test_statement_about_a_named_event_comes_first(pipeline) -> None:  # type: ignore[no-untyped-def]
    # The sentence reports the condolences; the attack is their topic (and still coded, after them).
    result = pipeline.code_text("The Chilean government expressed its condolences to Kenya over an attack that "
                                "killed twelve people in Nairobi.", published=DAY)
    roots = [e.cameo.root for e in result.events]
    assert roots[0] == "01" and ("19" in roots[1:] or "18" in roots[1:]), roots


def test_claimed_attack_is_coded_with_the_claimant_as_attacker(pipeline) -> None:  # type: ignore[no-untyped-def]
    result = pipeline.code_text("Boko Haram claimed responsibility for the bombing of a market in Maiduguri.",
                                published=DAY)
    first, *rest = result.events
    assert first.cameo.code == "015"
    attacks = [e for e in rest if e.cameo.root in ("18", "19")]
    assert attacks and [a.country for a in attacks[0].source] == ["NGA"], [(e.cameo.code, e.source) for e in rest]
    assert "+unidentified-attacker" not in attacks[0].evidence


def test_plain_saying_stays_behind_what_it_reports(pipeline) -> None:  # type: ignore[no-untyped-def]
    # "said in a report that ...": the report carries the content, the beating is the main event.
    result = pipeline.code_text("Amnesty said in a report that Kenyan police beat students in Kisumu.",
                                published=DAY)
    assert result.events and result.events[0].cameo.root == "18", [e.cameo.code for e in result.events]
