"""Store: an embedded DuckDB file with recorded migrations and idempotent, transactional writes.

Tables: articles, events, event_actors, quotes, failures, runs, schema_migrations. Each
batch of articles is written with its events, quotes and failures in one transaction, so a
run killed at any moment and started again loses nothing and duplicates nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import platform
import re
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Errors, StoreError
from ..model import Failure, Result, SourceLink, event_json, quote_json
from .migrations import file_migrations

if TYPE_CHECKING:
    from ..config import Settings
    from ..ingest._dedup import Signature

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_DB", "MIGRATIONS", "TABLES", "Store", "default_db_path", "result_rows"]

DEFAULT_DB = "detente.duckdb"

#: Named, ordered schema migrations; each is applied once and recorded in schema_migrations.
MIGRATIONS: list[tuple[str, str]] = [
    ("0001_initial", """
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY, url VARCHAR, outlet VARCHAR, title VARCHAR, published TIMESTAMP,
            language VARCHAR, text VARCHAR NOT NULL, source_path VARCHAR, source_id VARCHAR,
            byline VARCHAR, dateline VARCHAR, run_id VARCHAR, ingested_at TIMESTAMP
        );
        CREATE TABLE events (
            id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, sentence_index INTEGER,
            sentence_start INTEGER, sentence_end INTEGER, trigger_start INTEGER, trigger_end INTEGER,
            trigger_text VARCHAR, source_code VARCHAR, source_country VARCHAR, source_sector VARCHAR,
            target_code VARCHAR, target_country VARCHAR, target_sector VARCHAR,
            cameo_code VARCHAR, cameo_root VARCHAR, cameo_name VARCHAR, goldstein DOUBLE, quad_class INTEGER,
            plover_event VARCHAR, plover_mode VARCHAR, status VARCHAR, date DATE, date_precision VARCHAR,
            date_source VARCHAR, place_name VARCHAR, place_country VARCHAR, place_lat DOUBLE, place_lon DOUBLE,
            negated BOOLEAN, reciprocal BOOLEAN, confidence DOUBLE, extractor VARCHAR, evidence VARCHAR,
            record JSON
        );
        CREATE TABLE event_actors (
            event_id VARCHAR NOT NULL, role VARCHAR NOT NULL, position INTEGER NOT NULL, text VARCHAR,
            start_char INTEGER, end_char INTEGER, name VARCHAR, country VARCHAR, sector VARCHAR, code VARCHAR
        );
        CREATE TABLE quotes (
            id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, speaker_text VARCHAR, speaker_code VARCHAR,
            speaker_country VARCHAR, speaker_sector VARCHAR, speaker_name VARCHAR, cue VARCHAR,
            content_start INTEGER, content_end INTEGER, content_text VARCHAR, direct BOOLEAN, record JSON
        );
        CREATE TABLE failures (
            id VARCHAR PRIMARY KEY, source VARCHAR, stage VARCHAR, code VARCHAR, message VARCHAR,
            article_id VARCHAR, run_id VARCHAR, created_at TIMESTAMP
        );
        CREATE TABLE runs (
            id VARCHAR PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP, inputs JSON,
            settings JSON, versions JSON, counts JSON, status VARCHAR
        );
        CREATE INDEX events_article ON events(article_id);
        CREATE INDEX event_actors_event ON event_actors(event_id);
        CREATE INDEX quotes_article ON quotes(article_id);
    """),
    # Event columns repeated on each actor row so that actor queries need no join: date and
    # Goldstein for series, and whether the event has more than one actor on a side (only those
    # need the actor table at all; the others are answered from events' first-actor columns).
    ("0002_actor_event_columns", """
        ALTER TABLE event_actors ADD COLUMN goldstein DOUBLE;
        ALTER TABLE event_actors ADD COLUMN date DATE;
        ALTER TABLE event_actors ADD COLUMN reciprocal BOOLEAN;
        ALTER TABLE event_actors ADD COLUMN multi BOOLEAN;
        UPDATE event_actors SET goldstein = e.goldstein, date = e.date, reciprocal = e.reciprocal
            FROM events e WHERE e.id = event_actors.event_id;
        UPDATE event_actors SET multi = event_id IN (
            SELECT event_id FROM event_actors GROUP BY event_id, role HAVING count(*) > 1);
    """),
]
# Later migrations are modules in store/migrations/ (0003_near_duplicates, ...); all apply in name order.
MIGRATIONS.extend(file_migrations())
MIGRATIONS.sort()


def default_db_path() -> str:
    """``$DETENTE_DB`` or ``./detente.duckdb``."""
    return os.environ.get("DETENTE_DB") or DEFAULT_DB


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Store:
    """A DuckDB database of articles, events, quotes and failures."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        import duckdb

        self.path = str(path or default_db_path())
        try:
            if read_only and self.path != ":memory:" and not Path(self.path).exists():
                raise StoreError(Errors.E601.format(path=self.path, detail="no such database; run "
                                                    "`detente ingest` first"), code="E601")
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(Errors.E601.format(path=self.path, detail=exc), code="E601") from exc
        if not read_only:
            self.migrate()

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def cursor(self) -> Store:
        """A Store on a new cursor of this connection: one per thread (a DuckDB connection is not thread-safe).

        Closing it closes only the cursor.
        """
        other = Store.__new__(Store)
        other.path = self.path
        other.con = self.con.cursor()
        return other

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> list[str]:
        """Apply pending migrations in order; return the names applied."""
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, "
                         "applied_at TIMESTAMP)")
        done = {r[0] for r in self.con.execute("SELECT name FROM schema_migrations").fetchall()}
        known = {name for name, _ in MIGRATIONS}
        unknown = done - known
        if unknown:
            raise StoreError(Errors.E602.format(path=self.path, found=sorted(unknown)[-1], known=sorted(known)[-1]),
                             code="E602")
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(sql)
                self.con.execute("INSERT INTO schema_migrations VALUES (?, ?)", [name, _now()])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            applied.append(name)
            logger.info("applied migration %s to %s", name, self.path)
        return applied

    def migrations(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]

    def set_memory_limit(self, limit: str) -> None:
        """Cap DuckDB's memory for this connection (e.g. ``"128MB"``; validated by the settings)."""
        if not re.fullmatch(r"\d+(\.\d+)?\s?(KB|MB|GB|KiB|MiB|GiB)", limit):
            raise StoreError(Errors.E601.format(path=self.path, detail=f"bad memory limit {limit!r}"), code="E601")
        self.con.execute(f"SET memory_limit = '{limit}'")

    # -- runs -----------------------------------------------------------------------------------
    def start_run(self, settings: Settings, inputs: Sequence[str]) -> str:
        from .. import __version__

        run_id = uuid.uuid4().hex[:16]
        from importlib.metadata import version

        versions = {"detente": __version__, "spacy": version("spacy"), "duckdb": version("duckdb"),
                    "python": platform.python_version()}
        self.con.execute("INSERT INTO runs (id, started_at, inputs, settings, versions, status) "
                         "VALUES (?, ?, ?, ?, ?, 'running')",
                         [run_id, _now(), json.dumps(list(inputs)), settings.model_dump_json(),
                          json.dumps(versions)])
        return run_id

    def finish_run(self, run_id: str | None, counts: dict[str, Any], status: str = "finished") -> None:
        self.con.execute("UPDATE runs SET finished_at = ?, counts = ?, status = ? WHERE id = ?",
                         [_now(), json.dumps(counts), status, run_id])

    # -- writes ---------------------------------------------------------------------------------
    def known_article_ids(self, ids: Sequence[str]) -> set[str]:
        """The ids already stored: coded articles and near-copies linked to one."""
        if not ids:
            return set()
        rows = self.con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest($1)) UNION "
                                "SELECT id FROM article_sources WHERE id IN (SELECT unnest($1))",
                                [list(ids)]).fetchall()
        return {r[0] for r in rows}

    def near_duplicate_candidates(self, keys: Sequence[int]) -> list[tuple[int, str, str, bytes, bytes]]:
        """(band key, article id, scheme, signature, word digest) of stored articles sharing an LSH band key."""
        if not keys:
            return []
        rows = self.con.execute("SELECT b.key, b.article_id, m.scheme, m.signature, m.digest FROM article_bands b "
                                "JOIN article_minhash m ON m.article_id = b.article_id "
                                "WHERE b.key IN (SELECT unnest(?))", [list(keys)]).fetchall()
        return [(int(k), str(a), str(s), bytes(v), bytes(d)) for k, a, s, v, d in rows]

    def write_results(self, results: Iterable[Result], failures: Iterable[Failure] = (), *,
                      run_id: str | None = None, links: Sequence[SourceLink] = (),
                      signatures: Sequence[Signature] = ()) -> None:
        """Write articles with their events and quotes, and failures, in one transaction.

        ``links`` (near-copies linked to a coded article, which gains their sources) and
        ``signatures`` (the coded articles' MinHash signatures) go in the same transaction.
        """
        import pyarrow as pa

        tables = result_rows(results, failures, run_id=run_id, now=_now())
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            for table, rows in tables.items():
                if not rows:
                    continue
                frame = pa.Table.from_pylist(_dedupe(rows, table))
                con.register("_incoming", frame)
                cols = ", ".join(frame.column_names)
                if table == "event_actors":
                    con.execute("DELETE FROM event_actors WHERE event_id IN (SELECT DISTINCT event_id FROM _incoming)")
                    con.execute(f"INSERT INTO event_actors ({cols}) SELECT {cols} FROM _incoming")
                else:
                    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming "
                                f"WHERE id NOT IN (SELECT id FROM {table})")
                con.unregister("_incoming")
            if links or signatures:
                self._write_near_duplicates(links, signatures, run_id)
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise StoreError(Errors.E601.format(path=self.path, detail=exc), code="E601") from exc

    def _write_near_duplicates(self, links: Sequence[SourceLink], signatures: Sequence[Signature],
                               run_id: str | None) -> None:
        import pyarrow as pa

        con = self.con
        if signatures:
            con.register("_sigs", pa.table({"article_id": [s.article_id for s in signatures],
                                            "scheme": [s.scheme for s in signatures],
                                            "signature": pa.array([s.values for s in signatures], pa.binary()),
                                            "digest": pa.array([s.digest for s in signatures], pa.binary())}))
            con.execute("INSERT INTO article_minhash SELECT article_id, scheme, signature, digest FROM _sigs")
            con.unregister("_sigs")
            con.register("_bands", pa.table({"key": pa.array([k for s in signatures for k in s.keys], pa.int64()),
                                             "article_id": [s.article_id for s in signatures for _ in s.keys]}))
            con.execute("INSERT INTO article_bands SELECT key, article_id FROM _bands")
            con.unregister("_bands")
        if not links:
            return
        now = _now()
        rows = {link.article.id: {
            "id": link.article.id, "article_id": link.original_id, "similarity": link.similarity,
            "url": link.article.url, "outlet": link.article.outlet, "title": link.article.title,
            "published": link.article.published, "language": link.article.language,
            "source_path": link.article.source_path, "source_id": link.article.source_id, "run_id": run_id,
            "ingested_at": now} for link in links}
        frame = pa.Table.from_pylist(list(rows.values()))
        con.register("_links", frame)
        cols = ", ".join(frame.column_names)
        con.execute(f"INSERT INTO article_sources ({cols}) SELECT {cols} FROM _links "
                    "WHERE id NOT IN (SELECT id FROM article_sources)")
        con.unregister("_links")
        originals = sorted({link.original_id for link in links})
        con.execute(f"""
            UPDATE articles SET num_articles = c.n, num_sources = c.s FROM (
                SELECT article_id, count(*) AS n, count(DISTINCT src) AS s FROM (
                    SELECT id AS article_id, {_SOURCE_KEY} AS src FROM articles WHERE id IN (SELECT unnest($1))
                    UNION ALL
                    SELECT article_id, {_SOURCE_KEY} AS src FROM article_sources
                        WHERE article_id IN (SELECT unnest($1))
                ) GROUP BY article_id) c
            WHERE articles.id = c.article_id""", [originals])

    # -- reads ----------------------------------------------------------------------------------
    def sql(self, query: str, params: Sequence[Any] | None = None) -> Any:
        """Run a parameterised query and return a pyarrow Table."""
        return self.con.sql(query, params=list(params or [])).to_arrow_table()

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("articles", "events", "event_actors", "quotes", "failures", "runs"):
            row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
            out[table] = int(row[0]) if row else 0
        return out


#: A document's source for NumSources: its outlet, else its URL's host without "www.", else "?" (unknown).
_SOURCE_KEY = ("coalesce(nullif(lower(trim(outlet)), ''), nullif(regexp_replace(lower(regexp_extract(url, "
               "'^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)', 1)), '^www\\.', ''), ''), '?')")


#: The tables :func:`result_rows` fills, in the order they are written.
TABLES: tuple[str, ...] = ("articles", "events", "event_actors", "quotes", "failures")


def result_rows(results: Iterable[Result], failures: Iterable[Failure] = (), *, run_id: str | None,
                now: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """The rows that :meth:`Store.write_results` writes, per table of :data:`TABLES`.

    Shared with the Parquet writer of ``detente.scale`` so both paths store the same records. An
    article with failures keeps only its failures (it is retried on the next run). Ids are unique
    within each table (the first row wins).
    """
    articles: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    actors: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    fails: list[dict[str, Any]] = []
    for failure in failures:
        fails.append(_failure_row(failure, run_id, now))
    for result in results:
        a = result.article
        for failure in result.failures:
            fails.append(_failure_row(failure, run_id, now))
        if result.failures:
            continue  # the article is retried on the next run
        articles.append({"id": a.id, "url": a.url, "outlet": a.outlet, "title": a.title,
                         "published": a.published, "language": a.language, "text": a.text,
                         "source_path": a.source_path, "source_id": a.source_id, "byline": a.byline,
                         "dateline": a.dateline, "run_id": run_id, "ingested_at": now})
        for e in result.events:
            events.append(_event_row(e))
            multi = len(e.source) > 1 or len(e.target) > 1
            for role, group in (("source", e.source), ("target", e.target)):
                for position, actor in enumerate(group):
                    actors.append({"event_id": e.id, "role": role, "position": position, "text": actor.text,
                                   "start_char": actor.start, "end_char": actor.end, "name": actor.name,
                                   "country": actor.country, "sector": actor.sector, "code": actor.code,
                                   "goldstein": e.cameo.goldstein, "date": e.date,
                                   "reciprocal": e.reciprocal, "multi": multi})
        for q in result.quotes:
            s = q.speaker
            quotes.append({"id": q.id, "article_id": q.article_id, "speaker_text": q.speaker_text,
                           "speaker_code": s.code if s else None, "speaker_country": s.country if s else None,
                           "speaker_sector": s.sector if s else None, "speaker_name": s.name if s else None,
                           "cue": q.cue, "content_start": q.content.start, "content_end": q.content.end,
                           "content_text": q.content.text, "direct": q.direct,
                           "record": json.dumps(quote_json(q))})
    tables = {"articles": articles, "events": events, "event_actors": actors, "quotes": quotes, "failures": fails}
    return {name: _dedupe(rows, name) for name, rows in tables.items()}


def _dedupe(rows: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    if table == "event_actors":
        return rows
    seen: set[str] = set()
    out = []
    for row in rows:
        if row["id"] in seen:
            continue
        seen.add(row["id"])
        out.append(row)
    return out


def _failure_row(failure: Failure, run_id: str | None, now: dt.datetime) -> dict[str, Any]:
    key = f"{failure.source}|{failure.stage}|{failure.message}"
    return {"id": hashlib.blake2b(key.encode(), digest_size=10).hexdigest(), "source": failure.source,
            "stage": failure.stage, "code": failure.code, "message": failure.message,
            "article_id": failure.article_id, "run_id": run_id, "created_at": now}


def _event_row(e: Any) -> dict[str, Any]:
    s = e.source[0] if e.source else None
    t = e.target[0] if e.target else None
    return {
        "id": e.id, "article_id": e.article_id, "sentence_index": e.sentence.index,
        "sentence_start": e.sentence.start, "sentence_end": e.sentence.end,
        "trigger_start": e.trigger.start, "trigger_end": e.trigger.end, "trigger_text": e.trigger.text,
        "source_code": s.code if s else None, "source_country": s.country if s else None,
        "source_sector": s.sector if s else None, "target_code": t.code if t else None,
        "target_country": t.country if t else None, "target_sector": t.sector if t else None,
        "cameo_code": e.cameo.code, "cameo_root": e.cameo.root, "cameo_name": e.cameo.name,
        "goldstein": e.cameo.goldstein, "quad_class": e.cameo.quad_class, "plover_event": e.plover.event,
        "plover_mode": e.plover.mode, "status": e.status, "date": e.date, "date_precision": e.date_precision,
        "date_source": e.date_source, "place_name": e.place.name if e.place else None,
        "place_country": e.place.country if e.place else None, "place_lat": e.place.lat if e.place else None,
        "place_lon": e.place.lon if e.place else None, "negated": e.negated, "reciprocal": e.reciprocal,
        "confidence": e.confidence, "extractor": e.extractor, "evidence": e.evidence,
        "record": json.dumps(event_json(e)),
    }
