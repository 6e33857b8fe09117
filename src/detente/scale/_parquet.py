"""The Parquet layout the Ray engine writes, and the two ways to read it: load it into DuckDB, or query it in place.

::

    OUT/
      _detente.json                                  format marker: {"format": "detente.parquet", "version": 1, ...}
      articles/published_month=2022-01/BATCH.parquet the store's articles columns (cleaned text, run_id, ...)
      events/published_month=2022-01/BATCH.parquet   the store's events columns, with the public JSON in ``record``
      event_actors/published_month=2022-01/BATCH.parquet
      quotes/published_month=2022-01/BATCH.parquet
      failures/published_month=unknown/BATCH.parquet a Failure without an article date goes to ``unknown``
      article_sources/...                            near-copies linked to a coded article (by the copy's month)
      article_minhash/..., article_bands/...         the coded articles' MinHash signatures and LSH band keys
      _batches/BATCH.json                            commit marker: the files of one batch and its counts
      _runs/RUN.json                                 one ingest run: inputs, resolved settings, versions, counts

Rows are partitioned by the *article's* publication month (``YYYY-MM``), so an article's events, actors and
quotes sit beside it. The columns are exactly the DuckDB store's (same row builder,
:func:`detente.store.result_rows`, and the store's own column types), so ``detente load`` is a plain
anti-joined insert; ``articles.num_articles``/``num_sources`` are counted from ``article_sources`` (on load,
and in the views). A batch's files are written first and its marker last: readers only see committed
batches, and a run killed half-way leaves files without a marker, which the next run into the same
directory deletes before it starts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import posixpath
import socket
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Errors, StoreError
from ..model import Failure, Result, SourceLink
from ..pipeline import Counts
from ..store import _SOURCE_KEY, TABLES, Store, result_rows

if TYPE_CHECKING:
    from ..ingest._dedup import Signature

logger = logging.getLogger(__name__)

FORMAT = "detente.parquet"
VERSION = 1
PARTITION = "published_month"
UNKNOWN = "unknown"
MARKER = "_detente.json"
BATCHES = "_batches"
RUNS = "_runs"

#: The near-duplicate tables: links of copies to their coded article, and the coded articles' signatures.
NEAR_TABLES: tuple[str, ...] = ("article_sources", "article_minhash", "article_bands")
ALL_TABLES: tuple[str, ...] = (*TABLES, *NEAR_TABLES)
#: Tables written in this order; articles last, so an article on disk means its events are on disk too.
WRITE_ORDER: tuple[str, ...] = ("events", "event_actors", "quotes", "failures", *NEAR_TABLES, "articles")


def month_of(published: dt.datetime | dt.date | None) -> str:
    """The partition value of a publication date: ``2022-01``, or ``unknown``."""
    return f"{published.year:04d}-{published.month:02d}" if published is not None else UNKNOWN


@dataclass(slots=True)
class BatchCounts(Counts):
    """What one batch read and wrote (summed into the run's summary, kept in its commit marker)."""

    rows: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts(), "rows": dict(self.rows)}


def _store_tables() -> dict[str, list[tuple[str, str, str | None]]]:
    """Each table's (column, DuckDB type, default expression), from a freshly migrated in-memory store."""
    with Store(":memory:") as store:
        rows = store.con.execute("SELECT table_name, column_name, data_type, column_default FROM duckdb_columns() "
                                 "WHERE schema_name = 'main' ORDER BY table_name, column_index").fetchall()
    out: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for table, column, kind, default in rows:
        out[table].append((column, kind, default))
    return dict(out)


def _arrow_schemas() -> dict[str, Any]:
    with Store(":memory:") as store:
        return {table: store.con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
                for table in ALL_TABLES}


class Location:
    """An output directory: a local path or a URI that ``pyarrow.fs`` understands (``s3://bucket/prefix``)."""

    def __init__(self, out: str | Path) -> None:
        from pyarrow import fs

        text = str(out)
        self.uri = text
        try:
            if "://" in text:
                self.fs, self.root = fs.FileSystem.from_uri(text)
            else:
                self.fs, self.root = fs.LocalFileSystem(), Path(text).expanduser().resolve().as_posix()
        except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for an unknown scheme or bad URI
            raise StoreError(Errors.E610.format(out=text, detail=exc), code="E610") from exc
        self.root = self.root.rstrip("/")

    @property
    def local(self) -> bool:
        from pyarrow import fs

        return isinstance(self.fs, fs.LocalFileSystem)

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def exists(self, *parts: str) -> bool:
        from pyarrow import fs

        return bool(self.fs.get_file_info(self.path(*parts)).type != fs.FileType.NotFound)

    def read_json(self, *parts: str) -> Any:
        with self.fs.open_input_stream(self.path(*parts)) as fh:
            return json.loads(fh.read().decode("utf-8"))

    def write_json(self, value: Any, *parts: str) -> None:
        target = self.path(*parts)
        self.fs.create_dir(posixpath.dirname(target), recursive=True)
        with self.fs.open_output_stream(target) as fh:
            fh.write(json.dumps(value, indent=1, default=str).encode("utf-8"))

    def listing(self, *parts: str, suffix: str) -> list[str]:
        """Paths (relative to the root) of the files under ``parts`` whose names end in ``suffix``."""
        from pyarrow import fs

        base = self.path(*parts)
        if not self.exists(*parts):
            return []
        infos = self.fs.get_file_info(fs.FileSelector(base, recursive=True))
        return sorted(posixpath.relpath(i.path, self.root) for i in infos
                      if i.type == fs.FileType.File and i.path.endswith(suffix))


def prepare(location: Location) -> None:
    """Make ``location`` a detente Parquet directory (or check that it is one), and drop uncommitted files.

    Files without a batch marker were left by a run that was killed; their articles are not among the
    committed ones, so this run codes them again. One run at a time may write to a directory.
    """
    try:
        if location.exists(MARKER):
            check_format(location)
        else:
            location.write_json({"format": FORMAT, "version": VERSION, "partition": PARTITION,
                                 "tables": list(ALL_TABLES)}, MARKER)
        batches = {posixpath.basename(p)[: -len(".json")] for p in location.listing(BATCHES, suffix=".json")}
        for table in ALL_TABLES:
            for rel in location.listing(table, suffix=".parquet"):
                if posixpath.basename(rel)[: -len(".parquet")] not in batches:
                    logger.info("removing %s: its batch was never committed", rel)
                    location.fs.delete_file(location.path(rel))
    except StoreError:
        raise
    except OSError as exc:
        raise StoreError(Errors.E610.format(out=location.uri, detail=exc), code="E610") from exc


def is_parquet_dir(path: str | Path) -> bool:
    """Whether ``path`` is a local directory written by the Ray engine (it holds the format marker)."""
    return Path(path).is_dir() and (Path(path) / MARKER).is_file()


def check_format(location: Location) -> dict[str, Any]:
    """The format marker of ``location``; E611 if there is none, E613 if a newer detente wrote it."""
    if not location.exists(MARKER):
        raise StoreError(Errors.E611.format(path=location.uri, marker=MARKER), code="E611")
    try:
        marker = location.read_json(MARKER)
    except (OSError, ValueError) as exc:
        raise StoreError(Errors.E612.format(path=location.path(MARKER), detail=exc), code="E612") from exc
    if not isinstance(marker, dict) or marker.get("format") != FORMAT:
        raise StoreError(Errors.E611.format(path=location.uri, marker=MARKER), code="E611")
    if int(marker.get("version", 0)) > VERSION:
        raise StoreError(Errors.E613.format(path=location.uri, found=marker.get("version"), known=VERSION),
                         code="E613")
    return marker


def committed(location: Location) -> dict[str, list[str]]:
    """Each table's committed files (paths in the location's filesystem), in a stable order."""
    files: dict[str, list[str]] = {table: [] for table in ALL_TABLES}
    for rel in location.listing(BATCHES, suffix=".json"):
        try:
            names = location.read_json(rel)["files"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(Errors.E612.format(path=location.path(rel), detail=exc), code="E612") from exc
        for name in names:
            table = str(name).split("/", 1)[0]
            if table in files:
                files[table].append(location.path(str(name)))
    return {table: sorted(paths) for table, paths in files.items()}


def read_column(location: Location, paths: Sequence[str], column: str) -> Iterator[Any]:
    """The values of one column of some committed files."""
    import pyarrow.parquet as pq

    for path in paths:
        try:
            table = pq.read_table(path, columns=[column], filesystem=location.fs)
        except (OSError, ValueError) as exc:
            raise StoreError(Errors.E612.format(path=path, detail=exc), code="E612") from exc
        yield from table.column(column).to_pylist()


def runs(location: Location) -> list[dict[str, Any]]:
    out = []
    for rel in location.listing(RUNS, suffix=".json"):
        try:
            out.append(location.read_json(rel))
        except (OSError, ValueError) as exc:
            raise StoreError(Errors.E612.format(path=location.path(rel), detail=exc), code="E612") from exc
    return out


def near_rows(links: Sequence[SourceLink], signatures: Sequence[Signature], *, run_id: str | None,
              now: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """Rows of the near-duplicate tables, as :meth:`Store.write_results` stores ``links`` and ``signatures``.

    Keep in step with ``Store._write_near_duplicates`` (``tests/scale`` compares a loaded run with a local one).
    """
    sources = {link.article.id: {
        "id": link.article.id, "article_id": link.original_id, "similarity": link.similarity,
        "url": link.article.url, "outlet": link.article.outlet, "title": link.article.title,
        "published": link.article.published, "language": link.article.language,
        "source_path": link.article.source_path, "source_id": link.article.source_id, "run_id": run_id,
        "ingested_at": now} for link in links}
    return {"article_sources": list(sources.values()),
            "article_minhash": [{"article_id": s.article_id, "scheme": s.scheme, "signature": s.values,
                                 "digest": s.digest} for s in signatures],
            "article_bands": [{"key": key, "article_id": s.article_id} for s in signatures for key in s.keys]}


class BatchWriter:
    """Writes coded batches as Parquet files plus a commit marker (one writer per Ray actor)."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self.schemas = _arrow_schemas()

    def write(self, batch_id: str, results: Sequence[Result], failures: Iterable[Failure], *, run_id: str,
              counts: BatchCounts, links: Sequence[SourceLink] = (), signatures: Sequence[Signature] = ()) -> None:
        """Write one batch (idempotent: a retried batch has the same id and overwrites its own files)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        rows = result_rows(results, failures, run_id=run_id, now=now)
        rows.update(near_rows(links, signatures, run_id=run_id, now=now))
        months = {r.article.id: month_of(r.article.published) for r in results}
        months.update((link.article.id, month_of(link.article.published)) for link in links)
        event_article = {row["id"]: row["article_id"] for row in rows["events"]}
        written: list[str] = []
        try:
            for table in WRITE_ORDER:
                groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
                for row in rows[table]:
                    groups[_month(table, row, months, event_article)].append(row)
                for month, part in sorted(groups.items()):
                    schema = pa.schema([self.schemas[table].field(name) for name in part[0]])
                    rel = f"{table}/{PARTITION}={month}/{batch_id}.parquet"
                    target = self.location.path(rel)
                    self.location.fs.create_dir(posixpath.dirname(target), recursive=True)
                    pq.write_table(pa.Table.from_pylist(part, schema=schema), target, filesystem=self.location.fs)
                    written.append(rel)
                counts.rows[table] = len(rows[table])
            self.location.write_json({"batch": batch_id, "run_id": run_id, "files": written,
                                      "counts": counts.as_dict(), "worker": f"{socket.gethostname()}:{os.getpid()}",
                                      "written_at": now.isoformat()}, BATCHES, f"{batch_id}.json")
        except OSError as exc:
            raise StoreError(Errors.E610.format(out=self.location.uri, detail=exc), code="E610") from exc


def _month(table: str, row: Mapping[str, Any], months: Mapping[str, str], event_article: Mapping[str, str]) -> str:
    if table == "articles":
        return month_of(row["published"])
    if table == "article_sources":
        return months.get(row["id"], UNKNOWN)
    if table == "event_actors":
        return months.get(event_article.get(row["event_id"], ""), UNKNOWN)
    return months.get(row.get("article_id") or "", UNKNOWN)


def _files_sql(paths: Sequence[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


#: Per coded article: how many documents carried the story and from how many sources (as the store counts them).
_SOURCE_COUNTS = f"""
    SELECT article_id, count(*) AS n, count(DISTINCT src) AS s FROM (
        SELECT id AS article_id, {_SOURCE_KEY} AS src FROM {{articles}} WHERE id IN (SELECT article_id FROM {{links}})
        UNION ALL
        SELECT article_id, {_SOURCE_KEY} AS src FROM {{links}} WHERE article_id IN (SELECT id FROM {{articles}})
    ) GROUP BY article_id"""


def open_parquet(path: str | Path) -> Store:
    """A read-only :class:`Store` whose tables are views over the committed Parquet files of ``path``.

    Every query of :class:`detente.query.Database` runs unchanged on it. The views have the store's
    columns and types: a column the files lack reads as its default (NULL for most), and
    ``articles.num_articles``/``num_sources`` are counted from ``article_sources`` as the store counts them.
    """
    location = Location(path)
    if not location.local:
        raise StoreError(Errors.E612.format(path=location.uri, detail="only a local directory can be "
                                            "queried in place; `detente load` it into a database instead"),
                         code="E612")
    check_format(location)
    files = committed(location)
    tables = _store_tables()
    store = Store(":memory:")
    store.path = location.uri
    con = store.con
    try:
        for table in ALL_TABLES:
            con.execute(f"DROP TABLE {table}")
        for table in ALL_TABLES:
            if files[table]:
                source = f"read_parquet({_files_sql(files[table])}, union_by_name = true)"
                present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
            else:
                source, present = "(SELECT 1 WHERE false)", set()
            select = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' if c in present else
                               f'CAST({default or "NULL"} AS {t}) AS "{c}"' for c, t, default in tables[table])
            # A failure recorded by two runs has one id (a hash of source, stage and message): show it once.
            distinct = "DISTINCT ON (id) " if table == "failures" else ""
            name = "_parquet_articles" if table == "articles" else table
            con.execute(f"CREATE VIEW {name} AS SELECT {distinct}{select} FROM {source}")
        counts = _SOURCE_COUNTS.format(articles="_parquet_articles", links="article_sources")
        types = {c: t for c, t, _ in tables["articles"]}
        con.execute(f"CREATE VIEW articles AS SELECT a.* REPLACE ("
                    f"CAST(coalesce(c.n, a.num_articles) AS {types['num_articles']}) AS num_articles, "
                    f"CAST(coalesce(c.s, a.num_sources) AS {types['num_sources']}) AS num_sources) "
                    f"FROM _parquet_articles a LEFT JOIN ({counts}) c ON c.article_id = a.id")
        _insert_runs(store, runs(location))
    except StoreError:
        store.close()
        raise
    except Exception as exc:  # duckdb.Error for an unreadable file
        store.close()
        raise StoreError(Errors.E612.format(path=location.uri, detail=exc), code="E612") from exc
    return store


def _insert_runs(store: Store, records: Sequence[Mapping[str, Any]]) -> int:
    added = 0
    for run in records:
        # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next query.
        if store.con.execute("SELECT count(*) FROM runs WHERE id = ?", [run.get("id")]).fetchall()[0][0]:
            continue
        store.con.execute(
            "INSERT INTO runs (id, started_at, finished_at, inputs, settings, versions, counts, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [run.get("id"), run.get("started_at"), run.get("finished_at"), json.dumps(run.get("inputs")),
             json.dumps(run.get("settings")), json.dumps(run.get("versions")), json.dumps(run.get("counts")),
             run.get("status")])
        added += 1
    return added


#: How each table's rows are matched on load: rows whose key is already stored are skipped.
_LOAD_KEYS = {"event_actors": "event_id", "article_minhash": "article_id", "article_bands": "article_id"}


def load_parquet(store: Store, path: str | Path) -> dict[str, int]:
    """Insert the committed Parquet of ``path`` into ``store`` in one transaction; return rows added per table.

    Idempotent: rows whose id is already stored are skipped (an event's actors and an article's
    signature come with it), so loading the same directory twice adds nothing, and loading after
    ``detente ingest`` into the same database adds only what that run did not store.
    """
    import pyarrow.dataset as pads

    location = Location(path)
    check_format(location)
    files = committed(location)
    con = store.con
    added: dict[str, int] = {}
    registered: list[str] = []

    def count(table: str) -> int:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

    con.execute("BEGIN TRANSACTION")
    try:
        for table in ALL_TABLES:
            name = f"_parquet_{table}"
            if files[table]:
                con.register(name, pads.dataset(files[table], format="parquet", filesystem=location.fs))
                registered.append(name)
            else:
                con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {table} WHERE false")
        # What is new, decided before anything is inserted: events bring their actors, articles their signature.
        con.execute("CREATE OR REPLACE TEMP TABLE _new_events AS SELECT DISTINCT id FROM _parquet_events "
                    "WHERE id NOT IN (SELECT id FROM events)")
        con.execute("CREATE OR REPLACE TEMP TABLE _new_signed AS SELECT DISTINCT article_id AS id "
                    "FROM _parquet_article_minhash WHERE article_id NOT IN (SELECT article_id FROM article_minhash)")
        con.execute("CREATE OR REPLACE TEMP TABLE _new_links AS SELECT DISTINCT id, article_id "
                    "FROM _parquet_article_sources WHERE id NOT IN (SELECT id FROM article_sources)")
        for table in ALL_TABLES:
            name = f"_parquet_{table}"
            stored = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
            cols = ", ".join(f'"{r[0]}"' for r in con.execute(f"DESCRIBE SELECT * FROM {name}").fetchall()
                             if r[0] in stored)
            before = count(table)
            key = _LOAD_KEYS.get(table, "id")
            if table == "event_actors":
                where = "event_id IN (SELECT id FROM _new_events)"
            elif table in ("article_minhash", "article_bands"):
                where = "article_id IN (SELECT id FROM _new_signed)"
            else:
                where = f"id NOT IN (SELECT id FROM {table})"
            once = "" if table in ("event_actors", "article_bands") else f" QUALIFY row_number() OVER (PARTITION BY {key}) = 1"
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name} WHERE {where}{once}")
            added[table] = count(table) - before
        counts = _SOURCE_COUNTS.format(articles="articles", links="article_sources")
        con.execute(f"UPDATE articles SET num_articles = c.n, num_sources = c.s FROM ({counts}) c "
                    "WHERE articles.id = c.article_id AND c.article_id IN (SELECT article_id FROM _new_links)")
        added["runs"] = _insert_runs(store, runs(location))
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        if isinstance(exc, StoreError):
            raise
        raise StoreError(Errors.E614.format(path=location.uri, db=store.path, detail=exc), code="E614") from exc
    finally:
        for name in registered:
            con.unregister(name)
        for table in ALL_TABLES:
            if f"_parquet_{table}" not in registered:
                con.execute(f"DROP VIEW IF EXISTS _parquet_{table}")
        for temp in ("_new_events", "_new_signed", "_new_links"):
            con.execute(f"DROP TABLE IF EXISTS {temp}")
    return added
