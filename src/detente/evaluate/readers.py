"""Readers for the human-coded gold sets detente is measured against.

Every reader takes the path of one gold file (or folder) and yields frozen
:class:`GoldItem` records: the text to code plus what a human coder expected
from it. Malformed gold raises :class:`~detente.errors.EvaluationError` (E703)
naming the file and the line or record.

Formats read here (see ``docs/evaluation.md`` for the full description):

* ``plover_gsr``: the PLOVER gold-standard JSON list (one object per event; events
  that share a sentence are grouped into one item). Old PLOVER names are mapped
  with :data:`OLD_PLOVER_NAMES`.
* ``petr2_gsr``: the PETRARCH-2 validation XML (regex-read: the file has ``#``
  comment lines and unbalanced ``<Sentence/>`` tags, so it is not well-formed XML).
* ``cameo_class``: ``sentence<TAB>label`` with the Phoenix five-class convention.
* ``cameo_ner``: CoNLL ``token tag`` lines, sentences separated by blank lines.
* ``india_police``: ``sentence<TAB>KILL<TAB>ARREST<TAB>ANY_ACTION<TAB>FAIL<TAB>FORCE``.
* ``case2021``: ``id<TAB>snippet<TAB>ACLED subtype``, mapped with :data:`ACLED_TO_CAMEO`.
* ``polnear``: brat standoff ``.ann`` files beside ``text/*.txt``.
* ``jsonl``: detente's own format for users' annotations, one JSON object a line::

      {"id": "a1", "text": "...", "published": "2024-05-01",
       "events": [{"source": ["USA"], "target": ["RUS"], "cameo": "042",
                   "plover": "CONSULT", "status": "occurred"}],
       "no_event": false}

  ``id`` (string or number) and ``text`` are required. ``published`` (ISO date),
  ``events`` and ``no_event`` are optional; ``no_event: true`` says that no event
  should be coded from the text and then ``events`` must be empty. In an event every
  key is optional: ``source`` and ``target`` are a code or a list of codes (an ISO
  3166 alpha-3 country such as ``USA``, a full actor code such as ``USAGOV``, or an
  organisation code such as ``NATO``), ``cameo`` a CAMEO code given as a string,
  ``plover`` a PLOVER event name and ``status`` one of :data:`detente.model.STATUSES`.
  Blank lines are skipped.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import EvaluationError
from ..model import STATUSES

__all__ = [
    "ACLED_TO_CAMEO",
    "COUNTRY_ALIASES",
    "E703",
    "GENERIC_ORGANISATIONS",
    "IGO_CODES",
    "ISO3_COUNTRIES",
    "OLD_PLOVER_NAMES",
    "PHOENIX_SECTORS",
    "GoldEvent",
    "GoldItem",
    "GoldQuote",
    "GoldSpan",
    "normalize_country",
    "normalize_plover",
    "read_cameo_class",
    "read_cameo_ner",
    "read_case2021",
    "read_india_police",
    "read_jsonl",
    "read_petr2_gsr",
    "read_plover_gsr",
    "read_polnear",
    "split_actor_code",
]

#: Message template for malformed gold (code E703).
E703 = "{where}: malformed gold data: {detail}"


def _malformed(where: str, detail: str) -> EvaluationError:
    return EvaluationError(E703.format(where=where, detail=detail), code="E703")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """A labelled character span ``[start, end)`` of a gold item's text."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One attribution: who (speaker spans) said what (content spans), and the cue.

    Spans may be discontinuous, hence tuples. ``speaker`` is empty when the
    annotators marked no source.
    """

    speaker: tuple[GoldSpan, ...]
    content: tuple[GoldSpan, ...]
    cue: GoldSpan | None = None


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One expected event.

    ``*_countries`` hold ISO 3166 alpha-3 codes, organisation codes (``UNO``,
    ``NATO``, ``EU``) or a generic ``IGO``/``NGO`` that matches any organisation.
    ``*_codes`` hold the gold's own full actor codes (``USAGOV``, ``IGOUNOMIL``).
    Any label the gold set does not give is ``None`` or empty.
    """

    source_countries: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()
    source_codes: tuple[str, ...] = ()
    target_codes: tuple[str, ...] = ()
    cameo: str | None = None
    plover: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class GoldItem:
    """One unit of gold: the text to code and every label the gold set gives for it.

    Attributes:
        id: The record's id in its gold set (or ``file:line`` when it has none).
        text: The text handed to the coder; every span offset points into it.
        events: Expected events (event-coded sets).
        no_event: True when the gold says no event should be coded from the text.
        class_label: The Phoenix quad class 0-4 (``cameo_class``).
        spans: Labelled actor spans (``cameo_ner``: ``source``, ``target``, ``reciprocal``).
        labels: Sentence-level binary labels (``india_police``: ``KILL``, ``ARREST``, ...).
        quotes: Attributions (``polnear``).
        raw_label: The gold set's own label where it was mapped (the ACLED subtype).
        published: The publication date, when the gold gives one.
        scored: False when nothing in the item can be scored (an unmapped ACLED type).
        where: File and line or record, for messages.
    """

    id: str
    text: str
    events: tuple[GoldEvent, ...] = ()
    no_event: bool = False
    class_label: int | None = None
    spans: tuple[GoldSpan, ...] = ()
    labels: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    quotes: tuple[GoldQuote, ...] = ()
    raw_label: str | None = None
    published: dt.date | None = None
    scored: bool = True
    where: str = ""


# --------------------------------------------------------------------------- code tables


def _split(words: str) -> list[str]:
    return words.split()


#: Old PLOVER (0.5b1) event names used by the PLOVER gold standard, and the current
#: PLOVER 2.0 event each corresponds to. Names not listed are unchanged.
OLD_PLOVER_NAMES: Mapping[str, str] = MappingProxyType({
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
})

#: ACLED sub-event type (as spelled in the CASE 2021 task 2 data) -> (CAMEO code,
#: PLOVER event). Only types with a clear CAMEO counterpart are mapped; every other
#: type (CHANGE_TO_GROUP_ACT, DISR_WEAP, GOV_REGAINS_TERIT, HQ_ESTABLISHED,
#: NON_STATE_ACTOR_OVERTAKES_TER, NON_VIOL_TERRIT_TRANSFER, OTHER and the non-ACLED
#: ORG_CRIME, NATURAL_DISASTER, MAN_MADE_DISASTER, DIPLO, ATTRIB) is reported as
#: unmapped and left out of the scores. PLOVER events follow detente's CAMEO->PLOVER
#: crosswalk, except AGREEMENT, which the gold's own guidance maps to AGREE.
ACLED_TO_CAMEO: Mapping[str, tuple[str, str]] = MappingProxyType({
    "PEACE_PROTEST": ("141", "PROTEST"),  # demonstrate or rally
    "PROTEST_WITH_INTER": ("141", "PROTEST"),  # a peaceful protest that others intervened in
    "VIOL_DEMONSTR": ("145", "PROTEST"),  # protest violently, riot
    "MOB_VIOL": ("145", "PROTEST"),  # riot by a mob
    "FORCE_AGAINST_PROTEST": ("175", "ASSAULT"),  # violent repression (crosswalk: crowd-control)
    "ARMED_CLASH": ("190", "ASSAULT"),  # conventional military force
    "ATTACK": ("190", "ASSAULT"),  # armed attack
    "AIR_STRIKE": ("195", "ASSAULT"),  # employ aerial weapons
    "ART_MISS_ATTACK": ("194", "ASSAULT"),  # fight with artillery and tanks
    "CHEM_WEAP": ("2041", "ASSAULT"),  # chemical, biological or radiological weapons
    "GRENADE": ("183", "ASSAULT"),  # non-military bombing
    "REM_EXPLOS": ("183", "ASSAULT"),  # remote explosive, landmine, IED
    "SUIC_BOMB": ("1831", "ASSAULT"),  # suicide bombing
    "ABDUCT_DISSAP": ("181", "ASSAULT"),  # abduct, hijack, take hostage
    "SEX_VIOL": ("1821", "ASSAULT"),  # sexually assault
    "PROPERTY_DISTRUCT": ("1712", "ASSAULT"),  # destroy property (crosswalk: ASSAULT/destroy)
    "ARREST": ("173", "COERCE"),  # arrest, detain
    "AGREEMENT": ("057", "AGREE"),  # sign formal agreement
})

#: ISO 3166-1 alpha-3 country codes, plus XKX for Kosovo.
ISO3_COUNTRIES: frozenset[str] = frozenset(_split(
    "ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD "
    "BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR "
    "COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH "
    "ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL "
    "GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR "
    "JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR "
    "MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL "
    "NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY "
    "PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP "
    "SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA "
    "UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE XKX"
))

#: Old CAMEO country codes still found in gold, and their ISO 3166 alpha-3 code.
COUNTRY_ALIASES: Mapping[str, str] = MappingProxyType({
    "JAP": "JPN", "ITL": "ITA", "VTN": "VNM", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS",
    "KSV": "XKX", "KOS": "XKX",
})

#: Three-letter segments of Phoenix ``IGO...`` codes and the organisation code detente
#: uses for them (``IGOUNOMIL`` -> ``UNO``, ``IGOEUREEC`` -> ``EU``, ``IGOWSTNAT`` -> ``NATO``).
#: An ``IGO`` code with none of these segments becomes the generic ``IGO``.
IGO_CODES: Mapping[str, str] = MappingProxyType({
    "UNO": "UNO", "NAT": "NATO", "EEC": "EU", "OSC": "OSCE", "AFU": "AU", "ARL": "ARL",
    "ASN": "ASEAN", "OPC": "OPEC", "WTO": "WTO", "IMF": "IMF", "WBK": "WB", "GCC": "GCC",
    "OAS": "OAS", "CIS": "CIS", "ICC": "ICC",
})

#: Gold country codes that stand for "some organisation": they match any predicted
#: country that is not an ISO 3166 country.
GENERIC_ORGANISATIONS: frozenset[str] = frozenset({"IGO", "NGO"})

#: CAMEO/Phoenix role codes recognised as an actor's sector.
PHOENIX_SECTORS: frozenset[str] = frozenset(_split(
    "GOV MIL REB OPP COP JUD LEG CVL CIV BUS EDU MED ELI REF LAB HLH CRM SPY UAF PTY AGR ENV HRI "
    "RAD MOD JRN DEV SET MNC NGO IGO INS SOC UNK"
))

_ORGANISATIONS: frozenset[str] = frozenset(IGO_CODES.values()) | GENERIC_ORGANISATIONS


def normalize_country(code: str | None) -> str | None:
    """Return the country or organisation code a gold or predicted code stands for.

    ISO 3166 alpha-3 codes and organisation codes pass through (old CAMEO codes are
    mapped with :data:`COUNTRY_ALIASES`); unknown-country markers (``---``, ``***``,
    empty) give ``None``.

    Args:
        code: A country-level code such as ``USA``, ``JAP``, ``NATO`` or ``---``.

    Returns:
        The normalised code, or ``None`` when no country is known.
    """
    if code is None:
        return None
    value = code.strip().upper()
    if not value or set(value) <= {"-", "*"}:
        return None
    return COUNTRY_ALIASES.get(value, value)


def split_actor_code(code: str) -> tuple[str | None, str | None]:
    """Split a CAMEO/Phoenix actor code into ``(country, sector)``.

    The country is the first three letters when they are an ISO 3166 country (or a
    known alias); ``IGO...`` codes give the organisation from :data:`IGO_CODES` (or
    the generic ``IGO``); ``NGO`` gives ``NGO``; other codes (``IMG...``, ``---...``)
    give no country. The sector is the first later three-letter segment that is in
    :data:`PHOENIX_SECTORS`. A bare organisation code such as ``NATO`` is returned
    as the country.

    Args:
        code: An actor code such as ``USAGOV``, ``IGOUNOMIL``, ``---REB`` or ``NATO``.

    Returns:
        The country (or organisation) and the sector, each possibly ``None``.
    """
    value = code.strip().upper()
    if not value:
        return None, None
    if value in _ORGANISATIONS:
        return value, None
    head, rest = value[:3], value[3:]
    country: str | None = None
    if head in ISO3_COUNTRIES or head in COUNTRY_ALIASES:
        country = COUNTRY_ALIASES.get(head, head)
    elif head == "IGO":
        country = "IGO"
        for i in range(0, len(rest) - 2, 3):
            if rest[i:i + 3] in IGO_CODES:
                country = IGO_CODES[rest[i:i + 3]]
                break
    elif head == "NGO":
        country = "NGO"
    sector = None
    for i in range(0, len(rest) - 2, 3):
        chunk = rest[i:i + 3]
        if chunk in PHOENIX_SECTORS:
            sector = chunk
            break
    return country, sector


def normalize_plover(name: str | None) -> str | None:
    """Upper-case a PLOVER event name and map old names with :data:`OLD_PLOVER_NAMES`.

    Args:
        name: A PLOVER event name, possibly an old one (``FIGHT``).

    Returns:
        The current name, or ``None`` for an empty name.
    """
    if name is None:
        return None
    value = name.strip().upper()
    if not value:
        return None
    return OLD_PLOVER_NAMES.get(value, value)


# --------------------------------------------------------------------------- helpers


def _read_text(path: Path) -> str:
    if not path.exists():
        raise _malformed(str(path), "no such file")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _malformed(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise _malformed(str(path), f"cannot read: {exc.strerror}") from None


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, line without its line ending)`` for a text file."""
    text = _read_text(path)
    yield from enumerate(text.splitlines(), start=1)


def _collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- PLOVER GSR


def _plover_actors(value: Any, where: str, key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if value is None or value == "":
        return (), ()
    if not isinstance(value, list):
        raise _malformed(where, f"{key!r} must be a list of actors or \"\", got {type(value).__name__}")
    countries: list[str] = []
    codes: list[str] = []
    for actor in value:
        if not isinstance(actor, dict) or not isinstance(actor.get("code"), str):
            raise _malformed(where, f"{key!r} has an actor without a string \"code\": {actor!r}")
        code = actor["code"].strip()
        sector = actor.get("sector")
        country = normalize_country(code)
        if country is not None and (country in ISO3_COUNTRIES or country in GENERIC_ORGANISATIONS):
            countries.append(country)
        full = code + sector if isinstance(sector, str) and sector and sector != "***" else code
        codes.append(full)
    return tuple(countries), tuple(codes)


def read_plover_gsr(path: Path) -> Iterator[GoldItem]:
    """Read the PLOVER gold-standard JSON (a list of event records).

    Records with the same sentence are grouped into one item with several events, in
    file order; the item takes the first record's id. Actor ``code`` is a country
    (ISO 3166, with old CAMEO aliases mapped) or ``IGO``/``NGO``; codes such as
    ``IMG`` give no country. A full code is ``code + sector`` when a sector is given.

    Args:
        path: ``PLOVER_GSR_CAMEO.json``.

    Yields:
        One :class:`GoldItem` per distinct sentence.

    Raises:
        EvaluationError: The file is not a JSON list of records with ``id``, ``text``
            and ``event``.
    """
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise _malformed(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise _malformed(str(path), "expected a JSON list of event records")
    order: list[str] = []
    grouped: dict[str, tuple[str, list[GoldEvent]]] = {}
    for index, record in enumerate(data):
        where = f"{path}: record {index}"
        if not isinstance(record, dict):
            raise _malformed(where, "record is not a JSON object")
        rid, text, event = record.get("id"), record.get("text"), record.get("event")
        if not isinstance(rid, str) or not isinstance(text, str) or not text.strip():
            raise _malformed(where, "record needs a string \"id\" and a non-empty \"text\"")
        where = f"{path}: record {index} ({rid})"
        if not isinstance(event, str) or not event.strip():
            raise _malformed(where, "record has no \"event\"")
        src_c, src_codes = _plover_actors(record.get("source"), where, "source")
        tgt_c, tgt_codes = _plover_actors(record.get("target"), where, "target")
        gold = GoldEvent(
            source_countries=src_c, target_countries=tgt_c, source_codes=src_codes,
            target_codes=tgt_codes, plover=normalize_plover(event),
        )
        if text not in grouped:
            order.append(text)
            grouped[text] = (rid, [])
        grouped[text][1].append(gold)
    for text in order:
        rid, events = grouped[text]
        yield GoldItem(id=rid, text=text, events=tuple(events), where=f"{path}: {rid}")


# --------------------------------------------------------------------------- PETRARCH-2 GSR

_SENTENCE_TAG = re.compile(r"<Sentence\b([^>]*?)/?>", re.DOTALL)
_SENTENCES_END = re.compile(r"</Sentences\s*>")
_CODING_TAG = re.compile(r"<EventCoding\b([^>]*?)/?>", re.DOTALL)
_TEXT_ELEMENT = re.compile(r"<Text\s*>(.*?)</Text\s*>", re.DOTALL)
_ATTRIBUTE = re.compile(r"([A-Za-z_][\w.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HASH_LINE_OR_TEXT = re.compile(r"<Text\s*>.*?</Text\s*>|(?m:^[ \t]*#[^\n]*)", re.DOTALL)


def _attributes(raw: str) -> dict[str, str]:
    return {m.group(1): html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTRIBUTE.finditer(raw)}


def _blank_comments(text: str) -> str:
    """Replace XML comments and '#' comment lines by spaces, keeping every offset."""
    text = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    # a '#' line inside <Text> is sentence text (a hashtag), not a comment
    return _HASH_LINE_OR_TEXT.sub(
        lambda m: m.group(0) if m.group(0).startswith("<") else " " * len(m.group(0)), text
    )


def _petr_actor(code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    code = code.strip()
    if not code:
        return (), ()
    country, _sector = split_actor_code(code)
    return ((country,) if country else ()), (code,)


def read_petr2_gsr(path: Path) -> Iterator[GoldItem]:
    """Read the PETRARCH-2 validation records.

    The file is XML-like but not well-formed (``#`` comment lines, ``<Sentence .../>``
    tags closed again by ``</Sentence>``), so each ``<Sentence>`` tag starts a record
    that runs to the next one. A record has ``<EventCoding eventcode sourcecode
    targetcode/>`` elements and a ``<Text>``. Records with ``evaluate="false"`` are
    skipped; a record with no coding, or with ``<EventCoding noevents="True"/>``, is
    a "no event expected" item. Phoenix actor codes are split with
    :func:`split_actor_code`. The text's line breaks are collapsed to single spaces.

    Args:
        path: ``PETR2_GSR_validation.xml``.

    Yields:
        One :class:`GoldItem` per evaluated sentence.

    Raises:
        EvaluationError: A record has no id or text, or a coding has no event code.
    """
    raw = _read_text(path)
    text = _blank_comments(raw)
    tags = list(_SENTENCE_TAG.finditer(text))
    if not tags:
        raise _malformed(str(path), "no <Sentence> records found")
    end_match = _SENTENCES_END.search(text, tags[-1].end())
    limit = end_match.start() if end_match else len(text)
    for i, tag in enumerate(tags):
        line = text.count("\n", 0, tag.start()) + 1
        where = f"{path}:{line}"
        attrs = _attributes(tag.group(1))
        sid = attrs.get("id", "").strip()
        if not sid:
            raise _malformed(where, "<Sentence> has no id")
        where = f"{path}:{line} ({sid})"
        if attrs.get("evaluate", "true").strip().lower() == "false":
            continue
        block = text[tag.end():tags[i + 1].start() if i + 1 < len(tags) else limit]
        body = _TEXT_ELEMENT.search(block)
        if body is None:
            raise _malformed(where, "<Sentence> has no <Text>")
        sentence = _collapse(html.unescape(body.group(1)))
        if not sentence:
            raise _malformed(where, "<Text> is empty")
        events: list[GoldEvent] = []
        no_event_flag = False
        for coding in _CODING_TAG.finditer(block):
            cattrs = _attributes(coding.group(1))
            if cattrs.get("noevents", "").strip().lower() == "true":
                no_event_flag = True
                continue
            cameo = cattrs.get("eventcode", "").strip()
            if not cameo.isdigit():
                raise _malformed(where, f"<EventCoding> has no numeric eventcode: {coding.group(0)!r}")
            src_c, src_codes = _petr_actor(cattrs.get("sourcecode", ""))
            tgt_c, tgt_codes = _petr_actor(cattrs.get("targetcode", ""))
            events.append(GoldEvent(source_countries=src_c, target_countries=tgt_c,
                                    source_codes=src_codes, target_codes=tgt_codes, cameo=cameo))
        if events and no_event_flag:
            raise _malformed(where, "record has both noevents=\"True\" and event codings")
        published = None
        date = attrs.get("date", "")
        if len(date) == 8 and date.isdigit():
            try:
                published = dt.date(int(date[:4]), int(date[4:6]), int(date[6:]))
            except ValueError:
                published = None
        yield GoldItem(id=sid, text=sentence, events=tuple(events), no_event=not events,
                       published=published, where=where)


# --------------------------------------------------------------------------- ConfliBERT sets


def read_cameo_class(path: Path) -> Iterator[GoldItem]:
    """Read ``sentence<TAB>label`` lines (label 0-4, the Phoenix quad-class convention).

    A first line whose label is not a number is taken as a header; blank lines are
    skipped. Item ids are ``<file stem>-<line>``.

    Args:
        path: ``cameo_class/train.tsv`` or a file like it.

    Yields:
        One :class:`GoldItem` per sentence, with ``class_label`` set.

    Raises:
        EvaluationError: A line has no tab or a label outside 0-4.
    """
    for number, line in _lines(path):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        sentence, sep, label = line.rpartition("\t")
        label = label.strip()
        if not sep:
            raise _malformed(where, "expected sentence<TAB>label")
        if number == 1 and not label.lstrip("-").isdigit():
            continue  # header row
        if label not in {"0", "1", "2", "3", "4"}:
            raise _malformed(where, f"label must be 0-4, got {label!r}")
        if not sentence.strip():
            raise _malformed(where, "empty sentence")
        yield GoldItem(id=f"{path.stem}-{number}", text=sentence.strip(), class_label=int(label),
                       where=where)


_NER_LABELS = {"S": "source", "T": "target", "R": "reciprocal"}
_NER_TAG = re.compile(r"^(?:O|([BI])-([STR]))$")


def read_cameo_ner(path: Path) -> Iterator[GoldItem]:
    """Read CoNLL ``token tag`` lines; a blank line ends a sentence.

    The text is the tokens joined by single spaces and spans are character offsets
    into it. Tags are ``O`` or ``B-``/``I-`` with ``S`` (label ``source``), ``T``
    (``target``) or ``R`` (``reciprocal``); an ``I-`` tag that does not continue an
    entity of its type starts a new one. Item ids are ``<file stem>-<sentence number>``
    (from 1).

    Args:
        path: ``cameo_ner/train.txt`` or a file like it.

    Yields:
        One :class:`GoldItem` per sentence, with ``spans`` set.

    Raises:
        EvaluationError: A line is not ``token tag`` or the tag is unknown.
    """
    tokens: list[str] = []
    spans: list[GoldSpan] = []
    open_label: str | None = None
    open_start = 0
    offset = 0
    first_line = 0
    count = 0

    def finish() -> GoldItem:
        nonlocal count
        count += 1
        if open_label is not None:
            spans.append(GoldSpan(open_start, offset - 1, open_label))
        item = GoldItem(id=f"{path.stem}-{count}", text=" ".join(tokens), spans=tuple(spans),
                        where=f"{path}:{first_line}")
        return item

    for number, line in _lines(path):
        if not line.strip():
            if tokens:
                yield finish()
                tokens, spans, open_label, offset = [], [], None, 0
            continue
        where = f"{path}:{number}"
        parts = line.split()
        if len(parts) < 2:
            raise _malformed(where, f"expected 'token tag', got {line!r}")
        token, tag = " ".join(parts[:-1]), parts[-1]
        match = _NER_TAG.match(tag)
        if match is None:
            raise _malformed(where, f"unknown tag {tag!r} (expected O, B-S, I-S, B-T, I-T, B-R or I-R)")
        if not tokens:
            first_line = number
        start = offset
        end = start + len(token)
        bio, kind = match.group(1), match.group(2)
        label = _NER_LABELS[kind] if kind else None
        if open_label is not None and (label is None or bio == "B" or label != open_label):
            spans.append(GoldSpan(open_start, start - 1, open_label))
            open_label = None
        if label is not None and open_label is None:
            open_label, open_start = label, start
        tokens.append(token)
        offset = end + 1
    if tokens:
        yield finish()


INDIA_LABELS: tuple[str, ...] = ("KILL", "ARREST", "ANY_ACTION", "FAIL", "FORCE")


def read_india_police(path: Path) -> Iterator[GoldItem]:
    """Read ``sentence<TAB>KILL<TAB>ARREST<TAB>ANY_ACTION<TAB>FAIL<TAB>FORCE`` (0/1).

    A first line whose label columns are not numbers is taken as a header. Item ids are
    ``<file stem>-<line>``. A row with an empty sentence is kept but unscored.

    Args:
        path: ``IndiaPoliceEvents_sents/dev.tsv`` or a file like it.

    Yields:
        One :class:`GoldItem` per sentence, with ``labels`` set for all five labels.

    Raises:
        EvaluationError: A line does not have six columns or a label is not 0/1.
    """
    for number, line in _lines(path):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        parts = line.rsplit("\t", len(INDIA_LABELS))
        if len(parts) != len(INDIA_LABELS) + 1:
            raise _malformed(where, f"expected a sentence and {len(INDIA_LABELS)} tab-separated labels")
        values = [p.strip() for p in parts[1:]]
        if number == 1 and not any(v.lstrip("-").isdigit() for v in values):
            continue  # header row
        if not all(v in {"0", "1"} for v in values):
            raise _malformed(where, f"labels must be 0 or 1, got {values!r}")
        sentence = parts[0].strip()
        labels = MappingProxyType({k: int(v) for k, v in zip(INDIA_LABELS, values, strict=True)})
        # The published dev set has a row with an empty sentence: keep it (so counts match
        # the source) but leave it unscored, since there is nothing to code.
        yield GoldItem(id=f"{path.stem}-{number}", text=sentence, labels=labels, where=where,
                       scored=bool(sentence))


# --------------------------------------------------------------------------- CASE 2021


def read_case2021(path: Path) -> Iterator[GoldItem]:
    """Read ``id<TAB>snippet<TAB>ACLED subtype`` lines (a header row is skipped).

    Subtypes in :data:`ACLED_TO_CAMEO` give one expected event with its CAMEO code and
    PLOVER event; other subtypes give an unscored item (``scored=False``) that keeps
    the subtype in ``raw_label`` so the report can count it as unmapped.

    Args:
        path: ``case2021_task2/events.tsv`` or a file like it.

    Yields:
        One :class:`GoldItem` per snippet.

    Raises:
        EvaluationError: A line does not have three columns.
    """
    for number, line in _lines(path):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        parts = line.split("\t")
        if len(parts) < 3:
            raise _malformed(where, "expected id<TAB>snippet<TAB>subtype")
        rid, snippet, subtype = parts[0].strip(), "\t".join(parts[1:-1]).strip(), parts[-1].strip()
        if number == 1 and subtype.lower() == "subtype":
            continue  # header row
        if not rid or not snippet or not subtype:
            raise _malformed(where, "empty id, snippet or subtype")
        mapped = ACLED_TO_CAMEO.get(subtype.upper())
        events = (GoldEvent(cameo=mapped[0], plover=mapped[1]),) if mapped else ()
        yield GoldItem(id=rid, text=snippet, events=events, raw_label=subtype.upper(),
                       scored=mapped is not None, where=where)


# --------------------------------------------------------------------------- PolNeAR


def _brat_segments(offsets: str, where: str, text_length: int) -> list[tuple[int, int]]:
    segments: list[tuple[int, int]] = []
    for part in offsets.split(";"):
        bits = part.split()
        if len(bits) != 2 or not all(b.isdigit() for b in bits):
            raise _malformed(where, f"bad offsets {offsets!r}")
        start, end = int(bits[0]), int(bits[1])
        if not 0 <= start <= end <= text_length:
            raise _malformed(where, f"offsets {start}-{end} outside the text (length {text_length})")
        segments.append((start, end))
    return segments


def _read_ann(ann: Path, text: str) -> tuple[GoldQuote, ...]:
    spans: dict[str, list[tuple[int, int]]] = {}
    relations: list[tuple[str, dict[str, list[str]]]] = []
    for number, line in _lines(ann):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{ann}:{number}"
        parts = line.split("\t")
        ident = parts[0]
        if ident.startswith("T"):
            if len(parts) < 2:
                raise _malformed(where, "text-bound annotation needs 'ID<TAB>TYPE START END<TAB>TEXT'")
            _kind, _sp, offsets = parts[1].partition(" ")
            segments = _brat_segments(offsets, where, len(text))
            if len(parts) >= 3:
                expected = " ".join(text[s:e] for s, e in segments)
                if _collapse(expected) != _collapse(parts[2]):
                    raise _malformed(where, f"span text {parts[2][:40]!r} does not match the article text")
            spans[ident] = segments
        elif ident.startswith("E"):
            if len(parts) < 2:
                raise _malformed(where, "event annotation needs 'ID<TAB>TYPE:TRIGGER ROLE:ID ...'")
            args = parts[1].split()
            roles: dict[str, list[str]] = {}
            for arg in args[1:]:
                role, sep, target = arg.partition(":")
                if not sep:
                    raise _malformed(where, f"bad argument {arg!r}")
                roles.setdefault(role.rstrip("0123456789"), []).append(target)
            relations.append((where, roles))
    quotes: list[GoldQuote] = []
    for where, roles in relations:
        content = _role_spans(roles, "Content", "content", spans, where)
        if not content:
            continue  # an attribution without content says nothing to score
        cue_spans = _role_spans(roles, "Cue", "cue", spans, where)
        cue = (GoldSpan(min(s.start for s in cue_spans), max(s.end for s in cue_spans), "cue")
               if cue_spans else None)
        speaker = _role_spans(roles, "Source", "speaker", spans, where)
        quotes.append(GoldQuote(speaker=tuple(speaker), content=tuple(content), cue=cue))
    return tuple(quotes)


def _role_spans(roles: Mapping[str, list[str]], role: str, label: str,
                spans: Mapping[str, list[tuple[int, int]]], where: str) -> list[GoldSpan]:
    out: list[GoldSpan] = []
    for target in roles.get(role, []):
        if target not in spans:
            raise _malformed(where, f"{role} refers to unknown annotation {target}")
        out.extend(GoldSpan(s, e, label) for s, e in spans[target])
    return out


def read_polnear(path: Path) -> Iterator[GoldItem]:
    """Read PolNeAR brat standoff: ``text/NAME.txt`` with ``attributions/NAME_ANNOTATOR.ann``.

    Each ``E`` attribution line links ``Source`` (speaker), ``Cue`` and ``Content``
    (``Content2`` counts as more content) text-bound spans; discontinuous spans
    (``start end;start end``) give several :class:`GoldSpan`. The text is read exactly
    (no newline translation) because offsets count every character. Where several
    annotators' files exist for one article, the first by file name is used, so each
    article is one item.

    Args:
        path: The ``dev`` folder holding ``text/`` and ``attributions/``.

    Yields:
        One :class:`GoldItem` per article, with ``quotes`` set; id is the file stem.

    Raises:
        EvaluationError: The folders are missing, an offset is outside the text, the
            span text does not match, or an attribution refers to an unknown span.
    """
    text_dir, ann_dir = path / "text", path / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise _malformed(str(path), "expected text/ and attributions/ folders")
    anns: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        anns.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
        anns.setdefault(ann.stem, []).append(ann)
    for txt in sorted(text_dir.glob("*.txt")):
        try:
            with txt.open(encoding="utf-8", newline="") as handle:
                text = handle.read()
        except UnicodeDecodeError as exc:
            raise _malformed(str(txt), f"not UTF-8 text ({exc.reason})") from None
        found = anns.get(txt.stem)
        if not found:
            raise _malformed(str(txt), f"no attributions/{txt.stem}*.ann file")
        yield GoldItem(id=txt.stem, text=text, quotes=_read_ann(found[0], text), where=str(found[0]))


# --------------------------------------------------------------------------- JSONL


def _jsonl_actors(value: Any, where: str, key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if value is None or value == "":
        return (), ()
    items: Sequence[Any] = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
        raise _malformed(where, f"{key!r} must be a code or a list of codes")
    countries: list[str] = []
    codes: list[str] = []
    for code in items:
        clean = code.strip().upper()
        country, _sector = split_actor_code(clean)
        if country:
            countries.append(country)
        codes.append(clean)
    return tuple(countries), tuple(codes)


def read_jsonl(path: Path) -> Iterator[GoldItem]:
    """Read detente's JSONL gold format (described in this module's docstring).

    Args:
        path: A ``.jsonl`` file.

    Yields:
        One :class:`GoldItem` per non-blank line.

    Raises:
        EvaluationError: A line is not a JSON object, lacks ``id`` or ``text``, or has
            a field of the wrong type or an unknown status.
    """
    for number, line in _lines(path):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _malformed(where, f"invalid JSON: {exc.msg}") from None
        if not isinstance(record, dict):
            raise _malformed(where, "line is not a JSON object")
        rid, text = record.get("id"), record.get("text")
        if isinstance(rid, bool) or not isinstance(rid, (str, int)) or str(rid).strip() == "":
            raise _malformed(where, "\"id\" must be a non-empty string or a number")
        if not isinstance(text, str) or not text.strip():
            raise _malformed(where, "\"text\" must be a non-empty string")
        published = None
        if record.get("published") not in (None, ""):
            try:
                published = dt.date.fromisoformat(str(record["published"])[:10])
            except ValueError:
                raise _malformed(where, f"\"published\" is not an ISO date: {record['published']!r}") from None
        raw_events = record.get("events", [])
        if raw_events is None:
            raw_events = []
        if not isinstance(raw_events, list):
            raise _malformed(where, "\"events\" must be a list")
        no_event = record.get("no_event", False)
        if not isinstance(no_event, bool):
            raise _malformed(where, "\"no_event\" must be true or false")
        if no_event and raw_events:
            raise _malformed(where, "\"no_event\" is true but \"events\" is not empty")
        events: list[GoldEvent] = []
        for index, raw in enumerate(raw_events):
            ewhere = f"{where}: event {index}"
            if not isinstance(raw, dict):
                raise _malformed(ewhere, "event is not a JSON object")
            src_c, src_codes = _jsonl_actors(raw.get("source"), ewhere, "source")
            tgt_c, tgt_codes = _jsonl_actors(raw.get("target"), ewhere, "target")
            cameo, plover, status = raw.get("cameo"), raw.get("plover"), raw.get("status")
            if cameo is not None and (not isinstance(cameo, str) or not cameo.strip().isdigit()):
                raise _malformed(ewhere, f"\"cameo\" must be a string of digits such as \"042\", got {cameo!r}")
            if plover is not None and not isinstance(plover, str):
                raise _malformed(ewhere, "\"plover\" must be a string")
            if status is not None and status not in STATUSES:
                raise _malformed(ewhere, f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
            events.append(GoldEvent(
                source_countries=src_c, target_countries=tgt_c, source_codes=src_codes,
                target_codes=tgt_codes, cameo=cameo.strip() if isinstance(cameo, str) else None,
                plover=normalize_plover(plover), status=status,
            ))
        yield GoldItem(id=str(rid), text=text, events=tuple(events), no_event=no_event,
                       published=published, where=where)
