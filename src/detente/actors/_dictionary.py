"""detente's own actor dictionaries: states, organisations and role nouns.

Three data files in ``actors/data/`` are read once and validated:

* ``countries.json``: one object per state or territory, keyed by ISO 3166 alpha-3, with its
  names, adjectives, demonyms, capitals and metonyms ("the Kremlin" -> RUS GOV);
* ``igos.json``: intergovernmental and non-governmental organisations (NATO, UN, ICRC, ...);
* ``roles.tsv``: titles, group nouns and person nouns mapped to CAMEO sector codes.

A fourth, ``groups.tsv`` (armed groups, movements and parties: "Hamas" -> PSE REB), is read and
validated by :func:`load_groups` against the countries and sectors above; a group that belongs to no
one state (al-Qaeda, the Islamic State) has CAMEO's ``IMG`` (international militarized group) there.

Every surface form becomes an :class:`Entry`. :meth:`ActorDictionary.lookup` finds the entries of
one phrase; :meth:`ActorDictionary.terms` lists every surface form for a spaCy ``PhraseMatcher``.
Ambiguous forms ("Georgia", "Congo", "Chad") are kept: lookups return every entry.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from ..errors import DataError, Errors, RegistryError

#: CAMEO sector (role) codes a dictionary entry may carry.
SECTORS: Final[frozenset[str]] = frozenset({
    "GOV", "MIL", "COP", "JUD", "LEG", "OPP", "REB", "INS", "SEP", "PTY", "MED", "BUS", "CVL", "EDU",
    "LAB", "REF", "HLH", "HRI", "NGO", "IGO", "ELI", "CRM", "SPY", "REL", "AGR", "ENV", "UAF", "MOD",
    "RAD", "DEV", "PKO", "SET",
})
#: The ``kind`` of an :class:`Entry`.
KINDS: Final[tuple[str, ...]] = (
    "country", "adjective", "demonym", "capital", "metonym", "igo", "title", "group", "person_role",
)

_ORG_SECTORS: Final = frozenset({"IGO", "NGO"})
_ROLE_KINDS: Final = {"title": "title", "group": "group", "person": "person_role"}
_COUNTRY_KEYS: Final = ("iso3", "name", "aliases", "adjectives", "demonyms", "capitals", "metonyms", "cameo")
_IGO_KEYS: Final = ("code", "name", "aliases", "sector", "cameo")
_ROLES_HEADER: Final = ("term", "sector", "kind")
_GROUPS_HEADER: Final = ("term", "country", "sector", "name")
_GROUPS_LABEL: Final = "detente/actors/data/groups.tsv"
_ISO3: Final = re.compile(r"[A-Z]{3}")
_ORG_CODE: Final = re.compile(r"[A-Z][A-Z0-9]{1,9}")
_CAMEO_ORG: Final = re.compile(r"(?:[A-Z]{3})+")
_LEADING_THE: Final = re.compile(r"^the\s+", re.IGNORECASE)
_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One dictionary term.

    Attributes:
        term: The surface form as listed in the data file.
        kind: ``country``, ``adjective``, ``demonym``, ``capital``, ``metonym``, ``igo``,
            ``title``, ``group`` or ``person_role``.
        country: ISO3 code for state entries, the organisation code for ``igo`` entries,
            ``None`` for roles.
        sector: CAMEO sector: ``GOV`` for capitals, the listed sector for metonyms, ``IGO`` or
            ``NGO`` for organisations, the role's sector for roles; ``None`` for names,
            adjectives and demonyms.
        name: Canonical name ("Russia", "North Atlantic Treaty Organization"); for roles the term.
    """

    term: str
    kind: str
    country: str | None
    sector: str | None
    name: str


class ActorDictionary:
    """Countries, organisations and roles, indexed for phrase lookup.

    Build it with :meth:`load` (the packaged data, cached) or :meth:`from_files`.

    Example:
        >>> d = ActorDictionary.load()
        >>> [(e.country, e.sector) for e in d.lookup("the Kremlin")]
        [('RUS', 'GOV')]
    """

    def __init__(self, entries: Iterable[Entry], *, names: Mapping[str, str], cameo: Mapping[str, str]) -> None:
        """Index already validated entries.

        Args:
            entries: Every dictionary entry.
            names: Country or organisation code -> canonical name.
            cameo: Country or organisation code -> CAMEO/GDELT code.
        """
        self._entries: tuple[Entry, ...] = tuple(entries)
        self._names: dict[str, str] = dict(names)
        self._cameo: dict[str, str] = dict(cameo)
        exact: dict[str, list[Entry]] = {}
        folded: dict[str, list[Entry]] = {}
        for entry in self._entries:
            key = _clean(entry.term)
            if self.case_sensitive(entry.term):
                exact.setdefault(key, []).append(entry)
            else:
                folded.setdefault(_fold(key), []).append(entry)
        self._exact: dict[str, tuple[Entry, ...]] = {k: tuple(v) for k, v in exact.items()}
        self._folded: dict[str, tuple[Entry, ...]] = {k: tuple(v) for k, v in folded.items()}

    @classmethod
    def load(cls) -> ActorDictionary:
        """Load the dictionaries shipped in ``detente/actors/data`` (once per process).

        Returns:
            The shared, read-only dictionary.

        Raises:
            DataError: A data file is malformed (E501, naming the file and line).
        """
        return _load_packaged()

    @classmethod
    def from_files(cls, *, countries: Path, igos: Path, roles: Path) -> ActorDictionary:
        """Load and validate dictionaries from explicit paths (not cached).

        Args:
            countries: A ``countries.json`` file.
            igos: An ``igos.json`` file.
            roles: A ``roles.tsv`` file.

        Returns:
            A new dictionary.

        Raises:
            DataError: A file is malformed (E501, naming the file and line).
        """
        return cls.from_texts(
            countries=(str(countries), countries.read_text(encoding="utf-8")),
            igos=(str(igos), igos.read_text(encoding="utf-8")),
            roles=(str(roles), roles.read_text(encoding="utf-8")),
        )

    @classmethod
    def from_texts(
        cls, *, countries: tuple[str, str], igos: tuple[str, str], roles: tuple[str, str]
    ) -> ActorDictionary:
        """Parse and validate the three files given as ``(label, text)`` pairs.

        Args:
            countries: Label (used in error messages) and text of ``countries.json``.
            igos: Label and text of ``igos.json``.
            roles: Label and text of ``roles.tsv``.

        Returns:
            A new dictionary.

        Raises:
            DataError: A file is malformed (E501, naming the file and line).
        """
        entries: list[Entry] = []
        names: dict[str, str] = {}
        cameo: dict[str, str] = {}
        country_entries = _parse_countries(*countries, names=names, cameo=cameo)
        igo_entries = _parse_igos(*igos, names=names, cameo=cameo)
        entries.extend(country_entries)
        entries.extend(igo_entries)
        entries.extend(_parse_roles(*roles))
        return cls(entries, names=names, cameo=cameo)

    @staticmethod
    def case_sensitive(term: str) -> bool:
        """Whether a surface form only matches with its exact case.

        Short all-capital abbreviations (``US``, ``U.S.``, ``UN``, ``EU``, ``WHO``, ``NATO``) are
        case-sensitive, so "us", "un" and "who" are not actors; longer ones (``UNICEF``) and
        ordinary words match in any case.

        Args:
            term: A surface form.

        Returns:
            True when the term has one to four letters, all upper case.
        """
        letters = [c for c in term if c.isalpha()]
        return 0 < len(letters) <= 4 and all(c.isupper() for c in letters)

    def lookup(self, phrase: str) -> tuple[Entry, ...]:
        """Every entry a phrase names.

        The phrase is normalised as the terms are: curly apostrophes become straight, runs of
        whitespace one space, a leading "the " and all periods are dropped ("U.S." = "US").
        Case-sensitive terms (see :meth:`case_sensitive`) must then match exactly; all others match
        ignoring case and accents ("Elysee" = "Élysée").

        Args:
            phrase: A mention such as "the Kremlin", "U.S." or "Kyiv".

        Returns:
            The matching entries without repeats (same kind, code, sector and name), or ``()``.
        """
        key = _clean(phrase)
        if not key:
            return ()
        seen: set[tuple[str, str | None, str | None, str]] = set()
        out: list[Entry] = []
        for entry in (*self._exact.get(key, ()), *self._folded.get(_fold(key), ())):
            ident = (entry.kind, entry.country, entry.sector, entry.name)
            if ident not in seen:
                seen.add(ident)
                out.append(entry)
        return tuple(out)

    def terms(self) -> Iterator[tuple[str, Entry]]:
        """Every surface form with its entry, for building a phrase matcher.

        Terms are yielded as listed; a term with an apostrophe is also yielded with a curly one
        ("People’s Liberation Army"), since a phrase matcher does not normalise punctuation. Use
        :meth:`case_sensitive` to choose between matching on exact text and on lower case.

        Yields:
            ``(surface form, entry)`` pairs.
        """
        for entry in self._entries:
            yield entry.term, entry
            if "'" in entry.term:
                yield entry.term.replace("'", "\u2019"), entry

    def country_name(self, iso3: str) -> str:
        """The canonical name of a country or organisation code.

        Args:
            iso3: An ISO3 code (``RUS``) or an organisation code (``NATO``).

        Returns:
            The name, e.g. "Russia".

        Raises:
            RegistryError: The code is unknown (E301, listing the known codes).
        """
        try:
            return self._names[iso3]
        except KeyError:
            raise self._unknown(iso3) from None

    def cameo_code(self, code: str) -> str:
        """The CAMEO/GDELT code for a country or organisation code.

        Args:
            code: An ISO3 code (``ROU``) or organisation code (``NATO``).

        Returns:
            The CAMEO code (``ROM``, ``IGOWSTNAT``).

        Raises:
            RegistryError: The code is unknown (E301, listing the known codes).
        """
        try:
            return self._cameo[code]
        except KeyError:
            raise self._unknown(code) from None

    def _unknown(self, code: str) -> RegistryError:
        available = ", ".join(sorted(self._names))
        return RegistryError(
            Errors.E301.format(kind="country or organisation code", name=code, available=available), code="E301"
        )


@functools.cache
def _load_packaged() -> ActorDictionary:
    data = resources.files("detente") / "actors" / "data"
    texts: dict[str, tuple[str, str]] = {}
    for name in ("countries.json", "igos.json", "roles.tsv"):
        resource = data / name
        texts[name] = (f"detente/actors/data/{name}", resource.read_text(encoding="utf-8"))
    return ActorDictionary.from_texts(
        countries=texts["countries.json"], igos=texts["igos.json"], roles=texts["roles.tsv"]
    )


#: One row of ``groups.tsv``: (term, ISO3 country or :data:`TRANSNATIONAL`, CAMEO sector, canonical name).
GroupRow = tuple[str, str, str, str]

#: The country cell of a group that belongs to no one state: CAMEO's international militarized group.
TRANSNATIONAL: Final = "IMG"


def load_groups(path: Path | None = None, *, countries: Iterable[str] | None = None) -> tuple[GroupRow, ...]:
    """Read and validate an armed-groups and movements file (``term``, ``country``, ``sector``, ``name``).

    Every surface form of one group shares its ``name``, country and sector; no term is listed twice,
    ignoring case.

    Args:
        path: A ``groups.tsv`` file; None reads the packaged one (once per process).
        countries: The ISO3 codes a row may name; None takes those of the packaged ``countries.json``.

    Returns:
        ``(term, country, sector, name)`` rows in file order.

    Raises:
        DataError: The file is malformed (E501, naming the file and line): a wrong header, a row
            without four cells, an empty term or name, an unknown country or sector, a term listed
            twice, or one name coded two ways.
    """
    if path is None and countries is None:
        return _load_packaged_groups()
    codes = frozenset(countries) if countries is not None else _packaged_iso3()
    if path is None:
        return _parse_groups(_GROUPS_LABEL, _packaged_text("groups.tsv"), codes)
    return _parse_groups(str(path), path.read_text(encoding="utf-8"), codes)


#: One row of ``subnational.tsv``: ((name, alias, ...), ISO3 country, kind).
SubnationalRow = tuple[tuple[str, ...], str, str]
_SUBNATIONAL_HEADER: Final = ("name", "country", "kind", "aliases")
_SUBNATIONAL_KINDS: Final = frozenset({"province", "state", "region", "territory"})


def parse_subnational(path: str, text: str, countries: frozenset[str]) -> tuple[SubnationalRow, ...]:
    """Read and validate a provinces-and-regions file (``name``, ``country``, ``kind``, ``aliases``; aliases
    ``|``-separated).

    Raises:
        DataError: E501 naming the file and line: a wrong header, a row without four cells or a name, an
            unknown country or kind.
    """
    rows: list[SubnationalRow] = []
    for number, cells in _tsv_rows(path, text, _SUBNATIONAL_HEADER):
        name, iso3, kind, aliases = (c.strip() for c in cells)
        if not name:
            raise _error(path, number, "empty name")
        if iso3 not in countries:
            raise _error(path, number, f"unknown ISO3 {iso3!r} for {name!r} (not an iso3 in countries.json)")
        if kind not in _SUBNATIONAL_KINDS:
            raise _error(path, number, f"unknown kind {kind!r} for {name!r}; allowed: "
                                       f"{', '.join(sorted(_SUBNATIONAL_KINDS))}")
        rows.append(((name, *(a.strip() for a in aliases.split("|") if a.strip())), iso3, kind))
    return tuple(rows)


@functools.cache
def load_subnational() -> tuple[SubnationalRow, ...]:
    """The packaged ``actors/data/subnational.tsv``, validated against ``countries.json`` (once per process)."""
    return parse_subnational("detente/actors/data/subnational.tsv", _packaged_text("subnational.tsv"),
                             _packaged_iso3())


def _packaged_text(name: str) -> str:
    return (resources.files("detente") / "actors" / "data" / name).read_text(encoding="utf-8")


def _packaged_iso3() -> frozenset[str]:
    return frozenset(e.country for e in _load_packaged()._entries if e.kind == "country" and e.country)


@functools.cache
def _load_packaged_groups() -> tuple[GroupRow, ...]:
    return _parse_groups(_GROUPS_LABEL, _packaged_text("groups.tsv"), _packaged_iso3())


def _clean(phrase: str) -> str:
    text = " ".join(phrase.translate(_APOSTROPHES).split())
    text = _LEADING_THE.sub("", text, count=1)
    return text.replace(".", "").strip()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _error(path: str, line: int, detail: str) -> DataError:
    return DataError(Errors.E501.format(path=path, line=line, detail=detail), code="E501", path=path, line=line)


def _json_items(path: str, text: str) -> list[tuple[int, Any]]:
    """Parse a JSON list, keeping the line on which each item starts."""
    decoder = json.JSONDecoder()
    items: list[tuple[int, Any]] = []

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def line_of(i: int) -> int:
        return text.count("\n", 0, i) + 1

    pos = skip(0)
    if pos >= len(text) or text[pos] != "[":
        raise _error(path, line_of(pos), "expected a JSON list of objects")
    pos = skip(pos + 1)
    if pos < len(text) and text[pos] == "]":
        return items
    while True:
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _error(path, exc.lineno, f"malformed JSON: {exc.msg}") from None
        items.append((line_of(pos), item))
        pos = skip(end)
        if pos < len(text) and text[pos] == ",":
            pos = skip(pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            break
        raise _error(path, line_of(pos), "malformed JSON: expected ',' or ']' after an item")
    if skip(pos + 1) != len(text):
        raise _error(path, line_of(pos), "malformed JSON: text after the closing ']'")
    return items


def _check_keys(path: str, line: int, label: str, obj: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _error(path, line, f"{label}: expected an object, got {type(obj).__name__}")
    missing = [k for k in keys if k not in obj]
    extra = sorted(set(obj) - set(keys))
    if missing or extra:
        raise _error(path, line, f"{label}: missing keys {missing}, unknown keys {extra}; expected {list(keys)}")
    return obj


def _string(path: str, line: int, label: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _error(path, line, f"{label}: {field!r} must be a non-empty string, got {value!r}")
    if value != value.strip():
        raise _error(path, line, f"{label}: {field!r} has leading or trailing spaces: {value!r}")
    return value


def _strings(path: str, line: int, label: str, field: str, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _error(path, line, f"{label}: {field!r} must be a list of strings")
    out = [_string(path, line, label, f"{field}[{i}]", v) for i, v in enumerate(value)]
    dupes = sorted({v for v in out if out.count(v) > 1})
    if dupes:
        raise _error(path, line, f"{label}: {field!r} lists {dupes} more than once")
    return out


def _sector(path: str, line: int, label: str, value: Any, allowed: frozenset[str]) -> str:
    if value not in allowed:
        raise _error(path, line, f"{label}: unknown sector code {value!r}; allowed: {', '.join(sorted(allowed))}")
    return str(value)


def _parse_countries(path: str, text: str, *, names: dict[str, str], cameo: dict[str, str]) -> list[Entry]:
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    cameo_line: dict[str, int] = {}
    for line, raw in _json_items(path, text):
        label = f"entry {raw.get('iso3')!r}" if isinstance(raw, dict) else "entry"
        obj = _check_keys(path, line, label, raw, _COUNTRY_KEYS)
        iso3 = _string(path, line, label, "iso3", obj["iso3"])
        if not _ISO3.fullmatch(iso3):
            raise _error(path, line, f"{label}: iso3 must be three capital letters, got {iso3!r}")
        if iso3 in first_line:
            raise _error(path, line, f"duplicate iso3 {iso3!r} (first at line {first_line[iso3]})")
        first_line[iso3] = line
        code = _string(path, line, label, "cameo", obj["cameo"])
        if not _ISO3.fullmatch(code):
            raise _error(path, line, f"{label}: cameo must be three capital letters, got {code!r}")
        if code in cameo_line:
            raise _error(path, line, f"{label}: duplicate cameo code {code!r} (first at line {cameo_line[code]})")
        cameo_line[code] = line
        name = _string(path, line, label, "name", obj["name"])
        aliases = _strings(path, line, label, "aliases", obj["aliases"])
        if name in aliases:
            raise _error(path, line, f"{label}: the name {name!r} is repeated in 'aliases'")
        metonyms = obj["metonyms"]
        if not isinstance(metonyms, dict):
            raise _error(path, line, f"{label}: 'metonyms' must be an object of phrase -> sector")
        names[iso3] = name
        cameo[iso3] = code
        for term in (name, *aliases):
            entries.append(Entry(term=term, kind="country", country=iso3, sector=None, name=name))
        for field, kind in (("adjectives", "adjective"), ("demonyms", "demonym")):
            for term in _strings(path, line, label, field, obj[field]):
                entries.append(Entry(term=term, kind=kind, country=iso3, sector=None, name=name))
        for term in _strings(path, line, label, "capitals", obj["capitals"]):
            entries.append(Entry(term=term, kind="capital", country=iso3, sector="GOV", name=name))
        for term, sector in metonyms.items():
            term = _string(path, line, label, "metonyms key", term)
            sector = _sector(path, line, f"{label} metonym {term!r}", sector, SECTORS)
            entries.append(Entry(term=term, kind="metonym", country=iso3, sector=sector, name=name))
    if not entries:
        raise _error(path, 1, "no countries listed")
    return entries


def _parse_igos(path: str, text: str, *, names: dict[str, str], cameo: dict[str, str]) -> list[Entry]:
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    for line, raw in _json_items(path, text):
        label = f"entry {raw.get('code')!r}" if isinstance(raw, dict) else "entry"
        obj = _check_keys(path, line, label, raw, _IGO_KEYS)
        code = _string(path, line, label, "code", obj["code"])
        if not _ORG_CODE.fullmatch(code):
            raise _error(path, line, f"{label}: code must be 2-10 capital letters or digits, got {code!r}")
        if code in first_line:
            raise _error(path, line, f"duplicate code {code!r} (first at line {first_line[code]})")
        if code in names:
            raise _error(path, line, f"{label}: code {code!r} is already a country code")
        first_line[code] = line
        name = _string(path, line, label, "name", obj["name"])
        aliases = _strings(path, line, label, "aliases", obj["aliases"])
        if name in aliases:
            raise _error(path, line, f"{label}: the name {name!r} is repeated in 'aliases'")
        sector = _sector(path, line, label, obj["sector"], _ORG_SECTORS)
        code_cameo = _string(path, line, label, "cameo", obj["cameo"])
        if not _CAMEO_ORG.fullmatch(code_cameo):
            raise _error(path, line, f"{label}: cameo must be 3-letter CAMEO code parts, got {code_cameo!r}")
        names[code] = name
        cameo[code] = code_cameo
        for term in (name, *aliases):
            entries.append(Entry(term=term, kind="igo", country=code, sector=sector, name=name))
    if not entries:
        raise _error(path, 1, "no organisations listed")
    return entries


def _tsv_rows(path: str, text: str, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a tab-separated file with exactly ``header``; blank lines skipped."""
    lines = text.splitlines()
    found = tuple(lines[0].split("\t")) if lines else ()
    if found != header:
        missing = [c for c in header if c not in found]
        detail = f", missing column(s) {missing}" if missing else ""
        raise _error(path, 1, f"header must be {chr(9).join(header)!r} (tab-separated), got {chr(9).join(found)!r}"
                              f"{detail}")
    for number, row in enumerate(lines[1:], start=2):
        if not row.strip():
            continue
        cells = row.split("\t")
        if len(cells) != len(header):
            raise _error(path, number, f"expected {len(header)} tab-separated cells, got {len(cells)}: {row!r}")
        yield number, cells


def _parse_roles(path: str, text: str) -> list[Entry]:
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    for number, cells in _tsv_rows(path, text, _ROLES_HEADER):
        term, sector, kind = cells
        term = _string(path, number, "role", "term", term)
        sector = _sector(path, number, f"role {term!r}", sector, SECTORS)
        if kind not in _ROLE_KINDS:
            raise _error(path, number, f"role {term!r}: unknown kind {kind!r}; allowed: {', '.join(_ROLE_KINDS)}")
        key = _fold(_clean(term))
        if key in first_line:
            raise _error(path, number, f"duplicate role term {term!r} (first at line {first_line[key]})")
        first_line[key] = number
        entries.append(Entry(term=term, kind=_ROLE_KINDS[kind], country=None, sector=sector, name=term))
    if not entries:
        raise _error(path, 1, "no roles listed")
    return entries


def _parse_groups(path: str, text: str, countries: frozenset[str]) -> tuple[GroupRow, ...]:
    rows: list[GroupRow] = []
    first_line: dict[str, int] = {}
    coded: dict[str, tuple[str, str, int]] = {}
    for number, cells in _tsv_rows(path, text, _GROUPS_HEADER):
        term = _string(path, number, "group", "term", cells[0])
        label = f"group {term!r}"
        country = _string(path, number, label, "country", cells[1])
        if country not in countries and country != TRANSNATIONAL:
            raise _error(path, number, f"{label}: unknown country code {country!r} (not an iso3 in countries.json, "
                                       f"nor {TRANSNATIONAL} for a group of no one state)")
        sector = _sector(path, number, label, cells[2], SECTORS)
        name = _string(path, number, label, "name", cells[3])
        # Case-insensitive, as the matcher is for long terms; accented spellings ("Séléka") are their own terms.
        key = " ".join(term.translate(_APOSTROPHES).split()).casefold()
        if key in first_line:
            raise _error(path, number, f"duplicate group term {term!r} (first at line {first_line[key]})")
        first_line[key] = number
        if name in coded and coded[name][:2] != (country, sector):
            was_country, was_sector, was_line = coded[name]
            raise _error(path, number, f"{label}: {name!r} is coded {country} {sector} here but {was_country} "
                                       f"{was_sector} at line {was_line}")
        coded.setdefault(name, (country, sector, number))
        rows.append((term, country, sector, name))
    if not rows:
        raise _error(path, 1, "no groups listed")
    return tuple(rows)
