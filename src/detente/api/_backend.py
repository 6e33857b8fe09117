"""What the app holds: one connection to the store, a cursor per request, the response cache, and the
lazily built pipeline."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DetenteError
from ..query import Database, EventFilter, open_store
from ..store import default_db_path
from ._cache import ResponseCache

if TYPE_CHECKING:
    from ..pipeline import Pipeline

logger = logging.getLogger(__name__)


#: The columns that the API's filters, pages, series and stats read, by table (see :meth:`Backend.warm_up`).
_WARM_COLUMNS = {
    "events": ("id", "article_id", "date", "sentence_index", "trigger_start", "source_code", "source_country",
               "target_code", "target_country", "cameo_code", "cameo_root", "plover_event", "status", "quad_class",
               "goldstein", "reciprocal", "place_lat"),
    "event_actors": ("event_id", "role", "code", "country", "multi", "reciprocal", "date", "goldstein"),
    "articles": ("id", "source_id", "published"),
}


class Backend:
    """The store behind an app: opened once (read-only unless writes are allowed), one cursor per request.

    A DuckDB connection is not thread-safe, and FastAPI runs the endpoints in a thread pool: each
    request gets its own cursor (a connection of its own to the same database, made in microseconds),
    and ingests take a lock.
    """

    def __init__(self, path: str | Path | None, *, allow_writes: bool, cache_size: int = 2048) -> None:
        self.path = str(path or default_db_path())
        self.allow_writes = allow_writes
        self.cache = ResponseCache(max_entries=cache_size)
        #: Query results shared by requests that differ only in form (a pair's series either way round).
        self.results = ResponseCache(max_entries=cache_size)
        self.write_lock = threading.Lock()
        self._lock = threading.Lock()
        self._root: Database | None = None
        self._pipeline: Pipeline | None = None

    def root(self) -> Database:
        with self._lock:
            if self._root is None:
                self._root = open_store(self.path, read_only=not self.allow_writes)
            return self._root

    def warm_up(self) -> None:
        """Do the first request's one-time work now, before the server takes requests.

        The first Arrow result imports pyarrow (0.2-1 s, holding the GIL: every request stalls), and
        DuckDB reads and decompresses each column's blocks into its buffer the first time a query
        touches them (tens to hundreds of ms per query). One pass over the columns that filters and
        pages read loads them (the JSON records are left to be read row by row); then one query of
        each kind the API runs (a page, an actor's and a pair's page, a series, the stats) pays the
        rest of the first-time costs: the first of each was 2-3 times slower than the next. Answers
        are thrown away, never cached.
        """
        import pyarrow  # noqa: F401

        from ..query.pages import event_page_json

        with self.db() as db:
            con = db.store.con
            for table, columns in _WARM_COLUMNS.items():
                present = {r[0] for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main'",
                    [table]).fetchall()}
                wanted = [c for c in columns if c in present]
                if wanted:
                    con.execute(f"SELECT {', '.join(f'min({c})' for c in wanted)} FROM {table}").fetchall()
            try:
                codes = [r[0] for r in con.execute(
                    "SELECT country FROM event_actors WHERE country IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 "
                    "LIMIT 2").fetchall()]
                event_page_json(db, EventFilter(limit=50))
                if len(codes) == 2:
                    event_page_json(db, EventFilter(actor=codes[0], limit=50))
                    event_page_json(db, EventFilter(dyad=f"{codes[0]}-{codes[1]}", limit=50))
                    db.dyad_series_rows(f"{codes[0]}-{codes[1]}", freq="week")
                db.stats()
            except DetenteError as exc:  # a store whose codes the filters refuse: warm what was warmed
                logger.info("warm-up stopped early: %s", exc)

    def cursor(self) -> Database:
        """A Database on a fresh cursor; the caller closes it."""
        root = self.root()
        with self._lock:
            return root.cursor()

    @contextmanager
    def db(self) -> Iterator[Database]:
        """A Database on a fresh cursor, closed afterwards."""
        cursor = self.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def clear_caches(self) -> None:
        """The store changed: forget every response and result (answers computed meanwhile are not kept)."""
        self.cache.clear()
        self.results.clear()

    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                from ..pipeline import Pipeline

                self._pipeline = Pipeline()
            return self._pipeline

    def close(self) -> None:
        with self._lock:
            if self._root is not None:
                self._root.close()
                self._root = None
