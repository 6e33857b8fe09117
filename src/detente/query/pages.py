"""Keyset (cursor) pagination of events: stable pages however large the store, no OFFSET scans.

A cursor is opaque to clients: URL-safe base64 of the JSON list ``[date, article_id,
sentence_index, trigger_start, id]`` of the last row of a page. The next page starts strictly
after that row in the events' order (newest date first; then article, sentence, trigger, id).
Every value is a bound parameter.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError

if TYPE_CHECKING:
    from . import Database, EventFilter

__all__ = ["MAX_PAGE", "EventPage", "decode_cursor", "encode_cursor", "event_page", "event_page_json"]

#: The most events one page may hold.
MAX_PAGE = 500

_NULL_LAST = 2_147_483_647  # sorts NULL sentence/trigger positions last, as ORDER BY ... ASC does
_ORDER = ("e.date DESC NULLS LAST, e.article_id, coalesce(e.sentence_index, 2147483647), "
          "coalesce(e.trigger_start, 2147483647), e.id")


@dataclass(frozen=True, slots=True, kw_only=True)
class EventPage:
    """One page of events in their public JSON shape, and the cursor of the next page (None at the end)."""

    events: list[dict[str, Any]]
    next_cursor: str | None


def encode_cursor(key: tuple[dt.date | None, str, int, int, str]) -> str:
    date, article_id, sentence_index, trigger_start, event_id = key
    raw = json.dumps([date.isoformat() if date else None, article_id, sentence_index, trigger_start, event_id],
                     separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.date | None, str, int, int, str]:
    """The row key inside a cursor; a cursor that is not one of ours is an E102 ConfigError."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        date, article_id, sentence_index, trigger_start, event_id = value
        day = dt.date.fromisoformat(date) if date is not None else None
        if not (isinstance(article_id, str) and isinstance(event_id, str) and isinstance(sentence_index, int)
                and isinstance(trigger_start, int)):
            raise ValueError("wrong types")
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise ConfigError(f"cursor is not a cursor this server gave out: {cursor[:40]!r}", code="E102") from None
    return day, article_id, sentence_index, trigger_start, event_id


def _after(key: tuple[dt.date | None, str, int, int, str]) -> tuple[str, list[Any]]:
    """SQL for "strictly after this row" in the page order."""
    date, article_id, sentence_index, trigger_start, event_id = key
    rest = ("(e.article_id > ? OR (e.article_id = ? AND (coalesce(e.sentence_index, 2147483647) > ? OR "
            "(coalesce(e.sentence_index, 2147483647) = ? AND (coalesce(e.trigger_start, 2147483647) > ? OR "
            "(coalesce(e.trigger_start, 2147483647) = ? AND e.id > ?))))))")
    rest_params: list[Any] = [article_id, article_id, sentence_index, sentence_index, trigger_start,
                              trigger_start, event_id]
    if date is None:
        return f"(e.date IS NULL AND {rest})", rest_params
    return f"(e.date < ? OR e.date IS NULL OR (e.date = ? AND {rest}))", [date, date, *rest_params]


def event_page(db: Database, flt: EventFilter, *, cursor: str | None = None) -> EventPage:
    """One page of events matching ``flt`` (``flt.limit`` rows, at most :data:`MAX_PAGE`) after ``cursor``."""
    rows, records, next_cursor = _page(db, flt, cursor)
    return EventPage(events=[_record(records.get(r[0]), r) for r in rows], next_cursor=next_cursor)


def event_page_json(db: Database, flt: EventFilter, *, cursor: str | None = None) -> str:
    """The same page as the JSON text ``{"events": [...], "next_cursor": ...}``, for servers.

    Each event is its stored JSON record, as it is: no parsing and re-encoding of every record.
    """
    rows, records, next_cursor = _page(db, flt, cursor)
    events = [records.get(r[0]) or json.dumps(_record(None, r)) for r in rows]
    return '{"events":[' + ",".join(events) + '],"next_cursor":' + json.dumps(next_cursor) + "}"


def _page(db: Database, flt: EventFilter, cursor: str | None
          ) -> tuple[list[tuple[Any, ...]], dict[int, str | None], str | None]:
    limit = flt.limit if flt.limit is not None else 100
    if not 1 <= limit <= MAX_PAGE:
        raise ConfigError(f"limit must be between 1 and {MAX_PAGE}, got {limit}", code="E102")
    where, params = replace(flt, limit=None, offset=0).where()
    if cursor:
        clause, more = _after(decode_cursor(cursor))
        where += (" AND " if where else " WHERE ") + clause
        params += more
    # Pick the page by its keys alone (a top-N sort that never reads the records), then fetch the
    # records of just those rows by row id: several times faster than sorting rows with their JSON.
    sql = (f"SELECT e.rowid, e.date, e.article_id, coalesce(e.sentence_index, {_NULL_LAST}), "
           f"coalesce(e.trigger_start, {_NULL_LAST}), e.id FROM events e{where} ORDER BY {_ORDER} LIMIT ?")
    con = db.store.con
    rows = con.execute(sql, [*params, limit + 1]).fetchall()
    next_cursor = encode_cursor(tuple(rows[limit - 1][1:])) if len(rows) > limit else None
    rows = rows[:limit]
    records: dict[int, str | None] = {}
    if rows:
        records = dict(con.execute("SELECT rowid, record FROM events WHERE rowid IN (SELECT unnest(?::BIGINT[]))",
                                   [[r[0] for r in rows]]).fetchall())
    return rows, records, next_cursor


def _record(record: str | None, row: tuple[Any, ...]) -> dict[str, Any]:
    if record:
        return dict(json.loads(record))
    # Rows loaded without a record (bulk loads): the key columns at least.
    return {"id": row[5], "article_id": row[2], "date": row[1].isoformat() if row[1] else None}
