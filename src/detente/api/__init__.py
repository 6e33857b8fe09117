"""The REST API and dashboard (FastAPI), behind the ``[web]`` extra.

``create_app(db_path)`` serves the JSON API under ``/api``, the dashboard pages (``/``,
``/dyad``, ``/events``, ...) and their documentation at ``/docs`` (built from
``/openapi.json``; nothing loads from a CDN). Read-only unless ``allow_writes`` with a token.

Every error, whatever its cause, has one JSON shape::

    {"ok": false, "error": {"code": "E102", "message": "...", "status": 400,
                            "errors": ["query.limit: Input should be less than or equal to 500"]}}

``code`` is detente's stable error code (E1xx bad values, E6xx database, E9xx refused
requests: E901 no token, E902 forbidden, E903 unknown id, E904 unknown path or method,
E905 rate limit (429), E906 body too large (413), E907 URL too long (414), E908 busy (503));
``errors`` lists each invalid field as ``where.field: message`` (empty when there is none).

Limits come from :class:`~detente.config.ServeSettings` (``[serve]`` in the config): requests
computing at once and waiting, the rate per client, body and URL sizes, the cache size, and the
number of processes :func:`serve` starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .._extras import require_extra

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..config import ServeSettings

__all__ = ["create_app", "serve"]


def create_app(db_path: str | Path | None = None, *, allow_writes: bool = False, token: str | None = None,
               cors_origins: Sequence[str] = (), cache_size: int | None = None,
               settings: ServeSettings | None = None) -> FastAPI:
    """The API and dashboard app on the store at ``db_path`` (``$DETENTE_DB`` or ``./detente.duckdb``).

    Args:
        db_path: the DuckDB file; opened read-only unless ``allow_writes``.
        allow_writes: open the store read-write and accept ``POST /api/ingest`` (needs ``token``).
        token: the bearer token that ``POST /api/ingest`` must send.
        cors_origins: origins allowed to call the API from a browser; none by default (no CORS headers).
        cache_size: how many successful GET /api responses to keep in memory (0: none); overrides
            ``settings.cache_size``. Exact: a store served read-only cannot change (DuckDB's file lock
            keeps writers out), and an ingest empties the cache.
        settings: the ``[serve]`` limits; the defaults of ``default_config.toml`` when None.
    """
    require_extra("The REST API and dashboard (detente serve)", "fastapi", "jinja2", extra="web")
    from ..config import ServeSettings
    from ._app import build_app

    settings = settings or ServeSettings()
    if cache_size is not None:
        settings = settings.model_copy(update={"cache_size": cache_size})
    return build_app(db_path, allow_writes=allow_writes, token=token, cors_origins=tuple(cors_origins),
                     settings=settings)


def serve(db_path: str | Path | None = None, *, host: str = "127.0.0.1", port: int = 8000,
          allow_writes: bool = False, token: str | None = None, cors_origins: Sequence[str] = (),
          settings: ServeSettings | None = None) -> None:
    """Serve the app with uvicorn until interrupted: one process, or ``settings.workers`` of them.

    Several workers share one read-only store (DuckDB lets many processes read a file but only one
    write it), so ``workers > 1`` with ``allow_writes`` is an E102 :class:`~detente.errors.ConfigError`.
    Each worker keeps its own response cache and its own ``max_concurrency`` slots.
    """
    require_extra("detente serve", "fastapi", "uvicorn", "jinja2", extra="web")
    from ._serve import run

    run(db_path, host=host, port=port, allow_writes=allow_writes, token=token, cors_origins=tuple(cors_origins),
        settings=settings)
