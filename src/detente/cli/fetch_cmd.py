"""``detente fetch`` and ``detente watch``."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..config import load_config
from ..store import default_db_path
from . import app
from ._util import (
    ConfigOption,
    DbOption,
    Format,
    FormatOption,
    SetOption,
    emit_rows,
    err,
    parse_sets,
    resolve_format,
    setup_logging,
)

VerboseOption = Annotated[int, typer.Option("--verbose", "-v", count=True, help="More logging.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")]


def _fetch_settings(config: str | None, sets: list[str] | None, **flags: Any) -> Any:
    overrides: dict[str, Any] = parse_sets(sets)
    overrides.update({f"fetch.{k}": v for k, v in flags.items() if v is not None})
    return load_config(config, overrides=overrides)


@app.command()
def fetch(
    urls: Annotated[str, typer.Argument(help="A file of URLs, one per line (blank lines and # comments skipped).")],
    out_dir: Annotated[str, typer.Option("--out", "-o", help="Directory for the pages and their .meta.json "
                                                              "sidecars (one folder per host).")],
    max_bytes: Annotated[int | None, typer.Option("--max-bytes", min=1, help="Size cap per page.")] = None,
    min_interval: Annotated[float | None, typer.Option("--min-interval", min=0,
                                                       help="Seconds between requests to one host.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 if any URL failed.")] = False,
    fmt: FormatOption = None,
    config: ConfigOption = None,
    sets: SetOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Fetch pages politely into a directory for `detente ingest` (robots.txt, rate limit, retries, size cap).

    URLs saved by an earlier run are skipped. A URL that fails is reported and counted; the rest go on.
    """
    from ..fetch import Fetcher, fetch_urls, read_url_list

    setup_logging(verbose, quiet)
    settings = _fetch_settings(config, sets, max_bytes=max_bytes, min_interval=min_interval)
    entries = list(read_url_list(urls))
    rows: list[dict[str, Any]] = []
    counts = {"fetched": 0, "already": 0, "failed": 0}
    columns = [TextColumn("[bold]fetch[/bold]"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[counts]}"), TimeElapsedColumn()]
    with Fetcher(settings.fetch) as fetcher, Progress(*columns, console=err, transient=True,
                                                      disable=quiet) as bar:
        task = bar.add_task("fetch", total=len(entries), counts="")
        for outcome in fetch_urls(entries, out_dir, fetcher=fetcher):
            counts[outcome.status] += 1
            rows.append({"url": outcome.url, "status": outcome.status, "path": outcome.path,
                         "code": outcome.code, "message": outcome.message})
            bar.update(task, advance=1, counts=f"{counts['fetched']} fetched · {counts['failed']} failed")
    form = resolve_format(fmt)
    emit_rows(rows, form, title="fetch", widths={"url": 50, "message": 60, "path": 40})
    if not quiet:
        err.print(f"[bold]{len(entries)}[/bold] URLs · [green]{counts['fetched']} fetched[/green] · "
                  f"{counts['already']} already fetched · [red]{counts['failed']} failed[/red] → {out_dir}")
        if counts["fetched"] or counts["already"]:
            err.print(f"  ingest them with: detente ingest {out_dir}")
    if strict and counts["failed"]:
        raise typer.Exit(1)


def _round_line(report: Any) -> str:
    line = (f"round {report.number} · {report.feeds} feeds ({report.feeds_failed} failed) · {report.items} items · "
            f"{report.new_items} new · {report.fetched} fetched · {report.fetch_failed} failed")
    s = report.ingest
    if s is not None:
        line += (f" · ingest: {s.new} new, {s.already_stored} already stored, {s.duplicates} near-duplicates, "
                 f"{s.skipped_language} not English, {s.failed} failed, {s.events} events")
    return line


@app.command()
def watch(
    feeds: Annotated[str, typer.Argument(help="A file of RSS/Atom feed URLs, one per line.")],
    every: Annotated[str, typer.Option("--every", help="Time between rounds: 90s, 15m, 1h.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="One round, then exit (for cron).")] = False,
    db: DbOption = None,
    pages: Annotated[str | None, typer.Option("--pages", help="Directory for fetched pages "
                                                              "[default: NAME-pages/ beside the database].")] = None,
    model: Annotated[str | None, typer.Option("--model", help="spaCy pipeline (installed name or path).")] = None,
    fmt: FormatOption = None,
    config: ConfigOption = None,
    sets: SetOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Poll feeds, fetch the new items' pages and ingest them; a feed that is down or malformed is skipped.

    Items already handled are remembered in the database. Stop with Ctrl-C (or SIGTERM).
    """
    import json
    import sys

    from ..fetch import Fetcher, Watcher, parse_duration, read_url_list
    from ..pipeline import Pipeline

    setup_logging(verbose, quiet)
    seconds = parse_duration(every)
    overrides: dict[str, Any] = parse_sets(sets)
    if model:
        overrides["parse.model"] = model
    settings = load_config(config, overrides=overrides)
    feed_urls = [url for url, _where in read_url_list(feeds)]
    path = db or default_db_path()
    pages_dir = pages or str(Path(path).with_name(Path(path).stem + "-pages"))
    form = resolve_format(fmt) if fmt is not None else Format.table

    def report(r: Any) -> None:
        if form in (Format.json, Format.jsonl):
            sys.stdout.write(json.dumps(r.as_dict()) + "\n")
            sys.stdout.flush()
        if not quiet:
            err.print(_round_line(r), markup=False, highlight=False)
            for message in r.errors:
                err.print(f"  {message}", markup=False, highlight=False)

    stop = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    pipeline = Pipeline(settings)
    done = 0
    try:
        with Fetcher(settings.fetch) as fetcher:
            watcher = Watcher(feed_urls, db=path, pages_dir=pages_dir, pipeline=pipeline, fetcher=fetcher)
            if not quiet and not once:
                err.print(f"watching {len(feed_urls)} feeds every {every} → {path} (Ctrl-C stops)")
            try:
                done = watcher.run(every=seconds, rounds=1 if once else None, stop=stop, on_round=report)
            except KeyboardInterrupt:
                done = watcher.rounds
    finally:
        pipeline.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if not quiet and not once:
        err.print(f"stopped after {done} round(s)")
