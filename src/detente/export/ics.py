"""Calendar entries as an iCalendar (RFC 5545) file that calendar apps import.

Every entry is an all-day event; an entry known only to the month (or year) starts on its
first day and says so in the description. The output is deterministic: UIDs hash the event
ids and DTSTAMP comes from the article's publication date (or the entry's date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..query.calendar import CalendarEntry

__all__ = ["PRODID", "entry_uid", "to_ics"]

PRODID = "-//detente//calendar//EN"

_ICS_STATUS = {"scheduled": "CONFIRMED", "intended": "TENTATIVE"}


def entry_uid(entry: CalendarEntry) -> str:
    """A UID that stays the same for the same events, run after run."""
    digest = hashlib.blake2b("\n".join(sorted(entry.event_ids)).encode(), digest_size=16).hexdigest()
    return f"{digest}@detente"


def _start(entry: CalendarEntry) -> dt.date:
    if entry.date_precision == "month":
        return entry.date.replace(day=1)
    if entry.date_precision == "year":
        return entry.date.replace(month=1, day=1)
    return entry.date


def _stamp(entry: CalendarEntry) -> dt.datetime:
    when = entry.published or dt.datetime.combine(entry.date, dt.time())
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _description(entry: CalendarEntry) -> str:
    lines = [entry.sentence]
    if entry.date_precision != "day":
        lines.append(f"(date approximate: {entry.date_precision})")
    source = " — ".join(part for part in (entry.article_title, entry.url) if part)
    lines.append("")
    lines.append(f"Source: {source or entry.article_id}")
    what = " ".join(part for part in (entry.plover_event, entry.cameo_code, entry.cameo_name) if part)
    lines.append(f"Status: {entry.status}; event: {what}; detente events: {', '.join(entry.event_ids)}")
    return "\n".join(lines)


def to_ics(entries: Sequence[CalendarEntry], *, name: str = "detente calendar") -> bytes:
    """An iCalendar file (bytes, CRLF lines) with one all-day VEVENT per entry."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        start = _start(entry)
        event.add("uid", entry_uid(entry))
        event.add("dtstamp", _stamp(entry))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(days=1))
        event.add("summary", entry.title)
        event.add("description", _description(entry))
        if entry.place:
            event.add("location", entry.place)
        if entry.url:
            event.add("url", entry.url)
        if entry.plover_event:
            event.add("categories", [entry.plover_event])
        event.add("status", _ICS_STATUS.get(entry.status, "TENTATIVE"))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
