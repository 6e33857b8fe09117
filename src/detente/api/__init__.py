"""The REST API and dashboard (FastAPI), behind the ``[web]`` extra.

``create_app(db_path)`` serves the JSON API under ``/api``, the dashboard pages (``/``,
``/dyad``, ``/events``, ...) and their documentation at ``/docs`` (built from
``/openapi.json``; nothing loads from a CDN). Read-only unless ``allow_writes`` with a token.

Every error, whatever its cause, has one JSON shape::

    {"ok": false, "error": {"code": "E102", "message": "...", "status": 400,
                            "errors": ["query.limit: Input should be less than or equal to 500"]}}

``code`` is detente's stable error code (E1xx bad values, E6xx database, E9xx refused
requests: E901 no token, E902 forbidden, E903 unknown id, E904 unknown path or method);
``errors`` lists each invalid field as ``where.field: message`` (empty when there is none).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .._extras import require_extra

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(db_path: str | Path | None = None, *, allow_writes: bool = False, token: str | None = None,
               cors_origins: Sequence[str] = (), cache_size: int = 2048) -> FastAPI:
    """The API and dashboard app on the store at ``db_path`` (``$DETENTE_DB`` or ``./detente.duckdb``).

    Args:
        db_path: the DuckDB file; opened read-only unless ``allow_writes``.
        allow_writes: open the store read-write and accept ``POST /api/ingest`` (needs ``token``).
        token: the bearer token that ``POST /api/ingest`` must send.
        cors_origins: origins allowed to call the API from a browser; none by default (no CORS headers).
        cache_size: how many successful GET /api responses to keep in memory (0: none). Exact: a store
            served read-only cannot change, and an ingest empties the cache.
    """
    require_extra("The REST API and dashboard (detente serve)", "fastapi", "jinja2", extra="web")
    from ._app import build_app

    return build_app(db_path, allow_writes=allow_writes, token=token, cors_origins=tuple(cors_origins),
                     cache_size=cache_size)
