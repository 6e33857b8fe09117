"""Consistency checks for the rules coder's predicate dictionary.

Checks ``src/detente/codes/data/predicates.tsv`` and ``object_classes.tsv``:
format, argument slots, object classes, duplicate keys, CAMEO code validity and
coverage, and PLOVER reachability (through the crosswalk when it is present).
"""

import csv
import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "src" / "detente" / "codes" / "data"
PREDICATES = DATA / "predicates.tsv"
CLASSES = DATA / "object_classes.tsv"
CAMEO_TABLE = DATA / "cameo.tsv"
CROSSWALK = DATA / "cameo_plover.tsv"
PLOVER_JSON = DATA / "plover.json"

HEADER = ["pos", "lemma", "particle", "object", "prep", "source", "target",
          "cameo", "plover", "mode", "note"]
SLOTS = {
    "dobj", "iobj", "with", "to", "against", "on", "from", "of", "for", "at", "into",
    "over", "toward", "between", "near", "along", "in", "across", "upon",
    "compound", "amod", "poss", "by", "about",
}
PLOVER_EVENTS = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
    "COERCE", "ASSAULT",
}
# PLOVER 2.0 modes (active ones), used when plover.json is not there.
PLOVER_MODES = {
    "CONSULT": {"visit", "third-party", "multilateral", "phone"},
    "RETREAT": {"withdraw", "release", "disarm", "ceasefire", "access", "resign"},
    "REQUEST": {"assist", "change", "yield", "meet"},
    "ACCUSE": {"disapprove", "investigate", "allege"},
    "REJECT": {"assist", "change", "yield", "meet"},
    "THREATEN": {"restrict", "arrest", "relations", "expel", "territory", "violence"},
    "PROTEST": {"demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"},
    "SANCTION": {"convict", "expel", "withdraw", "discontinue"},
    "MOBILIZE": {"troops", "weapons", "police", "militia"},
    "COERCE": {"seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport",
               "withhold", "misinformation", "cyber"},
    "ASSAULT": {"abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive",
                "firearms", "explosives", "suicide-attack", "aerial", "drone",
                "heavy-weapons", "crowd-control", "unconventional"},
}

# CAMEO 1.1b3: number of three-digit codes under each root (010-019, 020-028, ...).
THREE_DIGIT_COUNTS = {
    "01": 10, "02": 9, "03": 10, "04": 7, "05": 8, "06": 5, "07": 6, "08": 8, "09": 5,
    "10": 9, "11": 7, "12": 10, "13": 10, "14": 6, "15": 5, "16": 7, "17": 6, "18": 7,
    "19": 7, "20": 5,
}
# CAMEO 1.1b3: three-digit parents of four-digit codes and how many children each has.
FOUR_DIGIT_COUNTS = {
    "021": 4, "023": 4, "024": 4, "025": 6, "031": 4, "033": 4, "034": 4, "035": 6,
    "081": 4, "083": 4, "084": 2, "086": 3, "087": 4, "101": 4, "103": 4, "104": 4,
    "105": 6, "112": 5, "121": 3, "122": 4, "123": 4, "124": 6, "131": 3, "132": 4,
    "138": 5, "141": 4, "142": 4, "143": 4, "144": 4, "145": 4, "162": 3, "166": 3,
    "171": 2, "172": 4, "182": 3, "183": 3, "204": 2,
}
ROOTS = set(THREE_DIGIT_COUNTS)
THREE_DIGIT = {
    f"{root}{i}" for root, n in THREE_DIGIT_COUNTS.items() for i in range(n)
}
FOUR_DIGIT = {
    f"{parent}{i}" for parent, n in FOUR_DIGIT_COUNTS.items() for i in range(1, n + 1)
}
ALL_CODES = ROOTS | THREE_DIGIT | FOUR_DIGIT

TOKEN = re.compile(r"^[^\W\d_]+$")  # one word: letters only (accents allowed), no '-'
CODE = re.compile(r"^\d{2,4}$")


def _read_tsv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    return header, list(reader)


@pytest.fixture(scope="module")
def predicates():
    header, rows = _read_tsv(PREDICATES)
    assert header == HEADER
    for row in rows:
        assert len(row) == len(HEADER), row
    return [dict(zip(HEADER, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def classes():
    header, rows = _read_tsv(CLASSES)
    assert header == ["class", "lemma"]
    members = {}
    for row in rows:
        assert len(row) == 2, row
        members.setdefault(row[0], []).append(row[1])
    return members


def _is_word(value):
    return bool(TOKEN.match(value)) and value == value.lower()


def _object_alternatives(value):
    return [] if value == "-" else value.split("|")


def _crosswalk():
    """CAMEO code -> PLOVER event from cameo_plover.tsv (tolerant of its column names)."""
    header, rows = _read_tsv(CROSSWALK)
    names = [h.lower() for h in header]
    code_col = next(i for i, h in enumerate(names) if "cameo" in h or h == "code")
    event_col = next(i for i, h in enumerate(names)
                     if i != code_col and ("plover" in h or "event" in h) and "mode" not in h)
    return {row[code_col]: row[event_col].strip().upper() for row in rows if len(row) > event_col}


def _lookup(table, code):
    for key in (code, code[:3], code[:2]):
        if key in table:
            return table[key]
    return None


def test_header_and_row_count(predicates):
    assert len(predicates) >= 1600


def test_pos_lemma_particle_prep(predicates):
    for row in predicates:
        assert row["pos"] in {"V", "N", "A"}, row
        assert _is_word(row["lemma"]), row
        assert row["particle"] == "-" or _is_word(row["particle"]), row
        assert row["prep"] == "-" or _is_word(row["prep"]), row
        if row["pos"] in ("N", "A"):
            assert row["particle"] == "-", row


def test_argument_slots(predicates):
    for row in predicates:
        for column in ("source", "target"):
            if row[column] == "-":
                continue
            slots = row[column].split("|")
            assert all(slot in SLOTS for slot in slots), (column, row)
            assert len(slots) == len(set(slots)), (column, row)


def test_objects_and_classes_defined(predicates, classes):
    used = set()
    for row in predicates:
        alternatives = _object_alternatives(row["object"])
        assert len(alternatives) == len(set(alternatives)), row
        for alt in alternatives:
            if alt.startswith("@"):
                assert alt[1:] in classes, row
                used.add(alt[1:])
            else:
                assert _is_word(alt), row
    assert set(classes) <= used, f"unused classes: {sorted(set(classes) - used)}"


def test_class_members(classes):
    assert {"troops", "sanctions", "talks", "agreement", "aid", "weapons", "diplomats",
            "prisoners", "relations", "protest", "attack", "guarantee"} <= set(classes)
    for name, members in classes.items():
        assert re.match(r"^[a-z][a-z0-9_]*$", name), name
        assert len(members) == len(set(members)), name
        for lemma in members:
            assert _is_word(lemma), (name, lemma)


def test_no_duplicate_keys(predicates):
    seen = {}
    for row in predicates:
        key = (row["pos"], row["lemma"], row["particle"], row["object"], row["prep"])
        assert key not in seen, f"duplicate key {key}: {seen[key]} and {row['cameo']}"
        seen[key] = row["cameo"]


def test_cameo_codes_valid(predicates):
    for row in predicates:
        assert CODE.match(row["cameo"]), row
        assert row["cameo"] in ALL_CODES, row


def test_code_lists_are_complete():
    assert len(THREE_DIGIT) == 147
    assert len(FOUR_DIGIT) == 145


def test_every_three_digit_code_covered(predicates):
    used = {row["cameo"][:3] for row in predicates if len(row["cameo"]) >= 3}
    assert THREE_DIGIT - used == set()


def test_every_root_has_several_patterns(predicates):
    for code in THREE_DIGIT:
        count = sum(1 for row in predicates if row["cameo"].startswith(code))
        assert count >= 2, code


def test_plover_overrides_valid(predicates):
    modes = PLOVER_MODES
    if PLOVER_JSON.exists():
        events = json.loads(PLOVER_JSON.read_text(encoding="utf-8"))["events"]
        modes = {name: {m["name"] for m in spec.get("modes", [])} for name, spec in events.items()}
    for row in predicates:
        if row["mode"]:
            assert row["plover"], row
        if row["plover"]:
            assert row["plover"] in PLOVER_EVENTS, row
            assert not row["mode"] or row["mode"] in modes.get(row["plover"], set()), row


def test_all_plover_events_reachable(predicates):
    reached = {row["plover"] for row in predicates if row["plover"]}
    if not CROSSWALK.exists():
        pytest.skip("cameo_plover.tsv not present; explicit overrides alone cover only some events")
    table = _crosswalk()
    for row in predicates:
        if not row["plover"]:
            event = _lookup(table, row["cameo"])
            if event:
                reached.add(event)
    assert PLOVER_EVENTS - reached == set()


def test_codes_exist_in_cameo_table(predicates):
    if not CAMEO_TABLE.exists():
        pytest.skip("cameo.tsv not present")
    header, rows = _read_tsv(CAMEO_TABLE)
    names = [h.lower() for h in header]
    col = names.index("code") if "code" in names else 0
    known = {row[col] for row in rows if row}
    missing = sorted({row["cameo"] for row in predicates} - known)
    assert not missing, missing
