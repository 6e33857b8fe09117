"""``detente serve | plot | brief``: the REST API and dashboard, a dyad plot, an extractive brief."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from .._extras import require_extra
from ..query import open_store
from . import app
from ._util import ConfigOption, DbOption, SetOption, err, parse_day, parse_sets

Since = Annotated[str | None, typer.Option("--since", help="From this date (YYYY-MM-DD).")]
Until = Annotated[str | None, typer.Option("--until", help="Up to this date (YYYY-MM-DD).")]
DyadOpt = Annotated[str, typer.Option("--dyad", help="A pair of actors, e.g. USA-RUS.")]


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to bind.")] = 8000,
    allow_writes: Annotated[bool, typer.Option("--allow-writes", help="Accept POST /api/ingest (needs --token).")]
    = False,
    token: Annotated[str | None, typer.Option("--token", envvar="DETENTE_TOKEN",
                                              help="Bearer token for POST /api/ingest.")] = None,
    cors: Annotated[list[str] | None, typer.Option("--cors", help="Allow browser calls from this origin "
                                                                  "(repeatable); none by default.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=64, help="Server processes on one "
                                                "read-only store [default: serve.workers, 1].")] = None,
    config: ConfigOption = None,
    sets: SetOption = None,
) -> None:
    """Serve the REST API (/api, docs at /docs) and the dashboard (/) on the store, read-only by default.

    Limits ([serve] in the config, or --set serve.KEY=VALUE): requests computed at once and waiting,
    requests per second per client, body and URL sizes, response cache size, worker processes.
    """
    require_extra("detente serve", "fastapi", "uvicorn", "jinja2", extra="web")
    from ..api import serve as run_server
    from ..config import load_config

    overrides: dict[str, Any] = parse_sets(sets)
    if workers is not None:
        overrides["serve.workers"] = workers
    settings = load_config(config, overrides=overrides).serve
    processes = f", {settings.workers} workers" if settings.workers > 1 else ""
    err.print(f"detente: dashboard at http://{host}:{port}/ , API docs at http://{host}:{port}/docs"
              + (" (writes allowed)" if allow_writes else f" (read-only{processes})"), markup=False, highlight=False)
    run_server(db, host=host, port=port, allow_writes=allow_writes, token=token, cors_origins=tuple(cors or ()),
               settings=settings)


@app.command()
def plot(
    dyad: DyadOpt,
    output: Annotated[str, typer.Option("--output", "-o", help="PNG file to write.")] = "plot.png",
    db: DbOption = None,
    since: Since = None,
    until: Until = None,
    freq: Annotated[str, typer.Option("--freq", help="Bars per day or week.")] = "week",
) -> None:
    """Plot a pair's events over time: bars by quad class, mean Goldstein line (PNG)."""
    require_extra("detente plot", "matplotlib", extra="web")
    from ..web.plot import plot_dyad

    with open_store(db, read_only=True) as database:
        path = plot_dyad(database, dyad, output, since=parse_day(since, "--since"), until=parse_day(until, "--until"),
                         freq=freq)
    err.print(f"wrote {path}", markup=False, highlight=False)


@app.command()
def brief(dyad: DyadOpt, db: DbOption = None, since: Since = None, until: Until = None) -> None:
    """Print an extractive Markdown brief on a pair: what happened, what each side says, what comes next."""
    with open_store(db, read_only=True) as database:
        text = database.brief(dyad, since=parse_day(since, "--since"), until=parse_day(until, "--until")).markdown()
    sys.stdout.write(text)
