"""Records that pass between the stages of detente.

Every record is a frozen, slotted, keyword-only dataclass: immutable, cheap, and
picklable (so Ray can ship it). Offsets are character offsets into the article's
cleaned text, which is stored once per article.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal[
    "occurred", "ongoing", "scheduled", "intended", "threatened", "demanded", "hypothetical", "denied"
]
STATUSES: tuple[str, ...] = (
    "occurred", "ongoing", "scheduled", "intended", "threatened", "demanded", "hypothetical", "denied",
)
DatePrecision = Literal["day", "month", "year", "unknown"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One news article after ingest and cleaning.

    ``id`` is stable: a hash of outlet+url when a url is known, else of the text.
    ``text`` is the cleaned text every offset points into.
    """

    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: dt.datetime | None = None
    language: str | None = None
    source_path: str | None = None
    byline: str | None = None
    dateline: str | None = None
    source_id: str | None = None  # the record's own id in its input (JSONL/CSV "id")


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A character span of the cleaned text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SentenceRef:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """A coded actor mention.

    ``country`` is ISO 3166 alpha-3 or an IGO/NGO code (NATO, OSCE, UNO, EU);
    ``sector`` a CAMEO role (GOV, MIL, COP, OPP, REB, ...); ``code`` is the
    CAMEO-style ``country+sector`` (``RUSGOV``) or the organisation code.
    An actor the coder infers rather than reads (the state a protest with no named
    target is aimed at) has an empty span: ``text == ""`` and ``start == end``.
    """

    text: str
    start: int
    end: int
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Cameo:
    code: str
    root: str
    name: str
    goldstein: float | None
    quad_class: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Plover:
    event: str
    mode: str | None = None
    context: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Who did what to whom, with status, date, place and evidence."""

    id: str
    article_id: str
    sentence: SentenceRef
    trigger: Span
    source: tuple[Actor, ...]
    target: tuple[Actor, ...]
    cameo: Cameo
    plover: Plover
    status: str
    date: dt.date | None = None
    date_precision: str = "unknown"
    date_source: str = "publication"  # "text" when resolved from the clause
    place: Place | None = None
    negated: bool = False
    reciprocal: bool = False
    confidence: float = 0.5
    extractor: str = ""
    evidence: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    id: str
    article_id: str
    speaker: Actor | None
    speaker_text: str | None
    cue: str
    content: Span
    direct: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """A document that could not be processed: stored, counted, never silently lost."""

    source: str
    stage: str
    message: str
    article_id: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceLink:
    """A near-duplicate article (wire copy republished elsewhere) linked to the coded article it repeats.

    ``article`` is the copy (its own id, url, outlet, date); ``original_id`` the article that was
    coded; ``similarity`` the estimated Jaccard similarity of their word shingles.
    """

    article: Article
    original_id: str
    similarity: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """What coding one article produced."""

    article: Article
    events: tuple[Event, ...] = ()
    quotes: tuple[Quote, ...] = ()
    failures: tuple[Failure, ...] = field(default_factory=tuple)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def actor_json(actor: Actor) -> dict[str, Any]:
    return {
        "text": actor.text, "start": actor.start, "end": actor.end, "name": actor.name,
        "country": actor.country, "sector": actor.sector, "code": actor.code,
    }


def event_json(event: Event) -> dict[str, Any]:
    """The public JSON shape of an event (CLI, REST, exports and evaluation share it)."""
    return {
        "id": event.id,
        "article_id": event.article_id,
        "sentence": asdict(event.sentence),
        "trigger": asdict(event.trigger),
        "source": [actor_json(a) for a in event.source],
        "target": [actor_json(a) for a in event.target],
        "cameo": asdict(event.cameo),
        "plover": {"event": event.plover.event, "mode": event.plover.mode,
                   "context": list(event.plover.context)},
        "status": event.status,
        "date": _jsonable(event.date),
        "date_precision": event.date_precision,
        "date_source": event.date_source,
        "place": asdict(event.place) if event.place else None,
        "negated": event.negated,
        "reciprocal": event.reciprocal,
        "confidence": event.confidence,
        "extractor": event.extractor,
        "evidence": event.evidence,
    }


def quote_json(quote: Quote) -> dict[str, Any]:
    speaker = actor_json(quote.speaker) if quote.speaker else None
    return {
        "id": quote.id,
        "article_id": quote.article_id,
        "speaker": speaker,
        "speaker_text": quote.speaker_text,
        "cue": quote.cue,
        "content": asdict(quote.content),
        "direct": quote.direct,
    }


def article_json(article: Article, *, with_text: bool = True) -> dict[str, Any]:
    out = {
        "id": article.id, "url": article.url, "outlet": article.outlet, "title": article.title,
        "published": _jsonable(article.published), "language": article.language,
        "source_path": article.source_path, "byline": article.byline, "dateline": article.dateline,
        "source_id": article.source_id,
    }
    if with_text:
        out["text"] = article.text
    return out


def failure_json(failure: Failure) -> dict[str, Any]:
    return asdict(failure)
