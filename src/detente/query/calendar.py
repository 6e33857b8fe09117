"""The calendar: scheduled and intended events (meetings, talks, votes, deadlines) by date.

Events that report the same occasion (same date, same set of participants whatever their
roles, same PLOVER event) become one :class:`CalendarEntry` listing every event id; the entry
keeps the first event's sentence and article. Every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError

if TYPE_CHECKING:
    from . import Database

__all__ = ["CALENDAR_STATUSES", "CalendarEntry", "calendar_entries"]

#: The statuses whose events are on the calendar: things announced for a date.
CALENDAR_STATUSES: tuple[str, ...] = ("scheduled", "intended")

_PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "unknown": 3}

# Verbs that say little on their own ("hold talks", "host a summit"): the title names the noun after them.
_LIGHT_VERBS = frozenset({
    "hold", "holds", "holding", "held", "host", "hosts", "hosting", "hosted", "have", "has", "having",
    "conduct", "conducts", "conducting", "stage", "stages", "staging", "resume", "resumes", "resuming",
    "attend", "attends", "attending", "open", "opens", "begin", "begins", "start", "starts", "launch",
    "launches", "convene", "convenes", "make", "makes", "take", "takes", "sign", "signs", "pay", "pays",
})
_FILLERS = frozenset({
    "a", "an", "the", "its", "their", "new", "fresh", "further", "another", "more", "direct", "formal",
    "round", "rounds", "of", "first", "second", "next", "high-level", "bilateral", "emergency",
})
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]*")

_SQL = """
SELECT e.id, e.date, e.date_precision, e.status, e.cameo_code, e.cameo_name, e.plover_event, e.trigger_text,
       e.trigger_end - e.sentence_start AS trigger_end, e.place_name, e.article_id, e.record,
       substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence,
       a.title, a.url, a.published
FROM events e JOIN articles a ON a.id = e.article_id{where}
ORDER BY e.date, a.published NULLS LAST, e.article_id, e.sentence_index, e.trigger_start, e.id
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEntry:
    """One occasion on the calendar, drawn from one or more scheduled or intended events.

    ``date`` is the first day of the month (or year) when ``date_precision`` is ``month``
    (or ``year``). ``participants`` are actor codes (a name or the mention when an actor has
    no code), sources first. ``sentence`` is the first event's sentence from its article.
    """

    date: dt.date
    date_precision: str
    title: str
    participants: tuple[str, ...]
    cameo_code: str
    plover_event: str
    status: str
    sentence: str
    article_id: str
    article_title: str | None
    url: str | None
    event_ids: tuple[str, ...]
    cameo_name: str = ""
    trigger: str = ""
    place: str | None = None
    published: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, tuples as lists)."""
        out = asdict(self)
        out["date"] = self.date.isoformat()
        out["published"] = self.published.isoformat() if self.published else None
        out["participants"] = list(self.participants)
        out["event_ids"] = list(self.event_ids)
        return out


def _label(actor: dict[str, Any]) -> str | None:
    for key in ("code", "name", "text"):
        value = actor.get(key)
        if value:
            return " ".join(str(value).split())
    return None


def _participants(record: dict[str, Any]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for actor in [*(record.get("source") or []), *(record.get("target") or [])]:
        label = _label(actor)
        if label:
            seen.setdefault(label, None)
    return tuple(seen)


def _what(trigger: str, sentence: str, trigger_end: int | None) -> str:
    """The word that names the occasion: the trigger, or the noun after a light verb."""
    trigger = " ".join(trigger.split())
    if trigger.lower() not in _LIGHT_VERBS or trigger_end is None or not 0 <= trigger_end <= len(sentence):
        return trigger
    for match in _WORD_RE.finditer(sentence, trigger_end):
        word = match.group(0)
        if word.lower() in _FILLERS:
            continue
        # A preposition or a date right after the verb ("meet on Monday"): keep the verb.
        if word.lower() in {"on", "in", "at", "with", "to", "for", "by", "next", "this", "later"} or word[0].isupper():
            return trigger
        return word
    return trigger


def _title(participants: tuple[str, ...], plover: str, what: str) -> str:
    name = (plover or "event").replace("_", " ").capitalize()
    head = "–".join(participants)
    text = f"{head}: {name}" if head else name
    return f"{text} ({what})" if what and what.lower() != name.lower() else text


def _entry(rows: list[dict[str, Any]], participants: tuple[str, ...]) -> CalendarEntry:
    first = rows[0]
    statuses = {r["status"] for r in rows}
    status = "scheduled" if "scheduled" in statuses else str(first["status"])
    precision = min((str(r["date_precision"] or "unknown") for r in rows),
                    key=lambda p: _PRECISION_RANK.get(p, len(_PRECISION_RANK)))
    sentence = " ".join(str(first["sentence"] or "").split())
    what = _what(str(first["trigger_text"] or ""), str(first["sentence"] or ""), first["trigger_end"])
    place = next((r["place_name"] for r in rows if r["place_name"]), None)
    return CalendarEntry(
        date=first["date"], date_precision=precision,
        title=_title(participants, str(first["plover_event"] or ""), what),
        participants=participants, cameo_code=str(first["cameo_code"] or ""),
        plover_event=str(first["plover_event"] or ""), status=status, sentence=sentence,
        article_id=str(first["article_id"]), article_title=first["title"], url=first["url"],
        event_ids=tuple(str(r["id"]) for r in rows), cameo_name=str(first["cameo_name"] or ""),
        trigger=" ".join(str(first["trigger_text"] or "").split()), place=place, published=first["published"],
    )


def calendar_entries(db: Database, *, start: dt.date | None = None, end: dt.date | None = None,
                     actor: str | None = None, limit: int | None = 500,
                     dyad: str | None = None) -> list[CalendarEntry]:
    """Scheduled and intended events with a date, merged per occasion and sorted by date.

    Args:
        db: an open :class:`~detente.query.Database`.
        start: only entries on or after this date.
        end: only entries on or before this date.
        actor: only occasions with this actor (country or code prefix: RUS, USAGOV, NATO) on either side.
        limit: at most this many entries (``None`` = all).
        dyad: only occasions of this pair of actors ("USA-RUS"), in either direction.
    """
    from . import EventFilter

    if start and end and start > end:
        raise ConfigError(f"the calendar's start {start.isoformat()} is after its end {end.isoformat()}", code="E102")
    if limit is not None and limit < 0:
        raise ConfigError(f"limit must be 0 or more, got {limit}", code="E102")
    where, params = EventFilter(actor=actor, dyad=dyad, either_way=True, since=start, until=end, limit=None).where()
    marks = ", ".join("?" for _ in CALENDAR_STATUSES)
    where += (" AND " if where else " WHERE ") + f"e.date IS NOT NULL AND e.status IN ({marks})"
    params += list(CALENDAR_STATUSES)

    cursor = db.store.con.execute(_SQL.format(where=where), params)
    columns = [d[0] for d in cursor.description]
    entries: list[CalendarEntry] = []
    day: dt.date | None = None
    groups: dict[tuple[frozenset[str], str], tuple[tuple[str, ...], list[dict[str, Any]]]] = {}

    def flush() -> None:
        entries.extend(_entry(rows, participants) for participants, rows in groups.values())
        groups.clear()

    while limit is None or len(entries) < limit:
        chunk = cursor.fetchmany(1000)
        if not chunk:
            break
        for values in chunk:
            row = dict(zip(columns, values, strict=True))
            if row["date"] != day:
                flush()  # occasions only merge within a day, so a finished day is final
                if limit is not None and len(entries) >= limit:
                    break
                day = row["date"]
            participants = _participants(json.loads(row["record"]) if row["record"] else {})
            key = (frozenset(participants), str(row["plover_event"] or ""))
            groups.setdefault(key, (participants, []))[1].append(row)
    flush()
    return entries if limit is None else entries[:limit]
