"""Running the app under uvicorn: one process, or several worker processes on one read-only store.

Workers are started by uvicorn's supervisor in fresh interpreters, so they build their app from
:data:`WORKER_ENV` (a JSON description the parent writes) through :func:`worker_app`.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import ServeSettings
from ..errors import ConfigError, Errors
from ..store import default_db_path

if TYPE_CHECKING:
    from fastapi import FastAPI

#: The environment variable through which the parent hands each worker its app's description.
WORKER_ENV = "DETENTE_SERVE_WORKER"


def check_workers(settings: ServeSettings, *, allow_writes: bool) -> None:
    """Several workers need a read-only store: DuckDB lets many processes read one file, one write it."""
    if settings.workers > 1 and allow_writes:
        raise ConfigError(Errors.E102.format(
            key="serve.workers", detail=f"{settings.workers} workers need a read-only store: DuckDB lets "
                                        "only one process write a file. Serve writes with --workers 1"),
            code="E102")


#: How long a thread may hold the GIL while another waits (Python's default: 5 ms). The event loop
#: and the request threads take it briefly and often (around each DuckDB call, for each response);
#: at 5 ms a query's few Python steps can each wait a whole interval behind a busy thread.
SWITCH_INTERVAL = 0.0005


def _settle() -> None:
    """Tune this process for serving, once its app is built.

    Everything built so far (modules, the app, its routes and schemas) moves out of the garbage
    collector's sight, so full collections scan only what requests allocate (a 50 ms pause -> 5 ms),
    and the GIL changes hands every :data:`SWITCH_INTERVAL` (queries no longer queue behind it).
    """
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL)


def run(db_path: str | Path | None, *, host: str, port: int, allow_writes: bool, token: str | None,
        cors_origins: tuple[str, ...], settings: ServeSettings | None) -> None:
    import uvicorn

    from . import create_app

    settings = settings or ServeSettings()
    check_workers(settings, allow_writes=allow_writes)
    path = str(db_path or default_db_path())
    options = {"host": host, "port": port, "log_level": "warning", "access_log": False}
    if settings.workers == 1:
        app = create_app(path, allow_writes=allow_writes, token=token, cors_origins=cors_origins, settings=settings)
        _settle()
        uvicorn.run(app, **options)  # type: ignore[arg-type]
        return
    from ..query import open_store

    open_store(path, read_only=True).close()  # a missing or broken store fails here, not in every worker
    os.environ[WORKER_ENV] = json.dumps({"db": path, "cors": list(cors_origins), "settings": settings.model_dump()})
    uvicorn.run(f"{__name__}:worker_app", factory=True, workers=settings.workers,
                **options)  # type: ignore[arg-type]


def worker_app() -> FastAPI:
    """The app of one worker process, as the parent described it in :data:`WORKER_ENV` (read-only)."""
    from . import create_app

    described = os.environ.get(WORKER_ENV)
    if not described:
        raise ConfigError(Errors.E102.format(key=WORKER_ENV, detail="not set; start workers with `detente serve "
                                                                    "--workers N`"), code="E102")
    spec = json.loads(described)
    app = create_app(spec["db"], cors_origins=spec["cors"], settings=ServeSettings.model_validate(spec["settings"]))
    _settle()
    return app
