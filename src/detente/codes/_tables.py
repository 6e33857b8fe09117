"""Loading and validating the shipped CAMEO and PLOVER tables.

The three data files under ``detente/codes/data`` are read once, with
:mod:`importlib.resources`, validated, and cached by :func:`load_tables`.
Every problem found while loading raises :class:`detente.errors.DataError`
with the ``E501`` template, which names the file and the line.

File formats (UTF-8, tab-separated, one header row; lines starting with ``#``
are comments and blank lines are ignored):

``cameo.tsv``
    ``code, name, goldstein, goldstein_icews, goldstein_phoenix``. ``code`` is a
    2-, 3- or 4-digit string with leading zeros. ``goldstein`` is the value GDELT
    uses (for 1213, which GDELT lacks, the CAMEO/ICEWS value). The other two
    columns are blank when that convention agrees with GDELT, or when the
    convention's own table has no value for the code.
``plover.json``
    ``events`` (name -> quad, description, modes), ``contexts`` and
    ``auxiliary_contexts`` (lists of name + description), ``renamed`` (old event
    name -> PLOVER 2.0 name).
``cameo_plover.tsv``
    ``cameo, plover, mode``. A blank ``plover`` means PLOVER has no event for the
    code (public statements and appeals); a blank ``mode`` means no mode applies.
    Every root and 3-digit code must have a row; a 4-digit code without a row
    inherits its parent's mapping.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from detente.errors import DataError, Errors

_DATA_PACKAGE = "detente.codes"
_DATA_DIR = "data"
CAMEO_FILE = "cameo.tsv"
PLOVER_FILE = "plover.json"
CROSSWALK_FILE = "cameo_plover.tsv"

CAMEO_HEADER = ("code", "name", "goldstein", "goldstein_icews", "goldstein_phoenix")
CROSSWALK_HEADER = ("cameo", "plover", "mode")

_CODE_RE = re.compile(r"^[0-9]{2,4}$")
_NAME_RE = re.compile(r"^[A-Z][A-Z_]*$")
_MODE_RE = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class CameoEntry:
    """One row of the CAMEO event-code table.

    Attributes:
        code: The code as a string with leading zeros (``"04"``, ``"042"``, ``"1031"``).
        name: The CAMEO 1.1b3 short name.
        root: The 2-digit root code (equal to ``code`` for roots).
        level: 2 for a root, 3 or 4 for the finer codes.
        parent: The code one level up, or ``None`` for a root.
        goldstein: The Goldstein score GDELT uses (-10..10).
        goldstein_icews: The ICEWS score where it differs from GDELT's, else ``None``.
        goldstein_phoenix: The Phoenix score where it differs from GDELT's (or
            where the Phoenix table has no such code), else ``None``.
    """

    code: str
    name: str
    root: str
    level: int
    parent: str | None
    goldstein: float
    goldstein_icews: float | None = None
    goldstein_phoenix: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PloverEvent:
    """One of the 16 PLOVER 2.0 event types.

    Attributes:
        name: The upper-case event name (``"CONSULT"``).
        quad: The quad category: 1 verbal cooperation, 2 material cooperation,
            3 verbal conflict, 4 material conflict.
        modes: The names of the event's modes, in manual order (may be empty).
        description: A one-sentence description.
    """

    name: str
    quad: int
    modes: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Tables:
    """Everything loaded from the data files; read-only mappings."""

    cameo: Mapping[str, CameoEntry]
    plover_events: Mapping[str, PloverEvent]
    mode_descriptions: Mapping[str, Mapping[str, str]]
    contexts: Mapping[str, str]
    auxiliary_contexts: Mapping[str, str]
    renamed: Mapping[str, str]
    crosswalk: Mapping[str, tuple[str, str] | None]


def _fail(path: str, line: int, detail: str) -> DataError:
    return DataError(Errors.E501.format(path=path, line=line, detail=detail), code="E501",
                     path=path, line=line)


def _display(name: str) -> str:
    return f"detente/codes/{_DATA_DIR}/{name}"


def _read(name: str) -> str:
    path = _display(name)
    try:
        return resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR, name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, 0, f"cannot read the file: {exc}") from exc


def _rows(text: str, path: str, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, fields)`` for each data row, after checking the header."""
    seen_header = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        if not seen_header:
            if tuple(fields) != header:
                raise _fail(path, number, f"header must be {'<TAB>'.join(header)!r}, got {raw!r}")
            seen_header = True
            continue
        if len(fields) != len(header):
            raise _fail(path, number, f"expected {len(header)} tab-separated fields, got {len(fields)}")
        yield number, [f.strip() for f in fields]
    if not seen_header:
        raise _fail(path, 1, "file has no header row")


def _score(value: str, path: str, line: int, column: str, *, required: bool) -> float | None:
    if not value:
        if required:
            raise _fail(path, line, f"{column} is empty")
        return None
    try:
        score = float(value)
    except ValueError:
        raise _fail(path, line, f"{column} {value!r} is not a number") from None
    if not math.isfinite(score) or not -10.0 <= score <= 10.0:
        raise _fail(path, line, f"{column} {value!r} is outside the Goldstein range -10..10")
    return score


def parse_cameo(text: str, path: str = _display(CAMEO_FILE)) -> dict[str, CameoEntry]:
    """Parse and validate the text of ``cameo.tsv``.

    Args:
        text: The file's text.
        path: The name used in error messages.

    Returns:
        The entries keyed by code, in file order.

    Raises:
        DataError: On a bad header, field count, code, name, score, duplicate or
            missing parent.
    """
    entries: dict[str, CameoEntry] = {}
    lines: dict[str, int] = {}
    for line, (code, name, gold, icews, phoenix) in _rows(text, path, CAMEO_HEADER):
        if not _CODE_RE.match(code):
            raise _fail(path, line, f"code {code!r} is not 2 to 4 digits")
        if not 1 <= int(code[:2]) <= 20:
            raise _fail(path, line, f"code {code!r} has root {code[:2]!r}, outside 01..20")
        if code in entries:
            raise _fail(path, line, f"duplicate code {code!r} (first on line {lines[code]})")
        if not name:
            raise _fail(path, line, f"code {code!r} has an empty name")
        level = len(code)
        goldstein = _score(gold, path, line, "goldstein", required=True)
        assert goldstein is not None
        entries[code] = CameoEntry(
            code=code, name=name, root=code[:2], level=level,
            parent=None if level == 2 else code[: level - 1],
            goldstein=goldstein,
            goldstein_icews=_score(icews, path, line, "goldstein_icews", required=False),
            goldstein_phoenix=_score(phoenix, path, line, "goldstein_phoenix", required=False),
        )
        lines[code] = line
    if not entries:
        raise _fail(path, 1, "file has no codes")
    for code, entry in entries.items():
        if entry.parent is not None and entry.parent not in entries:
            raise _fail(path, lines[code], f"code {code!r} has no parent row {entry.parent!r}")
    return entries


def _json_line(text: str, needle: str) -> int:
    """The line of the first occurrence of ``"needle"`` in ``text`` (1 when absent)."""
    index = text.find(f'"{needle}"')
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _named_list(value: object, what: str, text: str, path: str) -> dict[str, str]:
    if not isinstance(value, list):
        raise _fail(path, _json_line(text, what), f"{what} must be a list of {{name, description}} objects")
    out: dict[str, str] = {}
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not isinstance(item.get("description"), str):
            raise _fail(path, _json_line(text, what), f"{what}: each item needs a string name and description")
        name = item["name"]
        if not _MODE_RE.match(name):
            raise _fail(path, _json_line(text, name), f"{what}: invalid name {name!r}")
        if name in out:
            raise _fail(path, _json_line(text, name), f"{what}: duplicate name {name!r}")
        out[name] = item["description"]
    return out


def _parse_event(name: str, spec: object, text: str, path: str) -> tuple[PloverEvent, dict[str, str]]:
    line = _json_line(text, name)
    if not _NAME_RE.match(name):
        raise _fail(path, line, f"event name {name!r} must be upper-case letters")
    if not isinstance(spec, dict):
        raise _fail(path, line, f"event {name!r} must be an object")
    quad = spec.get("quad")
    if not isinstance(quad, int) or isinstance(quad, bool) or quad not in (1, 2, 3, 4):
        raise _fail(path, line, f"event {name!r} has quad {quad!r}; expected 1, 2, 3 or 4")
    description = spec.get("description")
    if not isinstance(description, str) or not description:
        raise _fail(path, line, f"event {name!r} has no description")
    modes = _named_list(spec.get("modes"), f"{name} modes", text, path)
    return PloverEvent(name=name, quad=quad, modes=tuple(modes), description=description), modes


def parse_plover(text: str, path: str = _display(PLOVER_FILE)) -> tuple[
    dict[str, PloverEvent], dict[str, dict[str, str]], dict[str, str], dict[str, str], dict[str, str]
]:
    """Parse and validate the text of ``plover.json``.

    Args:
        text: The file's text.
        path: The name used in error messages.

    Returns:
        ``(events, mode descriptions by event, contexts, auxiliary contexts, renamed)``.

    Raises:
        DataError: On invalid JSON or a missing, malformed or duplicate entry.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
    if not isinstance(doc, dict):
        raise _fail(path, 1, "top level must be a JSON object")
    for key in ("events", "contexts", "auxiliary_contexts", "renamed"):
        if key not in doc:
            raise _fail(path, 1, f"missing top-level key {key!r}")
    raw_events = doc["events"]
    if not isinstance(raw_events, dict) or not raw_events:
        raise _fail(path, _json_line(text, "events"), "events must be a non-empty object")
    events: dict[str, PloverEvent] = {}
    modes: dict[str, dict[str, str]] = {}
    for name, spec in raw_events.items():
        events[name], modes[name] = _parse_event(name, spec, text, path)
    contexts = _named_list(doc["contexts"], "contexts", text, path)
    auxiliary = _named_list(doc["auxiliary_contexts"], "auxiliary_contexts", text, path)
    overlap = sorted(set(contexts) & set(auxiliary))
    if overlap:
        raise _fail(path, _json_line(text, overlap[0]), f"{overlap[0]!r} is both a context and an auxiliary context")
    renamed_raw = doc["renamed"]
    if not isinstance(renamed_raw, dict):
        raise _fail(path, _json_line(text, "renamed"), "renamed must be an object")
    renamed: dict[str, str] = {}
    for old, new in renamed_raw.items():
        if not isinstance(new, str) or new not in events:
            raise _fail(path, _json_line(text, old), f"renamed {old!r} -> {new!r}: not a PLOVER event")
        if old in events:
            raise _fail(path, _json_line(text, old), f"renamed {old!r} is itself a current event name")
        renamed[old] = new
    return events, modes, contexts, auxiliary, renamed


def parse_crosswalk(
    text: str,
    cameo: Mapping[str, CameoEntry],
    events: Mapping[str, PloverEvent],
    path: str = _display(CROSSWALK_FILE),
) -> dict[str, tuple[str, str] | None]:
    """Parse and validate the text of ``cameo_plover.tsv``.

    Args:
        text: The file's text.
        cameo: The CAMEO table the rows must refer to.
        events: The PLOVER events the rows must use.
        path: The name used in error messages.

    Returns:
        CAMEO code -> ``(event, mode)`` (mode ``""`` when none), or ``None``
        where PLOVER has no event for the code.

    Raises:
        DataError: On an unknown or duplicate code, an unknown event or mode, a
            mode without an event, or a root or 3-digit code with no row.
    """
    out: dict[str, tuple[str, str] | None] = {}
    last = 1
    for line, (code, event, mode) in _rows(text, path, CROSSWALK_HEADER):
        last = line
        if code not in cameo:
            raise _fail(path, line, f"CAMEO code {code!r} is not in {CAMEO_FILE}")
        if code in out:
            raise _fail(path, line, f"duplicate CAMEO code {code!r}")
        if not event:
            if mode:
                raise _fail(path, line, f"code {code!r} has mode {mode!r} but no PLOVER event")
            out[code] = None
            continue
        if event not in events:
            raise _fail(path, line, f"unknown PLOVER event {event!r}; known: {', '.join(events)}")
        if mode and mode not in events[event].modes:
            known = ", ".join(events[event].modes) or "none"
            raise _fail(path, line, f"{event} has no mode {mode!r}; its modes: {known}")
        out[code] = (event, mode)
    missing = [c for c, e in cameo.items() if e.level < 4 and c not in out]
    if missing:
        raise _fail(path, last, f"no row for CAMEO code(s) {', '.join(missing)}")
    return out


@lru_cache(maxsize=1)
def load_tables() -> Tables:
    """Read, validate and cache the three shipped data files.

    Returns:
        The loaded tables (read-only).

    Raises:
        DataError: When a file is missing or invalid; the message names the
            file and the line.
    """
    cameo = parse_cameo(_read(CAMEO_FILE))
    events, modes, contexts, auxiliary, renamed = parse_plover(_read(PLOVER_FILE))
    crosswalk = parse_crosswalk(_read(CROSSWALK_FILE), cameo, events)
    return Tables(
        cameo=MappingProxyType(cameo),
        plover_events=MappingProxyType(events),
        mode_descriptions=MappingProxyType({k: MappingProxyType(v) for k, v in modes.items()}),
        contexts=MappingProxyType(contexts),
        auxiliary_contexts=MappingProxyType(auxiliary),
        renamed=MappingProxyType(renamed),
        crosswalk=MappingProxyType(crosswalk),
    )
