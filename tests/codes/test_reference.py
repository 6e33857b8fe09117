"""Check detente's own code tables against the public reference tables.

The reference lives outside the repository, in ``shared/reference`` next to it.
It is used only to check our tables; when it is absent every test here is skipped.

Deliberate differences (documented in ``cameo_plover.tsv`` and ``detente.codes``):

* ``goldstein`` for 1213, which GDELT lacks: we ship the CAMEO/ICEWS value.
* CAMEO names are worded in the usual codebook way, so they are compared by token
  overlap, not character by character.
* The crosswalk follows the 2024 PLOVER manual and its mode list, so it differs from
  the 2021 draft crosswalk in places (e.g. 163 SANCTION, 0813/0814 CONCEDE).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from detente import codes

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"

# Codes where our GDELT-convention Goldstein deliberately differs from the reference column.
GOLDSTEIN_EXCEPTIONS = {"1213"}  # not in GDELT; we use the CAMEO/ICEWS value
# Codes in the reference crosswalk that CAMEO 1.1b3 (and so our table) does not have.
CROSSWALK_EXTRA_CODES = {"1214"}
CROSSWALK_MIN_AGREEMENT = 0.85
NAME_MIN_OVERLAP = 0.5

_STOP = {"a", "an", "the", "or", "and", "of", "to", "for", "in", "on", "with", "as", "such",
         "not", "specified", "below", "by", "engage", "other", "others", "that"}


def _require(*parts: str) -> Path:
    path = REFERENCE.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"reference table {path} not found; these checks need the shared/reference "
                    "directory next to the repository")
    return path


def _read_tsv(*parts: str) -> list[dict[str, str]]:
    with _require(*parts).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _reference_cameo() -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in _read_tsv("cameo_eventcodes.tsv")}


def _tokens(name: str) -> set[str]:
    words = re.findall(r"[a-z]+", name.lower().replace("ò", "t"))
    return {w.rstrip("s") for w in words if w not in _STOP}


def _overlap(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 1.0 if ta == tb else 0.0
    return len(ta & tb) / len(ta | tb)


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


# --- CAMEO -------------------------------------------------------------------------


def test_same_code_set() -> None:
    reference = set(_reference_cameo())
    ours = set(codes.all_cameo_codes())
    assert sorted(reference - ours) == [], "codes missing from cameo.tsv"
    assert sorted(ours - reference) == [], "codes in cameo.tsv that the reference lacks"


def test_levels_and_parents_match() -> None:
    for code, row in _reference_cameo().items():
        entry = codes.cameo_entry(code)
        assert entry.level == int(row["level"]), code
        assert entry.root == row["root_code"], code
        assert (entry.parent or "") == row["parent_code"], code


def test_goldstein_gdelt() -> None:
    wrong = []
    for code, row in _reference_cameo().items():
        expected = _float(row["goldstein"])
        if expected is None:
            assert code in GOLDSTEIN_EXCEPTIONS, f"{code}: reference has no GDELT value"
            assert codes.cameo_entry(code).goldstein == _float(row["goldstein_icews"])
            continue
        if codes.cameo(code).goldstein != expected:
            wrong.append((code, codes.cameo(code).goldstein, expected))
    assert wrong == [], f"(code, ours, GDELT) differ: {wrong}"


def test_goldstein_icews() -> None:
    wrong = []
    for code, row in _reference_cameo().items():
        expected = _float(row["goldstein_icews"])
        if expected is not None and codes.cameo(code, convention="icews").goldstein != expected:
            wrong.append((code, codes.cameo(code, convention="icews").goldstein, expected))
    assert wrong == [], f"(code, ours, ICEWS) differ: {wrong}"


def test_goldstein_phoenix() -> None:
    wrong: list[tuple[str, float | None, float | None]] = []
    for code, row in _reference_cameo().items():
        expected = _float(row["goldstein_phoenix"])
        if expected is None:
            # Phoenix's table lacks the code: we fall back to GDELT's value.
            if codes.cameo_entry(code).goldstein_phoenix is not None:
                wrong.append((code, codes.cameo_entry(code).goldstein_phoenix, None))
        elif codes.cameo(code, convention="phoenix").goldstein != expected:
            wrong.append((code, codes.cameo(code, convention="phoenix").goldstein, expected))
    assert wrong == [], f"(code, ours, Phoenix) differ: {wrong}"


def test_quad_classes() -> None:
    columns = {"gdelt": "quadclass", "icews": "quadclass_icews_convention", "phoenix": "quadclass_phoenix"}
    for code, row in _reference_cameo().items():
        for convention, column in columns.items():
            assert codes.cameo(code, convention=convention).quad_class == int(row[column]), (code, convention)


def test_names_similar() -> None:
    low = []
    for code, row in _reference_cameo().items():
        ours = codes.cameo_entry(code).name
        candidates = [row["name"], row["name_icews"]]
        if code not in {"101", "105", "106", "107", "108"}:  # GDELT's labels there are wrong
            candidates.append(row["name_gdelt"])
        best = max(_overlap(ours, c) for c in candidates if c)
        if best < NAME_MIN_OVERLAP:
            low.append((code, ours, row["name"], round(best, 2)))
    assert low == [], f"names with little token overlap: {low}"


def test_cameo_1_1b3_names_for_conflicting_codes() -> None:
    reference = _reference_cameo()
    for code in ("101", "105", "106", "107", "108"):
        assert _overlap(codes.cameo_entry(code).name, reference[code]["name"]) >= 0.99, code


# --- PLOVER ------------------------------------------------------------------------


def test_plover_events_and_quads() -> None:
    rows = _read_tsv("plover", "plover_event_types.tsv")
    events = codes.plover_events()
    assert [r["event"] for r in rows] == list(events)
    for row in rows:
        assert events[row["event"]].quad == int(row["quad_code_section"]), row["event"]


def test_plover_modes() -> None:
    expected: dict[str, set[str]] = {name: set() for name in codes.plover_events()}
    for row in _read_tsv("plover", "plover_modes.tsv"):
        if row["status"] == "active":
            expected[row["event"]].add(row["mode"])
    ours = {name: set(event.modes) for name, event in codes.plover_events().items()}
    assert ours == expected


def test_plover_contexts() -> None:
    rows = _read_tsv("plover", "plover_contexts.tsv")
    general = [r["context"] for r in rows if r["kind"].startswith("general")]
    auxiliary = [r["context"] for r in rows if not r["kind"].startswith("general")]
    assert list(codes.plover_contexts()) == general
    assert list(codes.plover_auxiliary_contexts()) == auxiliary


def test_crosswalk_agrees_with_2021_reference(capsys: pytest.CaptureFixture[str]) -> None:
    reference: dict[str, str] = {}
    for row in _read_tsv("plover", "cameo_to_plover_2021.tsv"):
        reference.setdefault(row["cameo_code"], row["plover_event"])
    extra = set(reference) - set(codes.all_cameo_codes())
    assert extra == CROSSWALK_EXTRA_CODES
    agree, disagreements = 0, []
    compared = sorted(set(reference) - extra)
    for code in compared:
        ours = codes.plover_for_cameo(code)
        theirs = codes.normalize_plover(reference[code]) if reference[code] else None
        if (ours.event if ours else None) == theirs:
            agree += 1
        else:
            disagreements.append(f"{code}: ours {ours.event if ours else '-'}, 2021 {theirs or '-'}")
    share = agree / len(compared)
    with capsys.disabled():
        print(f"\ncrosswalk: {agree}/{len(compared)} ({share:.1%}) agree with CAMEO2PLOVER-2021; "
              f"differences: {'; '.join(disagreements) or 'none'}")
    assert share >= CROSSWALK_MIN_AGREEMENT, disagreements


def test_crosswalk_roots_follow_2024_manual() -> None:
    rows = _read_tsv("plover", "cameo_root_to_plover_manual.tsv")
    for row in rows:
        root, event = row["cameo_root"], row["plover_event"]
        if event == "dropped":
            assert codes.plover_for_cameo(root) is None, root
            continue
        event = codes.normalize_plover(event.split("(")[0])  # "FIGHT (see Note 1)" means ASSAULT
        if "(084 to 087)" in row["cameo_text"]:
            assert all(codes.plover_for_cameo(c).event == event  # type: ignore[union-attr]
                       for c in ("084", "085", "086", "087"))
        elif "(081 to 083)" in row["cameo_text"]:
            assert all(codes.plover_for_cameo(c).event == event  # type: ignore[union-attr]
                       for c in ("08", "081", "082", "083"))
        else:
            plover = codes.plover_for_cameo(root)
            assert plover is not None, root
            assert plover.event == event, root
