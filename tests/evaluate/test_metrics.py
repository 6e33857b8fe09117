"""Scorers and the runner on hand-made Results (fictional sentences, fake coders)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from rich.console import Console

from detente.errors import EvaluationError
from detente.evaluate import DATASETS, EvalReport, default_gold_dir, evaluate, evaluate_all
from detente.evaluate.metrics import OffsetMap, main_event, phoenix_class, score
from detente.evaluate.readers import GoldEvent, GoldItem, GoldQuote, GoldSpan
from detente.model import (
    Actor,
    Article,
    Cameo,
    Event,
    Plover,
    Quote,
    Result,
    SentenceRef,
    Span,
)

# --------------------------------------------------------------------------- builders


def actor(country: str | None, sector: str | None = None, start: int = 0, end: int = 1) -> Actor:
    code = (country or "") + (sector or "") or None
    return Actor(text="x", start=start, end=end, country=country, sector=sector, code=code)


def ev(cameo: str, plover: str = "", source: Sequence[Actor] = (), target: Sequence[Actor] = (), *,
       at: int = 0, sentence: str = "", status: str = "occurred", reciprocal: bool = False,
       trigger: str = "x") -> Event:
    return Event(
        id=f"e{at}-{cameo}", article_id="a", sentence=SentenceRef(index=0, start=0, end=len(sentence), text=sentence),
        trigger=Span(start=at, end=at + 1, text=trigger), source=tuple(source), target=tuple(target),
        cameo=Cameo(code=cameo, root=cameo[:2], name="", goldstein=None, quad_class=0),
        plover=Plover(event=plover), status=status, reciprocal=reciprocal,
    )


def res(text: str = "t", events: Sequence[Event] = (), quotes: Sequence[Quote] = ()) -> Result:
    return Result(article=Article(id="a", text=text), events=tuple(events), quotes=tuple(quotes))


def item(iid: str, text: str = "t", **kwargs: Any) -> GoldItem:
    return GoldItem(id=iid, text=text, **kwargs)


def gev(plover: str | None = None, cameo: str | None = None, src: Sequence[str] = (), tgt: Sequence[str] = (),
        src_codes: Sequence[str] = (), tgt_codes: Sequence[str] = (), status: str | None = None) -> GoldEvent:
    return GoldEvent(source_countries=tuple(src), target_countries=tuple(tgt), source_codes=tuple(src_codes),
                     target_codes=tuple(tgt_codes), cameo=cameo, plover=plover, status=status)


# --------------------------------------------------------------------------- helpers


def test_phoenix_class() -> None:
    expected = {"01": 0, "02": 0, "03": 1, "05": 1, "06": 2, "08": 2, "09": 3, "13": 3, "16": 3,
                "14": 4, "15": 4, "17": 4, "20": 4}
    for root, cls in expected.items():
        assert phoenix_class(root) == cls, root
    assert phoenix_class("0231") == 0
    assert phoenix_class(None) is None and phoenix_class("21") is None and phoenix_class("x") is None


def test_main_event_is_the_extractors_first_of_the_first_sentence() -> None:
    late, early = ev("190", at=20), ev("042", at=3)
    # Within a sentence the extractor's order decides (it lists the main event first).
    assert main_event(res(events=[late, early])) is late
    assert main_event(res()) is None


def test_offset_map() -> None:
    same = OffsetMap("abc def", "abc def")
    assert same.span(4, 7) == (4, 7)
    assert same.span(5, 99) == (5, 7)
    moved = OffsetMap("Hello  world", "Hello world")
    assert moved.span(7, 12) == (6, 11)
    assert OffsetMap("zzz", "abc").span(0, 3) is None


# --------------------------------------------------------------------------- events


def test_event_type_accuracy_hit_rate_and_classes() -> None:
    items = [
        item("one", events=(gev("AGREE", src=("USA", "JOR")),)),
        item("multi", events=(gev("ASSAULT"), gev("COERCE"))),
        item("second", events=(gev("ACCUSE"),)),
        item("empty", events=(gev("PROTEST"),)),
    ]
    results = [
        res(events=[ev("057", "AGREE", [actor("USA"), actor("JOR")])]),
        res(events=[ev("190", "ASSAULT")]),
        res(events=[ev("128", "REJECT", at=0), ev("112", "ACCUSE", at=5)]),
        res(),
    ]
    report = score("demo", "events", items, results, errors=5)
    m = report.metrics
    assert m["event_accuracy"] == pytest.approx(1 / 4)
    assert m["plover_accuracy"] == m["event_accuracy"]
    assert m["event_hit_rate"] == pytest.approx(2 / 4)
    assert m["source_country_accuracy"] == 1.0
    assert "target_country_accuracy" not in m
    assert report.confusion["ACCUSE"] == {"REJECT": 1}
    assert report.confusion["COERCE"] == {"ASSAULT": 1}
    assert report.confusion["PROTEST"] == {"NONE": 1}
    assert report.per_class["AGREE"]["f1"] == 1.0
    assert report.per_class["ASSAULT"]["precision"] == 0.5  # ASSAULT also predicted for COERCE
    assert m["macro_f1"] == pytest.approx((1.0 + 2 / 3 + 0 + 0 + 0) / 5)
    assert [e["id"] for e in report.errors["ACCUSE"]] == ["second"]
    assert report.errors["PROTEST"][0]["predicted"] == "NONE"
    assert report.counts["predicted_events"] == 4
    # PLOVER tuples, since the gold has countries: 4 of 6 gold tuples found, 4 of 5 predicted right
    assert m["tuple_recall_plover"] == pytest.approx(4 / 6)
    assert m["tuple_precision_plover"] == pytest.approx(4 / 5)
    assert "tuple_f1_root" not in m


def test_cameo_tuples_countries_sectors_and_no_event() -> None:
    items = [
        item("s1", events=(gev(cameo="042", src=("FRA",), tgt=("UNO",), src_codes=("FRAGOV",),
                               tgt_codes=("IGOUNOMIL",)),)),
        item("s2", events=(gev(cameo="190", src=("ISR",), tgt=("PSE",), src_codes=("ISR",),
                               tgt_codes=("PSECVL",)),)),
        item("s3", no_event=True),
        item("s4", no_event=True),
    ]
    results = [
        res(events=[ev("043", source=[actor("FRA", "GOV")], target=[actor("UNO", "MIL")])]),
        res(events=[ev("190", source=[actor("ISR", "MIL")], target=[actor("LBN", "CVL")])]),
        res(),
        res(events=[ev("010", source=[actor("USA")])]),
    ]
    report = score("petr", "events", items, results)
    m = report.metrics
    assert m["event_accuracy"] == m["cameo_root_accuracy"] == 1.0
    assert m["cameo_accuracy"] == 0.5
    assert m["source_country_accuracy"] == 1.0
    assert m["target_country_accuracy"] == 0.5
    assert m["source_sector_accuracy"] == 1.0  # FRAGOV; ISR has no sector
    assert m["target_sector_accuracy"] == 0.5  # UNO MIL right, PSE CVL wrong country
    # root tuples: (FRA, UNO, 04) hit, (ISR, PSE, 19) miss; predicted also (USA, -, 01)
    assert m["tuple_precision_root"] == pytest.approx(1 / 3)
    assert m["tuple_recall_root"] == pytest.approx(1 / 2)
    assert m["tuple_f1_root"] == pytest.approx(0.4)
    assert m["tuple_recall_full"] == 0.0
    assert m["tuple_recall_strict"] == 0.0
    # coded sentences whose gold tuples were all predicted: s1 yes, s2 no (s3, s4 expect none)
    assert m["tuple_match_root"] == 0.5
    assert m["tuple_match_full"] == 0.0
    assert m["no_event_specificity"] == 0.5
    assert "plover_accuracy" not in m and "tuple_f1_plover" not in m


def test_strict_tuples_and_reciprocal_and_generic_igo() -> None:
    items = [
        item("r", events=(gev(cameo="040", src=("USA",), tgt=("RUS",), src_codes=("USAGOV",), tgt_codes=("RUS",)),
                          gev(cameo="040", src=("RUS",), tgt=("USA",), src_codes=("RUS",), tgt_codes=("USAGOV",)))),
        item("g", events=(gev(cameo="112", src=("IGO",), tgt=("SRB",), src_codes=("IGO",), tgt_codes=("SRB",)),)),
    ]
    results = [
        res(events=[ev("040", source=[actor("USA", "GOV")], target=[actor("RUS")], reciprocal=True)]),
        res(events=[ev("112", source=[actor("NATO")], target=[actor("SRB")])]),
    ]
    m = score("x", "events", items, results).metrics
    assert m["tuple_f1_strict"] == 1.0
    assert m["tuple_f1_full"] == 1.0
    assert m["source_country_accuracy"] == pytest.approx(2 / 3)  # the reversed gold event aligns badly
    assert m["event_accuracy"] == 1.0


def test_joint_event_is_between_every_pair_of_parties() -> None:
    # "The US, Russia and Switzerland met": gold lists all six ordered pairs.
    pairs = [(a, b) for a in ("USA", "RUS", "CHE") for b in ("USA", "RUS", "CHE") if a != b]
    items = [item("m", events=tuple(gev(cameo="040", src=(a,), tgt=(b,)) for a, b in pairs))]
    joint = ev("040", source=[actor("USA")], target=[actor("RUS"), actor("CHE")], reciprocal=True)
    m = score("x", "events", items, [res(events=[joint])]).metrics
    assert m["tuple_recall_root"] == 1.0 and m["tuple_precision_root"] == 1.0
    assert m["tuple_match_root"] == 1.0
    one_way = ev("040", source=[actor("USA")], target=[actor("RUS"), actor("CHE")])
    m = score("x", "events", items, [res(events=[one_way])]).metrics
    assert m["tuple_recall_root"] == pytest.approx(2 / 6)
    assert m["tuple_match_root"] == 0.0


def test_status_accuracy() -> None:
    items = [item("a", events=(gev("THREATEN", status="threatened"),)),
             item("b", events=(gev("ASSAULT", status="occurred"),))]
    results = [res(events=[ev("138", "THREATEN", status="threatened")]),
               res(events=[ev("190", "ASSAULT", status="denied")])]
    assert score("x", "events", items, results).metrics["status_accuracy"] == 0.5


# --------------------------------------------------------------------------- class


def test_quad_class() -> None:
    items = [item(str(i), class_label=c) for i, c in enumerate([0, 1, 4, 3, 2])]
    results = [
        res(events=[ev("010")]),
        res(events=[ev("036")]),
        res(events=[ev("160", at=9), ev("190", at=2)]),  # main event (listed first) is 160 -> 3, wrong
        res(events=[ev("160")]),
        res(),  # none: wrong
    ]
    report = score("cls", "class", items, results, errors=3)
    assert report.metrics["accuracy"] == pytest.approx(3 / 5)
    assert report.confusion["4"] == {"3": 1}
    assert report.confusion["2"] == {"none": 1}
    assert report.per_class["3"] == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3), "support": 1.0}
    assert report.metrics["macro_f1"] == pytest.approx((1 + 1 + 0 + 2 / 3 + 0) / 5)
    assert report.errors["4"][0]["predicted"] == "3 (160)"


# --------------------------------------------------------------------------- spans


def test_actor_spans_exact_overlap_and_offset_mapping() -> None:
    text = "The Sylvanian army hit Freedonia ."
    gold = item("n", text=text, spans=(GoldSpan(0, 18, "source"), GoldSpan(23, 32, "target")))
    # detente's cleaned text dropped the space before the full stop: offsets still line up
    predicted = res(text="The Sylvanian army hit Freedonia.", events=[
        ev("190", source=[actor(None, start=4, end=18)], target=[actor(None, start=23, end=32)]),
    ])
    recip = item("r", text="Both sides met", spans=(GoldSpan(0, 10, "reciprocal"),))
    recip_pred = res(text="Both sides met", events=[
        ev("040", source=[actor(None, start=0, end=10)], target=[actor(None, start=0, end=10)], reciprocal=True),
    ])
    empty = item("e", text="Nothing", spans=())
    spurious = res(text="Nothing", events=[ev("010", source=[actor(None, start=0, end=7)])])
    report = score("ner", "spans", [gold, recip, empty], [predicted, recip_pred, spurious], errors=2)
    m = report.metrics
    # predicted: (4,18,source) (23,32,target) (0,10,reciprocal) (0,7,source) -> exact: 2 of 4 / 3 gold
    assert m["actor_span_precision_exact"] == pytest.approx(2 / 4)
    assert m["actor_span_recall_exact"] == pytest.approx(2 / 3)
    assert m["actor_span_recall_overlap"] == 1.0
    assert m["actor_span_precision_overlap"] == pytest.approx(3 / 4)
    assert m["actor_span_f1_overlap_unlabeled"] == pytest.approx(m["actor_span_f1_overlap"])
    assert report.per_class["reciprocal"]["f1"] == 1.0
    assert report.errors["source"][0]["id"] == "e"


# --------------------------------------------------------------------------- multilabel


def _labels(**values: int) -> MappingProxyType[str, int]:
    base = {"KILL": 0, "ARREST": 0, "ANY_ACTION": 0, "FAIL": 0, "FORCE": 0}
    base.update(values)
    return MappingProxyType(base)


def test_india_police_labels() -> None:
    items = [
        item("k", labels=_labels(KILL=1, FORCE=1, ANY_ACTION=1)),
        item("a", labels=_labels(ARREST=1, ANY_ACTION=1)),
        item("n", labels=_labels()),
        item("f", labels=_labels(FORCE=1, ANY_ACTION=1, FAIL=1)),
    ]
    results = [
        res(events=[ev("190", trigger="opened fire", sentence="police opened fire, killing two")]),
        res(events=[ev("173", trigger="arrested")]),
        res(events=[ev("180", trigger="attacked", sentence="a mob attacked a bus")]),
        res(events=[ev("042")]),
    ]
    report = score("india", "multilabel", items, results, errors=1)
    m = report.metrics
    assert m["kill_f1"] == 1.0
    assert m["arrest_f1"] == 1.0
    # FORCE is any CAMEO 17-20 event, so the arrest (173) counts too
    assert m["force_precision"] == pytest.approx(1 / 3) and m["force_recall"] == 0.5
    assert m["any_action_precision"] == pytest.approx(2 / 3) and m["any_action_recall"] == pytest.approx(2 / 3)
    assert m["macro_f1"] == pytest.approx((1 + 1 + 0.4 + 2 / 3) / 4)
    assert report.confusion["FORCE"] == {"tp": 1, "fp": 2, "fn": 1, "tn": 0}
    assert "FAIL" not in report.per_class
    assert "fail_f1" not in m


# --------------------------------------------------------------------------- quotes


def quote(content: tuple[int, int], speaker: tuple[int, int] | None, text: str) -> Quote:
    who = Actor(text=text[speaker[0]:speaker[1]], start=speaker[0], end=speaker[1]) if speaker else None
    return Quote(id="q", article_id="a", speaker=who, speaker_text=None, cue="said",
                 content=Span(start=content[0], end=content[1], text=text[content[0]:content[1]]), direct=True)


def test_quotes() -> None:
    text = 'The mayor said "we will rebuild." Aides said the budget was short. Nobody asked.'
    mayor, rebuild = (0, 9), (text.index('"we'), text.index(" Aides"))
    aides, budget = (text.index("Aides"), text.index("Aides") + 5), (text.index("the budget"), text.index(". Nobody"))
    gold = item("art", text=text, quotes=(
        GoldQuote(speaker=(GoldSpan(*mayor, "speaker"),), content=(GoldSpan(*rebuild, "content"),)),
        GoldQuote(speaker=(GoldSpan(*aides, "speaker"),), content=(GoldSpan(*budget, "content"),)),
    ))
    predicted = res(text=text, quotes=[
        quote((rebuild[0] + 1, rebuild[1] - 2), mayor, text),  # quote marks and full stop trimmed: exact
        quote((budget[0] + 4, budget[1]), (text.index("Nobody"), text.index(" asked")), text),  # overlap only
        quote((text.index("Nobody"), len(text)), None, text),  # spurious
    ])
    report = score("polnear", "quotes", [gold], [predicted], errors=5)
    m = report.metrics
    assert m["quote_content_precision_exact"] == pytest.approx(1 / 3)
    assert m["quote_content_recall_exact"] == pytest.approx(1 / 2)
    assert m["quote_content_recall_overlap"] == 1.0
    assert m["quote_content_precision_overlap"] == pytest.approx(2 / 3)
    assert m["quote_speaker_accuracy"] == 0.5
    assert m["quote_speaker_recall_exact"] == 0.5
    assert m["quote_speaker_precision_overlap"] == 0.5
    assert report.per_class["content"]["support"] == 2.0
    assert {e["predicted"] for e in report.errors["content"]} == {"Nobody asked."}


def test_score_rejects_mismatch_and_unknown_task() -> None:
    with pytest.raises(EvaluationError, match="1 results for 2 gold items"):
        score("x", "events", [item("a"), item("b")], [res()])
    with pytest.raises(EvaluationError, match="Unknown evaluation task"):
        score("x", "nope", [], [])


# --------------------------------------------------------------------------- runner


def _write_gold(root: Path) -> None:
    case = root / "case2021_task2"
    case.mkdir(parents=True)
    (case / "events.tsv").write_text(
        "id\tEventSnippet\tSubType\n"
        "1\tJets struck a depot near the river.\tAIR_STRIKE\n"
        "2\tMarchers filled the square.\tPEACE_PROTEST\n"
        "3\tA party opened an office.\tHQ_ESTABLISHED\n"
        "4\tGuards detained a courier.\tARREST\n",
        encoding="utf-8",
    )
    cls = root / "conflibert" / "cameo_class"
    cls.mkdir(parents=True)
    (cls / "train.tsv").write_text("The envoy praised the truce.\t1\n", encoding="utf-8")


def fake_coder(items: Sequence[GoldItem]) -> Iterator[Result]:
    table = {"Jets": ("195", "ASSAULT"), "Marchers": ("141", "PROTEST"), "Guards": ("190", "ASSAULT"),
             "The envoy": ("051", "SUPPORT")}
    for gold in items:
        events = [ev(code, plover) for prefix, (code, plover) in table.items() if gold.text.startswith(prefix)]
        yield res(text=gold.text, events=events)


def test_evaluate_runner(tmp_path: Path) -> None:
    _write_gold(tmp_path)
    seen: list[tuple[int, int]] = []
    report = evaluate("case2021", gold_dir=tmp_path, code=fake_coder, errors=2,
                      progress=lambda done, total: seen.append((done, total)))
    assert isinstance(report, EvalReport)
    assert report.n_items == 3
    assert report.metrics["event_accuracy"] == pytest.approx(2 / 3)
    assert report.metrics["cameo_accuracy"] == pytest.approx(2 / 3)
    assert report.unmapped == {"HQ_ESTABLISHED": 1}
    assert report.counts["read"] == 4 and report.counts["scored"] == 3 and report.counts["unscored"] == 1
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert report.errors["COERCE"][0]["id"] == "4"
    assert report.seconds > 0
    data = report.to_dict()
    assert json.loads(json.dumps(data))["metrics"]["event_accuracy"] == pytest.approx(2 / 3)
    console = Console(record=True, width=120)
    console.print(report.render())
    output = console.export_text()
    assert "event_accuracy" in output and "HQ_ESTABLISHED" in output and "COERCE" in output

    limited = evaluate("case2021", gold_dir=tmp_path, code=fake_coder, limit=1)
    assert limited.n_items == 1 and limited.metrics["event_accuracy"] == 1.0
    single = evaluate("cameo_class", gold_dir=tmp_path / "conflibert" / "cameo_class" / "train.tsv",
                      code=fake_coder)
    assert single.metrics["accuracy"] == 1.0


def test_evaluate_rejects_wrong_result_count(tmp_path: Path) -> None:
    _write_gold(tmp_path)

    def short(items: Sequence[GoldItem]) -> Iterable[Result]:
        return [res()]

    with pytest.raises(EvaluationError, match="1 results for 3 gold items"):
        evaluate("case2021", gold_dir=tmp_path, code=short)


def test_evaluate_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EvaluationError, match="E702") as info:
        evaluate("nope", gold_dir=tmp_path)
    assert "plover_gsr" in str(info.value)
    with pytest.raises(EvaluationError, match="E701"):
        evaluate("petr2_gsr", gold_dir=tmp_path, code=fake_coder)
    monkeypatch.setenv("DETENTE_GOLD", str(tmp_path / "elsewhere"))
    assert default_gold_dir() == tmp_path / "elsewhere"
    with pytest.raises(EvaluationError, match="E701"):
        evaluate_all(code=fake_coder)


def test_default_gold_dir_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DETENTE_GOLD", raising=False)
    work = tmp_path / "checkout"
    work.mkdir()
    (tmp_path / "shared" / "gold").mkdir(parents=True)
    monkeypatch.chdir(work)
    assert default_gold_dir() == tmp_path / "shared" / "gold"


def test_evaluate_all(tmp_path: Path) -> None:
    _write_gold(tmp_path)
    calls: list[str] = []
    reports = evaluate_all(gold_dir=tmp_path, code=fake_coder,
                           progress=lambda name, done, total: calls.append(name))
    assert [r.dataset for r in reports] == ["cameo_class", "case2021"]
    assert set(calls) == {"cameo_class", "case2021"}
    only = evaluate_all(gold_dir=tmp_path, code=fake_coder, datasets=["case2021"])
    assert [r.dataset for r in only] == ["case2021"]
    assert set(DATASETS) >= {"plover_gsr", "petr2_gsr", "cameo_class", "cameo_ner", "india_police",
                             "case2021", "polnear", "jsonl"}
