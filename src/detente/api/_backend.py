"""What the app holds: one connection to the store, a cursor per request, and the lazily built pipeline."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..query import Database, open_store
from ..store import default_db_path
from ._cache import ResponseCache

if TYPE_CHECKING:
    from ..pipeline import Pipeline


class Backend:
    """The store behind an app: opened once (read-only unless writes are allowed), one cursor per request.

    A DuckDB connection is not thread-safe, and FastAPI runs the endpoints in a thread pool: each
    request gets its own cursor (a connection of its own to the same database), and ingests take a lock.
    """

    def __init__(self, path: str | Path | None, *, allow_writes: bool, cache_size: int = 2048) -> None:
        self.path = str(path or default_db_path())
        self.allow_writes = allow_writes
        self.cache = ResponseCache(max_entries=cache_size)
        self.write_lock = threading.Lock()
        self._lock = threading.Lock()
        self._root: Database | None = None
        self._pipeline: Pipeline | None = None

    def root(self) -> Database:
        with self._lock:
            if self._root is None:
                self._root = open_store(self.path, read_only=not self.allow_writes)
            return self._root

    @contextmanager
    def db(self) -> Iterator[Database]:
        """A Database on a fresh cursor, closed afterwards."""
        root = self.root()
        with self._lock:
            cursor = root.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

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
