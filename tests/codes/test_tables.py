"""Unit tests of detente.codes: lookups, conventions, crosswalk and validation."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from detente import codes
from detente.codes import _tables
from detente.errors import ConfigError, DataError
from detente.model import Cameo, Plover

PLOVER_2_EVENTS = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)

# How many 3-digit codes each root has in CAMEO 1.1b3 (x0 .. x(n-1)).
THREE_DIGIT = {
    "01": 10, "02": 9, "03": 10, "04": 7, "05": 8, "06": 5, "07": 6, "08": 8, "09": 5, "10": 9,
    "11": 7, "12": 10, "13": 10, "14": 6, "15": 5, "16": 7, "17": 6, "18": 7, "19": 7, "20": 5,
}

HEADER = "code\tname\tgoldstein\tgoldstein_icews\tgoldstein_phoenix\n"


def _data(name: str) -> str:
    return resources.files("detente.codes").joinpath("data", name).read_text(encoding="utf-8")


# --- the CAMEO table ---------------------------------------------------------------


def test_code_counts() -> None:
    all_codes = codes.all_cameo_codes()
    assert len(all_codes) == 312
    assert len(set(all_codes)) == len(all_codes)
    by_level = {n: sum(1 for c in all_codes if len(c) == n) for n in (2, 3, 4)}
    assert by_level == {2: 20, 3: 147, 4: 145}
    assert all_codes == tuple(sorted(all_codes))


def test_every_root_and_three_digit_code_present() -> None:
    all_codes = set(codes.all_cameo_codes())
    assert {f"{r:02d}" for r in range(1, 21)} <= all_codes
    expected = {f"{root}{d}" for root, count in THREE_DIGIT.items() for d in range(count)}
    assert expected == {c for c in all_codes if len(c) == 3}


@pytest.mark.parametrize("code", ["1213", "106", "0874", "2042", "1056"])
def test_specific_codes_present(code: str) -> None:
    assert code in codes.all_cameo_codes()


def test_cameo_entry_fields() -> None:
    entry = codes.cameo_entry("0211")
    assert entry == codes.CameoEntry(
        code="0211", name="Appeal for economic cooperation", root="02", level=4, parent="021",
        goldstein=3.4,
    )
    root = codes.cameo_entry("19")
    assert (root.level, root.parent, root.root) == (2, None, "19")
    assert codes.cameo_entry("196").parent == "19"
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.name = "x"  # type: ignore[misc]
    assert not hasattr(entry, "__dict__")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("101", "Demand material cooperation"),
        ("105", "Demand that target yields"),
        ("106", "Demand meeting, negotiation"),
        ("107", "Demand settling of dispute"),
        ("108", "Demand mediation"),
        ("1213", "Reject judicial cooperation"),
        ("042", "Make a visit"),
    ],
)
def test_cameo_1_1b3_names(code: str, name: str) -> None:
    assert codes.cameo_entry(code).name == name


def test_parents_exist_and_names_nonempty() -> None:
    for code in codes.all_cameo_codes():
        entry = codes.cameo_entry(code)
        assert entry.name.strip() == entry.name != ""
        assert entry.level == len(code)
        if entry.parent is not None:
            assert entry.parent == code[:-1]
            codes.cameo_entry(entry.parent)
        assert -10.0 <= entry.goldstein <= 10.0


def test_leading_zeros_are_kept() -> None:
    assert codes.cameo("04").root == "04"
    assert codes.cameo("0874").code == "0874"
    assert codes.cameo(" 042 ").code == "042"


# --- conventions -------------------------------------------------------------------


def test_quad_conventions_constant() -> None:
    assert codes.QUAD_CONVENTIONS == ("gdelt", "icews", "phoenix")


@pytest.mark.parametrize(
    ("root", "gdelt", "icews", "phoenix"),
    [
        ("01", 1, 1, 0), ("02", 1, 1, 0), ("03", 1, 1, 1), ("05", 1, 1, 1), ("06", 2, 2, 2),
        ("08", 2, 2, 2), ("09", 2, 3, 3), ("10", 3, 3, 3), ("13", 3, 3, 3), ("14", 3, 4, 4),
        ("15", 4, 4, 4), ("16", 4, 4, 3), ("17", 4, 4, 4), ("20", 4, 4, 4),
    ],
)
def test_quad_class_rules(root: str, gdelt: int, icews: int, phoenix: int) -> None:
    for code in [c for c in codes.all_cameo_codes() if c.startswith(root)]:
        assert codes.cameo(code).quad_class == gdelt
        assert codes.cameo(code, convention="gdelt").quad_class == gdelt
        assert codes.cameo(code, convention="icews").quad_class == icews
        assert codes.cameo(code, convention="phoenix").quad_class == phoenix


def test_cameo_record() -> None:
    record = codes.cameo("163")
    assert record == Cameo(code="163", root="16", name="Impose embargo, boycott, or sanctions",
                           goldstein=-8.0, quad_class=4)


@pytest.mark.parametrize(
    ("code", "gdelt", "icews", "phoenix"),
    [
        ("016", -2.0, -5.0, 3.4),
        ("022", 3.2, 3.4, 3.4),
        ("164", -7.0, -6.5, -7.0),
        ("165", -6.5, -7.0, -7.0),
        ("163", -8.0, -8.0, -6.5),
        ("166", -7.0, -7.0, -8.0),
        ("042", 1.9, 1.9, 1.9),
        ("0874", 10.0, 10.0, 10.0),
        ("1823", -10.0, -10.0, -10.0),
    ],
)
def test_goldstein_by_convention(code: str, gdelt: float, icews: float, phoenix: float) -> None:
    assert codes.cameo(code).goldstein == gdelt
    assert codes.cameo(code, convention="icews").goldstein == icews
    assert codes.cameo(code, convention="phoenix").goldstein == phoenix
    assert codes.goldstein(code, convention="icews") == icews


def test_convention_columns_only_hold_differences() -> None:
    for code in codes.all_cameo_codes():
        entry = codes.cameo_entry(code)
        assert entry.goldstein_icews != entry.goldstein
        assert entry.goldstein_phoenix != entry.goldstein


def test_unknown_convention() -> None:
    with pytest.raises(ConfigError, match="convention") as info:
        codes.cameo("042", convention="acled")
    assert "gdelt, icews, phoenix" in str(info.value)


# --- errors for unknown codes ------------------------------------------------------


@pytest.mark.parametrize("bad", ["999", "0431", "21", "", "abc", "04a", "00", "1215"])
def test_unknown_code_message(bad: str) -> None:
    with pytest.raises(DataError) as info:
        codes.cameo(bad)
    message = str(info.value)
    assert repr(bad) in message
    assert "Valid codes look like '04', '042'" in message
    assert message.startswith("[E500]")


def test_unknown_code_suggests_leading_zero() -> None:
    with pytest.raises(DataError, match=r"Did you mean '042'\?"):
        codes.cameo_entry("42")
    with pytest.raises(DataError):
        codes.plover_for_cameo("42")


# --- PLOVER ------------------------------------------------------------------------


def test_plover_events() -> None:
    events = codes.plover_events()
    assert tuple(events) == PLOVER_2_EVENTS
    quads = {name: event.quad for name, event in events.items()}
    assert [n for n, q in quads.items() if q == 1] == ["AGREE", "CONSULT", "SUPPORT", "CONCEDE"]
    assert [n for n, q in quads.items() if q == 2] == ["COOPERATE", "AID", "RETREAT"]
    assert [n for n, q in quads.items() if q == 3] == ["REQUEST", "ACCUSE", "REJECT", "THREATEN"]
    assert quads["SANCTION"] == 4
    assert events["CONSULT"].modes == ("visit", "third-party", "multilateral", "phone")
    assert "arrest" in events["COERCE"].modes
    assert events["AGREE"].modes == ()
    for event in events.values():
        assert event.description
        assert set(codes.plover_mode_descriptions(event.name)) == set(event.modes)
        assert all(codes.plover_mode_descriptions(event.name).values())
    with pytest.raises(TypeError):
        events["AGREE"] = events["AID"]  # type: ignore[index]


def test_plover_contexts() -> None:
    contexts = codes.plover_contexts()
    assert len(contexts) == 37
    assert len(set(contexts)) == 37
    assert {"military", "economic", "human_rights", "cbrn", "trafficking"} <= set(contexts)
    assert codes.plover_auxiliary_contexts() == ("historical", "future", "hypothetical", "negation")
    descriptions = codes.plover_context_descriptions()
    assert set(descriptions) == set(contexts) | set(codes.plover_auxiliary_contexts())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DEMAND", "REQUEST"), ("demand", "REQUEST"), ("Disapprove", "ACCUSE"),
        ("INVESTIGATE", "ACCUSE"), ("fight", "ASSAULT"), (" assault ", "ASSAULT"), ("Request", "REQUEST"),
    ],
)
def test_normalize_plover(name: str, expected: str) -> None:
    assert codes.normalize_plover(name) == expected


def test_normalize_plover_unknown() -> None:
    with pytest.raises(DataError, match=r"Unknown PLOVER event 'CRIME'.*AGREE"):
        codes.normalize_plover("CRIME")


# --- crosswalk ---------------------------------------------------------------------


def test_crosswalk_covers_every_code() -> None:
    rows = [line.split("\t") for line in _data("cameo_plover.tsv").splitlines()
            if line and not line.startswith("#")]
    assert rows[0] == ["cameo", "plover", "mode"]
    mapped = [r[0] for r in rows[1:]]
    assert sorted(mapped) == sorted(codes.all_cameo_codes())


def test_crosswalk_uses_valid_events_and_modes() -> None:
    events = codes.plover_events()
    for code in codes.all_cameo_codes():
        plover = codes.plover_for_cameo(code)
        if plover is None:
            assert code[:2] in ("01", "02"), code
            continue
        assert plover.event in events
        assert plover.mode is None or plover.mode in events[plover.event].modes, code


@pytest.mark.parametrize(
    ("code", "event", "mode"),
    [
        ("03", "AGREE", None), ("036", "AGREE", None), ("040", "CONSULT", None),
        ("041", "CONSULT", "phone"), ("042", "CONSULT", "visit"), ("057", "SUPPORT", None),
        ("0811", "CONCEDE", None), ("0841", "RETREAT", "release"), ("0871", "RETREAT", "ceasefire"),
        ("091", "ACCUSE", "investigate"), ("106", "REQUEST", "meet"), ("1122", "ACCUSE", "allege"),
        ("1213", "REJECT", "assist"), ("1385", "THREATEN", "violence"), ("1413", "PROTEST", "demo"),
        ("154", "MOBILIZE", "troops"), ("1622", "SANCTION", "discontinue"), ("173", "COERCE", "arrest"),
        ("1821", "ASSAULT", "sexual"), ("195", "ASSAULT", "aerial"), ("2042", "ASSAULT", "unconventional"),
    ],
)
def test_plover_for_cameo(code: str, event: str, mode: str | None) -> None:
    assert codes.plover_for_cameo(code) == Plover(event=event, mode=mode)


@pytest.mark.parametrize("code", ["01", "010", "016", "02", "0234", "028"])
def test_statements_and_appeals_have_no_plover_event(code: str) -> None:
    assert codes.plover_for_cameo(code) is None


def test_crosswalk_documents_its_choices() -> None:
    assert _data("cameo_plover.tsv").startswith("#")


def test_crosswalk_may_omit_four_digit_codes() -> None:
    cameo_text = HEADER + "17\tCoerce\t-7.0\t\t\n173\tArrest\t-5.0\t\t\n1731\tArrest someone\t-5.0\t\t\n"
    cameo_table = _tables.parse_cameo(cameo_text)
    events = _tables.parse_plover(_data("plover.json"))[0]
    walk = _tables.parse_crosswalk("cameo\tplover\tmode\n17\tCOERCE\t\n173\tCOERCE\tarrest\n",
                                   cameo_table, events)
    assert walk == {"17": ("COERCE", ""), "173": ("COERCE", "arrest")}


def test_fallback_through_public_api(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _tables.load_tables()
    crosswalk = {k: v for k, v in real.crosswalk.items() if k != "1822"}
    patched = dataclasses.replace(real, crosswalk=crosswalk)
    monkeypatch.setattr(codes, "load_tables", lambda: patched)
    assert codes.plover_for_cameo("1822") == Plover(event="ASSAULT", mode="beat")
    assert codes.plover_for_cameo("1821") == Plover(event="ASSAULT", mode="sexual")


def test_tables_are_cached() -> None:
    assert _tables.load_tables() is _tables.load_tables()
    assert _tables.load_tables.cache_info().maxsize == 1


# --- validation of the data files --------------------------------------------------

@pytest.mark.parametrize(
    ("body", "line", "detail"),
    [
        ("04\tConsult\t1.0\t\t\n04\tConsult again\t1.0\t\t\n", 3, "duplicate code '04'"),
        ("04\tConsult\t11.0\t\t\n", 2, "outside the Goldstein range"),
        ("04\tConsult\t1.0\t-10.5\t\n", 2, "goldstein_icews '-10.5' is outside"),
        ("04\tConsult\tabc\t\t\n", 2, "is not a number"),
        ("04\tConsult\t\t\t\n", 2, "goldstein is empty"),
        ("04\tConsult\t1.0\t\n", 2, "expected 5 tab-separated fields"),
        ("4\tConsult\t1.0\t\t\n", 2, "not 2 to 4 digits"),
        ("21\tBogus\t1.0\t\t\n", 2, "outside 01..20"),
        ("04\t\t1.0\t\t\n", 2, "empty name"),
        ("04\tConsult\t1.0\t\t\n0421\tOrphan\t1.0\t\t\n", 3, "no parent row '042'"),
    ],
)
def test_cameo_validation(body: str, line: int, detail: str) -> None:
    with pytest.raises(DataError) as info:
        _tables.parse_cameo(HEADER + body, "cameo.tsv")
    message = str(info.value)
    assert message.startswith(f"[E501] cameo.tsv:{line}: ")
    assert detail in message


def test_cameo_validation_header() -> None:
    with pytest.raises(DataError, match=r"cameo\.tsv:1: header must be"):
        _tables.parse_cameo("code\tname\tscore\n", "cameo.tsv")
    with pytest.raises(DataError, match="no header row"):
        _tables.parse_cameo("# only a comment\n", "cameo.tsv")


def _plover_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_data("plover.json"))
    return doc


@pytest.mark.parametrize(
    ("mutate", "detail"),
    [
        (lambda d: d["events"]["AGREE"].update(quad=5), "quad 5"),
        (lambda d: d["events"]["CONSULT"]["modes"].append({"name": "phone", "description": "again"}),
         "duplicate name 'phone'"),
        (lambda d: d["events"].update(lowercase={"quad": 1, "description": "x", "modes": []}),
         "must be upper-case"),
        (lambda d: d["renamed"].update(CRIME="NOPE"), "not a PLOVER event"),
        (lambda d: d["contexts"].append({"name": "military", "description": "again"}),
         "duplicate name 'military'"),
        (lambda d: d.pop("contexts"), "missing top-level key 'contexts'"),
    ],
)
def test_plover_validation(mutate: Callable[[dict[str, Any]], object], detail: str) -> None:
    doc = _plover_doc()
    mutate(doc)
    with pytest.raises(DataError) as info:
        _tables.parse_plover(json.dumps(doc, indent=2), "plover.json")
    assert re.match(r"\[E501\] plover\.json:\d+: ", str(info.value))
    assert detail in str(info.value)


def test_plover_validation_bad_json() -> None:
    with pytest.raises(DataError, match=r"plover\.json:3: invalid JSON"):
        _tables.parse_plover('{\n "events": {},\n oops\n}', "plover.json")


@pytest.mark.parametrize(
    ("body", "line", "detail"),
    [
        ("17\tCOERCE\t\n17\tCOERCE\t\n", 3, "duplicate CAMEO code '17'"),
        ("17\tCOERCE\t\n999\tCOERCE\t\n", 3, "'999' is not in cameo.tsv"),
        ("17\tDEMAND\t\n", 2, "unknown PLOVER event 'DEMAND'"),
        ("17\tCOERCE\tflying\n", 2, "COERCE has no mode 'flying'"),
        ("17\t\tarrest\n", 2, "has mode 'arrest' but no PLOVER event"),
        ("17\tCOERCE\t\n", 2, "no row for CAMEO code(s) 173"),
    ],
)
def test_crosswalk_validation(body: str, line: int, detail: str) -> None:
    cameo_table = _tables.parse_cameo(HEADER + "17\tCoerce\t-7.0\t\t\n173\tArrest\t-5.0\t\t\n")
    events = _tables.parse_plover(_data("plover.json"))[0]
    with pytest.raises(DataError) as info:
        _tables.parse_crosswalk("cameo\tplover\tmode\n" + body, cameo_table, events, "cameo_plover.tsv")
    message = str(info.value)
    assert message.startswith(f"[E501] cameo_plover.tsv:{line}: ")
    assert detail in message


def test_shipped_files_load_cleanly() -> None:
    _tables.load_tables.cache_clear()
    tables = _tables.load_tables()
    assert len(tables.cameo) == 312
    assert len(tables.crosswalk) == 312
