"""Quotes in every common style, each with its speaker resolved (sentences written for these tests)."""

from __future__ import annotations

import datetime as dt

import pytest

from detente.model import Quote, Result

DAY = dt.date(2023, 6, 6)

CASES = [
    # id, text, fragment of the content, speaker country (or None for an uncoded speaker), direct
    ("curly", "“We will defend every inch of our territory,” the Polish defence minister said on Monday.",
     "defend every inch", "POL", True),
    ("straight", '"The border is closed until further notice," a Finnish interior ministry official said.',
     "border is closed", "FIN", True),
    ("speaker-first", 'The Kremlin said: "Russia has no plans to attack anyone."', "no plans to attack", "RUS", True),
    ("split", "“These sanctions are illegal,” Iran's foreign minister said, “and they will not change our "
              "position.”", "will not change our position", "IRN", True),
    ("split-first-half", "“These sanctions are illegal,” Iran's foreign minister said, “and they will not change "
                         "our position.”", "These sanctions are illegal", "IRN", True),
    ("multi-sentence", "“The talks were useful. We agreed on a timetable. Now the work begins,” the Norwegian "
                       "envoy told reporters.", "We agreed on a timetable", "NOR", True),
    ("across-paragraphs", "Germany's chancellor spoke at length on Tuesday.\n\n“We will send more air defence "
                          "systems this year.\n\n“And we will train more pilots,” she said.",
     "send more air defence", "DEU", True),
    ("reported-that", "The Chinese foreign ministry said that Beijing would respond firmly to any provocation.",
     "Beijing would respond firmly", "CHN", False),
    ("reported-no-that", "Japan's prime minister said his government would raise defence spending next year.",
     "would raise defence spending", "JPN", False),
    ("according-to", "Turkish troops crossed into northern Iraq overnight, according to the Iraqi defence ministry.",
     "Turkish troops crossed", "IRQ", False),
    ("readout", "The White House said in its readout that the two leaders agreed to keep talking.",
     "two leaders agreed", "USA", False),
    ("warned", "The Israeli prime minister warned that the operation would continue for weeks.",
     "operation would continue", "ISR", False),
    ("after-clause", "The ceasefire is holding in most areas, the United Nations envoy said.",
     "ceasefire is holding", "UNO", False),
    ("tweeted", "Ukraine's president wrote that the attack had destroyed a power station.",
     "destroyed a power station", "UKR", False),
    ("transcript", "Interview excerpt.\nHOST: Will you run again?\nMINISTER: I have not decided yet.",
     "I have not decided yet", None, True),
    ("signed", "Readers wrote to us.\n“The cost of living is the only issue that matters.” ― Maria Lopez",
     "cost of living", None, True),
    ("published-statement", "The Brazilian foreign ministry released a statement condemning the coup attempt.",
     "statement condemning", "BRA", False),
    ("stance-outline", "Kenya's finance minister outlined a plan to cut fuel subsidies over two years.",
     "plan to cut fuel subsidies", "KEN", False),
    ("passive-agent", "“Reform cannot wait another decade,” was written by the Mexican president in his memoir.",
     "Reform cannot wait", "MEX", True),
]


@pytest.fixture(scope="module")
def coded(pipeline) -> dict[str, Result]:  # type: ignore[no-untyped-def]
    return {case[0]: pipeline.code_text(case[1], published=DAY) for case in CASES}


def _find(result: Result, fragment: str) -> list[Quote]:
    return [q for q in result.quotes if fragment in q.content.text]


@pytest.mark.parametrize(("case_id", "text", "fragment", "country", "direct"), CASES, ids=[c[0] for c in CASES])
def test_quote_style(coded: dict[str, Result], case_id: str, text: str, fragment: str, country: str | None,
                     direct: bool) -> None:
    result = coded[case_id]
    matches = _find(result, fragment)
    assert matches, [(q.speaker_text, q.content.text) for q in result.quotes]
    quote = matches[0]
    assert quote.direct is direct
    assert quote.speaker is not None and quote.speaker.text
    assert result.article.text[quote.speaker.start:quote.speaker.end] == quote.speaker.text
    if country is not None:
        assert quote.speaker.country == country, (quote.speaker_text, quote.speaker)


def test_quote_speaker_links_back(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = ("A senior U.S. official briefed reporters on the talks in Vienna on Monday. "
            "“We made progress, but gaps remain,” the official said.")
    result = pipeline.code_text(text, published=DAY)
    (quote,) = _find(result, "gaps remain")
    assert quote.speaker is not None and quote.speaker.country == "USA" and quote.speaker.sector == "GOV"


def test_quote_offsets_point_into_text(coded: dict[str, Result]) -> None:
    for result in coded.values():
        for q in result.quotes:
            assert result.article.text[q.content.start:q.content.end] == q.content.text


def test_relative_pronoun_speaker_keeps_its_span_and_codes_the_antecedent(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "The Egyptian foreign minister, who said the crossing would reopen on Sunday, met aid groups in Cairo."
    result = pipeline.code_text(text, published=DAY)
    (quote,) = _find(result, "crossing would reopen")
    assert quote.speaker is not None and quote.speaker.text == "who"
    assert quote.speaker.country == "EGY"


def test_passive_subject_is_not_the_speaker(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "The Chilean ambassador was told that the embassy would close next month."
    result = pipeline.code_text(text, published=DAY)
    assert all(q.speaker is None or q.speaker.text != "The Chilean ambassador" for q in result.quotes), result.quotes


def test_publishing_verb_needs_a_communication_as_object(pipeline) -> None:  # type: ignore[no-untyped-def]
    text = "The Indian navy sent two frigates to the strait on Friday."
    result = pipeline.code_text(text, published=DAY)
    assert not _find(result, "frigates"), result.quotes
