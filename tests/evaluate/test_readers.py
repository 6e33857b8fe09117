"""Gold readers on tiny hand-written fixtures in each format (fictional sentences)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from detente.errors import EvaluationError
from detente.evaluate.readers import (
    ACLED_TO_CAMEO,
    OLD_PLOVER_NAMES,
    GoldEvent,
    GoldSpan,
    normalize_country,
    normalize_plover,
    read_cameo_class,
    read_cameo_ner,
    read_case2021,
    read_india_police,
    read_jsonl,
    read_petr2_gsr,
    read_plover_gsr,
    read_polnear,
    split_actor_code,
)

# --------------------------------------------------------------------------- code helpers


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("USAGOV", ("USA", "GOV")),
        ("RUS", ("RUS", None)),
        ("IRQGOVMIL", ("IRQ", "GOV")),
        ("PSEGZACVL", ("PSE", "CVL")),
        ("IGOUNOMIL", ("UNO", "MIL")),
        ("IGOEUREEC", ("EU", None)),
        ("IGOWSTNAT", ("NATO", None)),
        ("IGOXYZ", ("IGO", None)),
        ("---REB", (None, "REB")),
        ("IMGMUSISI", (None, None)),
        ("JAPGOV", ("JPN", "GOV")),
        ("NATO", ("NATO", None)),
        ("", (None, None)),
    ],
)
def test_split_actor_code(code: str, expected: tuple[str | None, str | None]) -> None:
    assert split_actor_code(code) == expected


def test_normalize_helpers() -> None:
    assert normalize_country("ITL") == "ITA"
    assert normalize_country("---") is None
    assert normalize_country(" usa ") == "USA"
    assert normalize_plover("fight") == "ASSAULT"
    assert normalize_plover("DEMAND") == "REQUEST"
    assert normalize_plover("AGREE") == "AGREE"
    assert normalize_plover("") is None
    assert set(OLD_PLOVER_NAMES) == {"DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT"}
    assert ACLED_TO_CAMEO["AIR_STRIKE"] == ("195", "ASSAULT")
    assert "OTHER" not in ACLED_TO_CAMEO


# --------------------------------------------------------------------------- PLOVER GSR


def _plover_record(rid: str, text: str, event: str, source: object, target: object) -> dict[str, object]:
    return {"id": rid, "date": "2000-01-01", "source": source, "target": target, "event": event,
            "text": text, "eventText": "x", "version": "0.5b1"}


def test_plover_gsr_groups_maps_names_and_codes(tmp_path: Path) -> None:
    path = tmp_path / "plover.json"
    shared = "Freedonia police clashed with Sylvanian marchers and detained nine."
    records = [
        _plover_record("G-AGREE-1", "Freedonia and Japan agreed on a fishing pact.", "AGREE",
                       [{"actorText": "Freedonia", "code": "FRA"}, {"actorText": "Japan", "code": "JAP"}], ""),
        _plover_record("G-FIGHT-1", shared, "FIGHT",
                       [{"actorText": "police", "code": "FRA", "sector": "COP"}],
                       [{"actorText": "marchers", "code": "IMG"}]),
        _plover_record("G-DEMAND-1", "The council urged the union to act.", "DEMAND",
                       [{"actorText": "council", "code": "IGO", "sector": "GOV"}], None),
        _plover_record("G-COERCE-1", shared, "COERCE",
                       [{"actorText": "police", "code": "FRA", "sector": "***"}], []),
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    items = list(read_plover_gsr(path))
    assert [i.id for i in items] == ["G-AGREE-1", "G-FIGHT-1", "G-DEMAND-1"]
    agree, fight, demand = items
    assert agree.events == (GoldEvent(source_countries=("FRA", "JPN"), source_codes=("FRA", "JAP"),
                                      plover="AGREE"),)
    assert [e.plover for e in fight.events] == ["ASSAULT", "COERCE"]
    assert fight.events[0].source_codes == ("FRACOP",)
    assert fight.events[0].target_countries == ()  # IMG is not a country
    assert fight.events[0].target_codes == ("IMG",)
    assert fight.events[1].source_codes == ("FRA",)  # sector *** dropped
    assert demand.events[0].plover == "REQUEST"
    assert demand.events[0].source_countries == ("IGO",)
    assert demand.events[0].target_countries == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"id": "x"}', "JSON list"),
        ('[{"id": "x", "text": "A said B."}]', "record 0 (x)"),
        ('[{"id": "x", "text": "A said B.", "event": "AGREE", "source": "USA"}]', "'source' must be a list"),
    ],
)
def test_plover_gsr_malformed(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "plover.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationError, match="E703") as info:
        list(read_plover_gsr(path))
    assert str(path) in str(info.value)
    assert message in str(info.value)


# --------------------------------------------------------------------------- PETRARCH-2

PETR_XML = """<?xml version='1.0' encoding='utf-8'?>
<Validation>

##########################
#  a comment block <with> stray & characters
##########################

<Sentences>
<Sentence category="T" date="20240102" id="S1" evaluate="true"/>
<EventCoding eventcode="042" sourcecode="FRAGOV" targetcode="IGOUNOMIL" />
<EventCoding eventcode="042" sourcecode="---REB" targetcode="" />
<Text>
Freedonian ministers visited the peace &amp; relief
mission on Tuesday.
</Text>
<Parse>
1\tFreedonian\tfreedonian\tADJ
</Parse>
</Sentence>

<Sentence category="T" date="20240102" id="S2" evaluate="false"/>
<EventCoding eventcode="190" sourcecode="AAA" targetcode="BBB" />
<Text>
Skipped sentence.
</Text>
</Sentence>

<Sentence category="T" date="20240103" id="S3" evaluate="true">
<!-- <EventCoding eventcode="111" sourcecode="X" targetcode="Y" /> -->
<EventCoding noevents="True" />
<Text>
Nothing happened in Sylvania.
</Text>
</Sentence>

<Sentence category="T" date="bad" id="S4" evaluate="true"/>
<Text>
A quiet day.
#calm
</Text>
</Sentence>
</Sentences>
</Validation>
"""


def test_petr2_gsr(tmp_path: Path) -> None:
    path = tmp_path / "petr.xml"
    path.write_text(PETR_XML, encoding="utf-8")
    items = list(read_petr2_gsr(path))
    assert [i.id for i in items] == ["S1", "S3", "S4"]
    s1, s3, s4 = items
    assert s1.text == "Freedonian ministers visited the peace & relief mission on Tuesday."
    assert s1.published == dt.date(2024, 1, 2)
    assert not s1.no_event
    first, second = s1.events
    assert first == GoldEvent(source_countries=("FRA",), target_countries=("UNO",),
                              source_codes=("FRAGOV",), target_codes=("IGOUNOMIL",), cameo="042")
    assert second.source_countries == () and second.source_codes == ("---REB",)
    assert second.target_codes == ()
    assert s3.no_event and s3.events == ()  # the commented-out coding is ignored
    assert s4.no_event and s4.published is None
    assert s4.text == "A quiet day. #calm"


def test_petr2_gsr_malformed(tmp_path: Path) -> None:
    path = tmp_path / "petr.xml"
    path.write_text('<Sentences>\n\n<Sentence id="Z9" evaluate="true"/>\n'
                    '<EventCoding eventcode="" sourcecode="A" />\n<Text>x</Text>\n</Sentences>',
                    encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"petr\.xml:3 \(Z9\).*eventcode"):
        list(read_petr2_gsr(path))
    path.write_text('<Sentences><Sentence id="Z1"/><EventCoding noevents="True"/></Sentences>', encoding="utf-8")
    with pytest.raises(EvaluationError, match="no <Text>"):
        list(read_petr2_gsr(path))
    path.write_text("<Sentences></Sentences>", encoding="utf-8")
    with pytest.raises(EvaluationError, match="no <Sentence>"):
        list(read_petr2_gsr(path))


# --------------------------------------------------------------------------- ConfliBERT


def test_cameo_class(tmp_path: Path) -> None:
    path = tmp_path / "train.tsv"
    path.write_text("sentence\tlabel\nThe envoy praised the truce.\t1\n\nRebels shelled the port.\t4\n",
                    encoding="utf-8")
    items = list(read_cameo_class(path))
    assert [(i.id, i.text, i.class_label) for i in items] == [
        ("train-2", "The envoy praised the truce.", 1), ("train-4", "Rebels shelled the port.", 4),
    ]
    path.write_text("The envoy praised the truce.\t7\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"train\.tsv:1.*0-4"):
        list(read_cameo_class(path))
    path.write_text("ok\t1\nno tab here\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"train\.tsv:2"):
        list(read_cameo_class(path))


def test_cameo_ner(tmp_path: Path) -> None:
    path = tmp_path / "train.txt"
    path.write_text(
        "The B-S\nSylvanian I-S\narmy I-S\nhit O\nFreedonia B-T\n. O\n\n"
        "Both B-R\nsides I-R\nmet O\nenvoys I-T\n\n\n"
        "Nothing O\n",
        encoding="utf-8",
    )
    items = list(read_cameo_ner(path))
    assert [i.id for i in items] == ["train-1", "train-2", "train-3"]
    first, second, third = items
    assert first.text == "The Sylvanian army hit Freedonia ."
    assert first.spans == (GoldSpan(0, 18, "source"), GoldSpan(23, 32, "target"))
    assert [first.text[s.start:s.end] for s in first.spans] == ["The Sylvanian army", "Freedonia"]
    assert second.spans == (GoldSpan(0, 10, "reciprocal"), GoldSpan(15, 21, "target"))
    assert third.spans == () and third.text == "Nothing"
    path.write_text("word X-S\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"train\.txt:1.*unknown tag"):
        list(read_cameo_ner(path))


def test_india_police(tmp_path: Path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text(
        "sentence\tKILL\tARREST\tANY_ACTION\tFAIL\tFORCE\r\n"
        "police detained two men.\t0\t1\t1\t0\t0\r\n"
        "\t0\t0\t0\t0\t0\r\n",
        encoding="utf-8",
    )
    items = list(read_india_police(path))
    assert len(items) == 2
    assert items[0].id == "dev-2" and items[0].text == "police detained two men."
    assert dict(items[0].labels) == {"KILL": 0, "ARREST": 1, "ANY_ACTION": 1, "FAIL": 0, "FORCE": 0}
    assert items[0].scored and not items[1].scored
    path.write_text("a sentence\t0\t2\t0\t0\t0\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"dev\.tsv:1.*0 or 1"):
        list(read_india_police(path))
    path.write_text("a sentence\t0\t1\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"dev\.tsv:1"):
        list(read_india_police(path))


# --------------------------------------------------------------------------- CASE 2021


def test_case2021(tmp_path: Path) -> None:
    path = tmp_path / "events.tsv"
    path.write_text(
        "id\tEventSnippet\tSubType\n"
        "7\tJets struck a depot near the river.\tAIR_STRIKE\n"
        "8\tA new party office opened.\tHQ_ESTABLISHED\n",
        encoding="utf-8",
    )
    strike, office = read_case2021(path)
    assert strike.id == "7" and strike.scored and strike.raw_label == "AIR_STRIKE"
    assert strike.events == (GoldEvent(cameo="195", plover="ASSAULT"),)
    assert not office.scored and office.events == () and office.raw_label == "HQ_ESTABLISHED"
    path.write_text("id\tEventSnippet\tSubType\n9\tonly two\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"events\.tsv:2"):
        list(read_case2021(path))


# --------------------------------------------------------------------------- PolNeAR


def test_polnear(tmp_path: Path) -> None:
    root = tmp_path / "dev"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    text = 'The mayor said "we will rebuild," adding: "soon."\nAides agreed.'
    (root / "text" / "city_2024.txt").write_text(text, encoding="utf-8", newline="")
    speaker, cue = (0, 9), (10, 14)
    c1, c2 = (15, 32), (42, 49)
    aides = text.index("Aides")
    ann = (
        f"T1\tSource {speaker[0]} {speaker[1]}\t{text[slice(*speaker)]}\n"
        f"T2\tCue {cue[0]} {cue[1]}\t{text[slice(*cue)]}\n"
        f"T3\tContent {c1[0]} {c1[1]};{c2[0]} {c2[1]}\t{text[slice(*c1)]} {text[slice(*c2)]}\n"
        f"T4\tAttribution {cue[0]} {cue[1]}\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
        f"T5\tContent {aides} {aides + 5}\tAides\n"
        "E2\tAttribution-no-source:T4 Content:T5\n"
    )
    (root / "attributions" / "city_2024_aaaa.ann").write_text(ann, encoding="utf-8")
    (root / "attributions" / "city_2024_bbbb.ann").write_text("", encoding="utf-8")  # second annotator: ignored
    (item,) = read_polnear(root)
    assert item.id == "city_2024" and item.text == text
    first, second = item.quotes
    assert first.speaker == (GoldSpan(0, 9, "speaker"),)
    assert first.content == (GoldSpan(15, 32, "content"), GoldSpan(42, 49, "content"))
    assert first.cue == GoldSpan(10, 14, "cue")
    assert second.speaker == () and second.cue is None

    (root / "attributions" / "city_2024_aaaa.ann").write_text("T1\tSource 0 9\tThe mayoX\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"city_2024_aaaa\.ann:1.*does not match"):
        list(read_polnear(root))
    (root / "attributions" / "city_2024_aaaa.ann").write_text("T1\tSource 0 900\tx\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match="outside the text"):
        list(read_polnear(root))
    (root / "attributions" / "city_2024_aaaa.ann").write_text("E1\tAttribution:T4 Content:T9\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match="unknown annotation T9"):
        list(read_polnear(root))


def test_polnear_missing_folders(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="text/ and attributions/"):
        list(read_polnear(tmp_path))


# --------------------------------------------------------------------------- JSONL


def test_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    lines = [
        {"id": "a1", "text": "Freedonia hosted Sylvanian envoys.", "published": "2024-05-01",
         "events": [{"source": ["FRA"], "target": "SYLGOV", "cameo": "042", "plover": "consult",
                     "status": "occurred"}]},
        {"id": 2, "text": "Nothing of note.", "no_event": True},
        {"id": "a3", "text": "NATO warned the junta.", "events": [{"source": "NATO", "target": ["MMRMIL"]}]},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    first, second, third = read_jsonl(path)
    assert first.id == "a1" and first.published == dt.date(2024, 5, 1)
    assert first.events == (GoldEvent(source_countries=("FRA",), target_countries=(),
                                      source_codes=("FRA",), target_codes=("SYLGOV",), cameo="042",
                                      plover="CONSULT", status="occurred"),)
    assert second.id == "2" and second.no_event and second.events == ()
    assert third.events[0].source_countries == ("NATO",)
    assert third.events[0].target_countries == ("MMR",)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{broken", "invalid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"text": "x"}', '"id"'),
        ('{"id": "a", "text": ""}', '"text"'),
        ('{"id": "a", "text": "x", "published": "May 1"}', "ISO date"),
        ('{"id": "a", "text": "x", "events": {}}', '"events" must be a list'),
        ('{"id": "a", "text": "x", "no_event": true, "events": [{}]}', "not empty"),
        ('{"id": "a", "text": "x", "events": [{"cameo": 42}]}', "string of digits"),
        ('{"id": "a", "text": "x", "events": [{"status": "maybe"}]}', "unknown status"),
        ('{"id": "a", "text": "x", "events": [{"source": [1]}]}', "list of codes"),
    ],
)
def test_jsonl_malformed(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "ok", "text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match="E703") as info:
        list(read_jsonl(path))
    assert f"{path}:2" in str(info.value)
    assert message in str(info.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="no such file"):
        list(read_jsonl(tmp_path / "absent.jsonl"))
