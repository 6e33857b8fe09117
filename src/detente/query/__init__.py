"""Queries shared by the CLI, REST API and dashboard. Every value is a bound parameter."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..store import Store
from .brief import Brief, build_brief
from .calendar import CalendarEntry, calendar_entries
from .pages import MAX_PAGE, EventPage, event_page

__all__ = ["MAX_PAGE", "Brief", "CalendarEntry", "Database", "Edge", "EventFilter", "EventPage", "open_store",
           "parse_dyad"]

_CODE_RE = re.compile(r"^[A-Za-z]{2,12}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFilter:
    """Filters for :meth:`Database.events`; all optional."""

    actor: str | None = None
    dyad: str | None = None
    cameo: str | None = None
    plover: str | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    article: str | None = None
    limit: int | None = 100
    offset: int = 0
    either_way: bool = False  # with dyad: A-B and B-A events alike

    @staticmethod
    def _side(prefix: str) -> str:
        return f"(e.{prefix}_country = ? OR e.{prefix}_code LIKE ? || '%')"

    def where(self) -> tuple[str, list[Any]]:
        # Events keep their first source and target on the row; only events with several actors
        # on a side (event_actors.multi) need the actor table, so most filters never join it.
        clauses: list[str] = []
        params: list[Any] = []
        if self.actor:
            code = _code(self.actor, "--actor")
            clauses.append(f"({self._side('source')} OR {self._side('target')} OR e.id IN (SELECT event_id "
                           "FROM event_actors x WHERE x.multi AND (x.country = ? OR x.code LIKE ? || '%')))")
            params += [code] * 6
        if self.dyad:
            a, b = parse_dyad(self.dyad)
            clause, more = self._dyad(a, b)
            if self.either_way and a != b:
                back, more_back = self._dyad(b, a)
                clause, more = f"({clause} OR {back})", more + more_back
            clauses.append(clause)
            params += more
        if self.cameo:
            if not re.fullmatch(r"\d{2,4}", self.cameo):
                raise ConfigError(f"--cameo expects a CAMEO code prefix such as 04 or 042, got {self.cameo!r}",
                                  code="E102")
            clauses.append("e.cameo_code LIKE ? || '%'")
            params.append(self.cameo)
        if self.plover:
            clauses.append("e.plover_event = ?")
            params.append(self.plover.upper())
        if self.status:
            clauses.append("e.status = ?")
            params.append(self.status.lower())
        clauses, dates = _date_range(clauses, self.since, self.until)
        params += dates
        if self.article:
            clauses.append("(e.article_id = ? OR e.article_id IN (SELECT id FROM articles WHERE source_id = ?))")
            params += [self.article, self.article]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _dyad(self, a: str, b: str) -> tuple[str, list[Any]]:
        match = "(x.country = ? OR x.code LIKE ? || '%')"
        pair = match.replace("x.", "y.")
        clause = (
            f"(({self._side('source')} AND {self._side('target')}) OR "
            f"(e.reciprocal AND {self._side('source')} AND {self._side('target')}) OR "
            "e.id IN (SELECT x.event_id FROM event_actors x JOIN event_actors y ON y.event_id = x.event_id "
            f"WHERE x.multi AND y.multi AND x.role = 'source' AND y.role = 'target' AND "
            f"(({match} AND {pair}) OR (x.reciprocal AND {match} AND {pair}))))")
        return clause, [a, a, b, b, b, b, a, a, a, a, b, b, b, b, a, a]


def parse_dyad(dyad: str) -> tuple[str, str]:
    """The two actor codes of "USA-RUS" (upper-cased); anything else is an E102 ConfigError."""
    parts = dyad.strip().upper().split("-")
    if len(parts) != 2:
        raise ConfigError(f"--dyad expects two actor codes like USA-RUS, got {dyad!r}", code="E102")
    a, b = (_code(p, "--dyad") for p in parts)
    return a, b


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """A directed edge of the actor network: how many events ``source`` did to ``target``, and their tone."""

    source: str
    target: str
    count: int
    mean_goldstein: float | None


def _date_range(clauses: list[str], since: dt.date | None, until: dt.date | None) -> tuple[list[str], list[Any]]:
    """``clauses`` plus bounds on the event date, with their parameters."""
    params: list[Any] = []
    if since:
        clauses.append("e.date >= ?")
        params.append(since)
    if until:
        clauses.append("e.date <= ?")
        params.append(until)
    return clauses, params


def _code(value: str, option: str) -> str:
    value = value.strip().upper()
    if not _CODE_RE.match(value):
        raise ConfigError(f"{option} expects an actor code such as RUS, USAGOV or NATO, got {value!r}", code="E102")
    return value


_ORDER = "e.date DESC NULLS LAST, e.article_id, e.sentence_index, e.trigger_start"

EVENT_COLUMNS = ("e.id, e.date, e.source_code AS source, e.cameo_code AS cameo, e.cameo_name, "
                 "e.plover_event AS plover, e.target_code AS target, e.status, e.goldstein, e.quad_class, "
                 "e.reciprocal, e.confidence, e.trigger_text AS trigger, e.article_id, "
                 "substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence")


class Database:
    """Read access to a detente store: queries return Arrow tables (``.to_pandas()`` for pandas)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def close(self) -> None:
        self.store.close()

    def cursor(self) -> Database:
        """A Database on a new cursor of the same connection, for use in another thread; close it after."""
        return Database(self.store.cursor())

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def events(self, flt: EventFilter | None = None, **filters: Any) -> Any:
        """Events as an Arrow table (one row per event), newest first."""
        flt = flt or EventFilter(**filters)
        where, params = flt.where()
        # Pick the page from events alone, then fetch sentences for just those rows.
        inner = f"SELECT * FROM events e{where} ORDER BY {_ORDER}"
        if flt.limit is not None:
            inner += " LIMIT ? OFFSET ?"
            params += [flt.limit, flt.offset]
        sql = f"SELECT {EVENT_COLUMNS} FROM ({inner}) e JOIN articles a ON a.id = e.article_id ORDER BY {_ORDER}"
        return self.store.sql(sql, params)

    def event_page(self, flt: EventFilter | None = None, *, cursor: str | None = None, **filters: Any) -> EventPage:
        """One page of events (public JSON) after ``cursor``, with the cursor of the next page.

        Keyset pagination: pages stay fast and stable however deep, unlike ``offset``.
        """
        return event_page(self, flt or EventFilter(**filters), cursor=cursor)

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event in its public JSON shape, with its article (text, title, url) and the spans to highlight.

        ``highlight`` holds the sentence and trigger as character offsets into ``article.text``.
        None when there is no such event.
        """
        row = self.store.con.execute(
            "SELECT e.record, e.sentence_start, e.sentence_end, e.trigger_start, e.trigger_end, a.id, a.title, "
            "a.url, a.outlet, a.published, a.text FROM events e JOIN articles a ON a.id = e.article_id "
            "WHERE e.id = ?", [event_id]).fetchone()
        if row is None:
            return None
        out: dict[str, Any] = json.loads(row[0]) if row[0] else {"id": event_id}
        text = row[10] or ""
        start, end = _clamp(row[1], row[2], len(text))
        t_start, t_end = _clamp(row[3], row[4], len(text))
        out["article"] = {"id": row[5], "title": row[6], "url": row[7], "outlet": row[8],
                          "published": row[9].isoformat() if row[9] else None, "text": text}
        out["highlight"] = {"sentence": {"start": start, "end": end},
                            "trigger": {"start": max(t_start, start), "end": min(t_end, end)}
                            if start <= t_start < t_end <= end else None}
        return out

    def network(self, *, limit: int = 100, since: dt.date | None = None, until: dt.date | None = None,
                by: str = "code") -> list[Edge]:
        """The actor network: directed edges source -> target (events' first source and target), most events first.

        ``by="country"`` joins actors of one country (USAGOV, USAMIL -> USA). Self-loops are left out.
        """
        if by not in ("code", "country"):
            raise ConfigError(f"by must be code or country, got {by!r}", code="E102")
        if limit < 1:
            raise ConfigError(f"limit must be 1 or more, got {limit}", code="E102")
        src, tgt = (f"e.source_{by}", f"e.target_{by}")
        clauses, params = _date_range([f"{src} IS NOT NULL", f"{tgt} IS NOT NULL", f"{src} <> {tgt}"], since, until)
        rows = self.store.con.execute(
            f"SELECT {src}, {tgt}, count(*) AS n, round(avg(e.goldstein), 3) FROM events e "
            f"WHERE {' AND '.join(clauses)} GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT ?", [*params, limit]).fetchall()
        return [Edge(source=r[0], target=r[1], count=int(r[2]), mean_goldstein=r[3]) for r in rows]

    def places(self, *, limit: int = 500, since: dt.date | None = None, until: dt.date | None = None) -> Any:
        """Event places with coordinates: name, country, lat, lon, events and mean Goldstein, most events first."""
        clauses, params = _date_range(["e.place_lat IS NOT NULL", "e.place_lon IS NOT NULL"], since, until)
        sql = ("SELECT e.place_name AS name, e.place_country AS country, e.place_lat AS lat, e.place_lon AS lon, "
               "count(*) AS events, round(avg(e.goldstein), 3) AS mean_goldstein FROM events e "
               f"WHERE {' AND '.join(clauses)} GROUP BY 1, 2, 3, 4 ORDER BY events DESC, name LIMIT ?")
        return self.store.sql(sql, [*params, limit])

    def brief(self, dyad: str, *, since: dt.date | None = None, until: dt.date | None = None) -> Brief:
        """An extractive brief on a pair of actors (see :mod:`detente.query.brief`); ``.markdown()`` renders it."""
        return build_brief(self, dyad, since=since, until=until)

    def events_df(self, **filters: Any) -> Any:
        """Events as a pandas DataFrame."""
        return self.events(**filters).to_pandas()

    def event_records(self, flt: EventFilter | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Events in their public JSON shape."""
        flt = flt or EventFilter(**filters)
        where, params = flt.where()
        sql = f"SELECT e.record FROM events e{where} ORDER BY {_ORDER}"
        if flt.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [flt.limit, flt.offset]
        rows = self.store.con.execute(sql, params).fetchall()
        return [json.loads(r[0]) for r in rows]

    def articles(self, *, limit: int | None = 100, with_text: bool = False) -> Any:
        cols = "id, published, outlet, title, url, source_path, source_id, language" + (", text" if with_text else "")
        sql = (f"SELECT {cols}, (SELECT count(*) FROM events e WHERE e.article_id = articles.id) AS events "
               "FROM articles ORDER BY published DESC NULLS LAST, id")
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self.store.sql(sql, params)

    def failures(self, *, limit: int | None = 100) -> Any:
        sql = "SELECT source, stage, code, message, created_at FROM failures ORDER BY created_at DESC, source"
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self.store.sql(sql, params)

    def quotes(self, *, actor: str | None = None, since: dt.date | None = None, limit: int | None = 100) -> Any:
        clauses: list[str] = []
        params: list[Any] = []
        if actor:
            code = _code(actor, "--actor")
            clauses.append("(q.speaker_country = ? OR q.speaker_code LIKE ? || '%')")
            params += [code, code]
        if since:
            clauses.append("a.published >= ?")
            params.append(since)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = ("SELECT q.id, a.published, q.speaker_text AS speaker, q.speaker_code, q.cue, q.direct, "
               f"q.content_text AS content, q.article_id FROM quotes q JOIN articles a ON a.id = q.article_id{where} "
               "ORDER BY a.published DESC NULLS LAST, q.article_id, q.content_start")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self.store.sql(sql, params)

    def dyad_series(self, dyad: str, *, freq: str = "day", since: dt.date | None = None,
                    until: dt.date | None = None) -> Any:
        """Counts by quad class and mean Goldstein per day or week for a pair of actors (both directions).

        Returns an Arrow table with columns period, events, q1..q4 and mean_goldstein.
        """
        return self.store.sql(*_dyad_series_sql(dyad, freq, since, until))

    def dyad_series_rows(self, dyad: str, *, freq: str = "day", since: dt.date | None = None,
                         until: dt.date | None = None) -> list[dict[str, Any]]:
        """:meth:`dyad_series` as a list of dicts, without Arrow (about a quarter cheaper: for servers)."""
        result = self.store.con.execute(*_dyad_series_sql(dyad, freq, since, until))
        names = [column[0] for column in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def top_actors(self, *, limit: int = 20, since: dt.date | None = None) -> Any:
        """The most active actor codes (as source or target) with event counts and mean Goldstein."""
        where, params = ("AND date >= ?", [since]) if since else ("", [])
        sql = ("SELECT code, count(*) AS events, round(avg(goldstein), 3) AS mean_goldstein "
               f"FROM event_actors WHERE code IS NOT NULL {where} "
               "GROUP BY code ORDER BY events DESC, code LIMIT ?")
        return self.store.sql(sql, [*params, limit])

    def calendar(self, *, start: dt.date | None = None, end: dt.date | None = None, actor: str | None = None,
                 limit: int | None = 500, dyad: str | None = None) -> list[CalendarEntry]:
        """Scheduled and intended events by date, one entry per occasion (see :mod:`detente.query.calendar`)."""
        return calendar_entries(self, start=start, end=end, actor=actor, limit=limit, dyad=dyad)

    def stats(self) -> dict[str, Any]:
        con = self.store.con
        counts = self.store.counts()
        by_status = dict(con.execute("SELECT status, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC").fetchall())
        by_root = dict(con.execute("SELECT cameo_root, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall())
        by_plover = dict(con.execute(
            "SELECT plover_event, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC").fetchall())
        top = con.execute(
            "SELECT code, count(*) FROM event_actors WHERE code IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
        ).fetchall()
        span = con.execute("SELECT min(date), max(date) FROM events").fetchone()
        return {"counts": counts, "events_by_status": by_status, "events_by_cameo_root": by_root,
                "events_by_plover": by_plover, "top_actors": dict(top),
                "first_event": span[0].isoformat() if span and span[0] else None,
                "last_event": span[1].isoformat() if span and span[1] else None,
                "migrations": self.store.migrations()}


def _dyad_series_sql(dyad: str, freq: str, since: dt.date | None, until: dt.date | None) -> tuple[str, list[Any]]:
    if freq not in ("day", "week", "month"):
        raise ConfigError(f"freq must be day, week or month, got {freq!r}", code="E102")
    a, b = parse_dyad(dyad)
    clauses, dates = _date_range(
        ["((e.source_country = ? AND e.target_country = ?) OR (e.source_country = ? AND e.target_country = ?))",
         "e.date IS NOT NULL"], since, until)
    sql = (f"SELECT date_trunc('{freq}', e.date)::DATE AS period, count(*) AS events, "
           "count(*) FILTER (WHERE quad_class = 1) AS q1, count(*) FILTER (WHERE quad_class = 2) AS q2, "
           "count(*) FILTER (WHERE quad_class = 3) AS q3, count(*) FILTER (WHERE quad_class = 4) AS q4, "
           "round(avg(goldstein), 3) AS mean_goldstein FROM events e WHERE " + " AND ".join(clauses) +
           " GROUP BY 1 ORDER BY 1")
    return sql, [a, b, b, a, *dates]


def _clamp(start: int | None, end: int | None, size: int) -> tuple[int, int]:
    lo = min(max(start or 0, 0), size)
    return lo, min(max(end if end is not None else lo, lo), size)


def open_store(path: str | Path | None = None, *, read_only: bool = False) -> Database:
    """Open (creating and migrating if needed) a detente database for queries.

    ``path`` may also be a directory of Parquet written by ``detente ingest --engine ray``: the same
    queries then run over its files in place (DuckDB views, read-only).

    Example::

        db = open_store("detente.duckdb")
        db.events(dyad="USA-RUS", status="scheduled").to_pandas()
    """
    if path is not None and Path(path).is_dir():
        from ..scale import open_parquet

        return Database(open_parquet(path))
    return Database(Store(path, read_only=read_only))
