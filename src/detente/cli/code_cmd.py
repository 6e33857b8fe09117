"""``detente ingest`` and ``detente code``."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..config import load_config
from ..errors import ConfigError, Errors
from ..ingest import IngestOptions, parse_date
from ..model import Failure, Result, article_json, event_json, failure_json, quote_json
from ..pipeline import Pipeline, RunSummary
from ..store import Store, default_db_path
from . import app
from ._util import (
    ConfigOption,
    DbOption,
    Format,
    FormatOption,
    SetOption,
    emit_rows,
    err,
    out,
    parse_sets,
    resolve_format,
    setup_logging,
)

_FIELD_NAMES = ("text", "title", "url", "published", "outlet", "id", "language")


class Engine(StrEnum):
    local = "local"
    ray = "ray"


def _fields(values: list[str] | None) -> dict[str, str]:
    mapping = {}
    for value in values or []:
        name, _, column = value.partition("=")
        if name not in _FIELD_NAMES or not column:
            raise ConfigError(Errors.E218.format(names=", ".join(_FIELD_NAMES), value=value), code="E218")
        mapping[name] = column
    return mapping


def _options(settings_max: int, fields: list[str] | None, published: str | None, outlet: str | None,
             url: str | None, title: str | None, max_bytes: int | None) -> IngestOptions:
    return IngestOptions(
        max_bytes=max_bytes or settings_max, fields=_fields(fields),
        published=parse_date(published, "--published") if published else None,
        outlet=outlet, url=url, title=title,
    )


FieldOption = Annotated[list[str] | None, typer.Option("--field", help="Map a record column: --field text=story_body.")]
PublishedOption = Annotated[str | None, typer.Option("--published", help="Publication date for the inputs (ISO).")]
OutletOption = Annotated[str | None, typer.Option("--outlet", help="Outlet name for the inputs.")]
UrlOption = Annotated[str | None, typer.Option("--url", help="URL for the inputs.")]
TitleOption = Annotated[str | None, typer.Option("--title", help="Title for the inputs.")]
ModelOption = Annotated[str | None, typer.Option("--model", help="spaCy pipeline (installed name or path).")]
WorkersOption = Annotated[int | None, typer.Option("--workers", min=1, help="Worker processes.")]
MaxBytesOption = Annotated[int | None, typer.Option("--max-bytes", min=1, help="Size cap per document.")]
ExtractorOption = Annotated[str | None, typer.Option("--extractor", help="Registered extractor name.")]


def _settings(config: str | None, sets: list[str] | None, model: str | None, workers: int | None,
              extractor: str | None) -> Any:
    overrides: dict[str, Any] = parse_sets(sets)
    if model:
        overrides["parse.model"] = model
    if workers:
        overrides["parse.workers"] = workers
    if extractor:
        overrides["extract.extractor"] = extractor
    return load_config(config, overrides=overrides)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, or - for stdin.")],
    db: DbOption = None,
    fields: FieldOption = None,
    published: PublishedOption = None,
    outlet: OutletOption = None,
    url: UrlOption = None,
    title: TitleOption = None,
    model: ModelOption = None,
    workers: WorkersOption = None,
    extractor: ExtractorOption = None,
    max_bytes: MaxBytesOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 if any document failed.")] = False,
    config: ConfigOption = None,
    sets: SetOption = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More logging.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
    engine: Annotated[Engine, typer.Option("--engine", help="local: this machine (--workers processes); ray: a Ray "
                                           "cluster (--workers actors), writing Parquet to --out.")] = Engine.local,
    address: Annotated[str | None, typer.Option("--address", help="--engine ray: local (start Ray here), auto (join "
                                                "`ray start --head`) or ray://host:10001 [default: scale.address].")
                       ] = None,
    out_dir: Annotated[str | None, typer.Option("--out", help="--engine ray: Parquet output directory (a path, or a URI "
                                                "pyarrow supports such as s3://bucket/prefix).")] = None,
) -> None:
    """Ingest articles into the database: clean, parse, code, store (idempotent, resumable)."""
    setup_logging(verbose, quiet)
    ray = engine is Engine.ray
    if ray and not out_dir:
        raise typer.BadParameter("--engine ray writes Parquet: pass --out DIR (then `detente load DIR`)",
                                 param_hint="--out")
    if not ray and (out_dir or address):
        raise typer.BadParameter("--out and --address apply to --engine ray only", param_hint="--engine")
    settings = _settings(config, sets, model, None if ray else workers, extractor)
    options = _options(settings.ingest.max_bytes, fields, published, outlet, url, title, max_bytes)
    path = out_dir if ray and out_dir else db or default_db_path()
    columns = [TextColumn("[bold]ingest[/bold]"), BarColumn(),
               TextColumn("{task.fields[read]} read · {task.fields[new]} new · {task.fields[failed]} failed · "
                          "{task.fields[rate]:.1f} articles/s"), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=quiet) as bar:
        task = bar.add_task("ingest", total=None, read=0, new=0, failed=0, rate=0.0)

        def progress(s: RunSummary) -> None:
            rate = (s.new + s.already_stored) / s.seconds if s.seconds else 0.0
            bar.update(task, read=s.read, new=s.new, failed=s.failed, rate=rate)

        if ray:
            from ..scale import run_ray

            summary = run_ray(paths, out=path, settings=settings, options=options, address=address,
                              workers=workers, progress=progress)
        else:
            pipeline = Pipeline(settings)
            with Store(path) as store:
                try:
                    summary = pipeline.run(paths, store=store, options=options, progress=progress)
                finally:
                    pipeline.close()
    _print_summary(summary, path, quiet)
    if ray and not quiet:
        err.print(f"  query it in place with --db {path}, or load it into DuckDB: detente load {path} [--db F]")
    if strict and summary.failed:
        raise typer.Exit(1)


def _print_summary(s: RunSummary, path: str, quiet: bool) -> None:
    if quiet:
        return
    rate = s.read / s.seconds if s.seconds else 0.0
    err.print(
        f"[bold]{s.read}[/bold] read · [green]{s.new} new[/green] · {s.already_stored} already stored · "
        f"{s.duplicates} near-duplicates linked · {s.skipped_language} skipped (not English) · "
        f"[red]{s.failed} failed[/red] · {s.events} events · {s.quotes} quotes · {s.seconds:.1f} s "
        f"({rate:.1f} articles/s) → {path}"
    )
    if s.failed:
        err.print("  see them with: detente failures" + (f" --db {path}" if path else ""))


@app.command()
def code(
    inputs: Annotated[list[str], typer.Argument(help="Text to code, or files/directories/globs, or - for stdin.")],
    fmt: FormatOption = None,
    fields: FieldOption = None,
    published: PublishedOption = None,
    outlet: OutletOption = None,
    url: UrlOption = None,
    title: TitleOption = None,
    model: ModelOption = None,
    extractor: ExtractorOption = None,
    max_bytes: MaxBytesOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 if any document failed.")] = False,
    config: ConfigOption = None,
    sets: SetOption = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True)] = 0,
) -> None:
    """Code text or files and print events and quotes; nothing is stored."""
    setup_logging(verbose, False)
    settings = _settings(config, sets, model, None, extractor)
    options = _options(settings.ingest.max_bytes, fields, published, outlet, url, title, max_bytes)
    pipeline = Pipeline(settings)
    form = resolve_format(fmt)
    outputs: list[dict[str, Any]] = []
    failed = 0
    started = time.perf_counter()
    for value in inputs:
        is_path = value == "-" or Path(value).exists() or (any(c in value for c in "*?[") and "\n" not in value)
        if is_path:
            items = list(pipeline.articles([value], options))
            articles = [i for i in items if not isinstance(i, Failure)]
            for item in items:
                if isinstance(item, Failure):
                    failed += 1
                    outputs.append({"article": None, "events": [], "quotes": [], "failures": [failure_json(item)]})
            results = list(pipeline.code_articles(articles)) if articles else []
        else:
            results = [pipeline.code_text(value, published=options.published, outlet=outlet, url=url, title=title)]
        for result in results:
            failed += bool(result.failures)
            outputs.append(_result_json(result))
    if form is Format.table:
        _print_tables(outputs)
        err.print(f"[dim]{len(outputs)} input(s) · {sum(len(o['events']) for o in outputs)} events · "
                  f"{failed} failed · {time.perf_counter() - started:.1f} s[/dim]")
    elif form is Format.json:
        sys.stdout.write(json.dumps(outputs, indent=2, ensure_ascii=False) + "\n")
    elif form is Format.jsonl:
        for o in outputs:
            sys.stdout.write(json.dumps(o, ensure_ascii=False) + "\n")
    else:
        rows = [_event_row(e) for o in outputs for e in o["events"]]
        emit_rows(rows, Format.csv)
    if strict and failed:
        raise typer.Exit(1)


def _result_json(result: Result) -> dict[str, Any]:
    return {"article": article_json(result.article), "events": [event_json(e) for e in result.events],
            "quotes": [quote_json(q) for q in result.quotes], "failures": [failure_json(f) for f in result.failures]}


def _codes(actors: list[dict[str, Any]]) -> str:
    return "+".join(a.get("code") or "?" for a in actors)


def _event_row(e: dict[str, Any]) -> dict[str, Any]:
    return {"date": e["date"], "source": _codes(e["source"]), "cameo": e["cameo"]["code"],
            "plover": e["plover"]["event"], "target": _codes(e["target"]), "status": e["status"],
            "trigger": e["trigger"]["text"], "sentence": e["sentence"]["text"]}


def _print_tables(outputs: list[dict[str, Any]]) -> None:
    for o in outputs:
        art = o["article"]
        label = (art.get("title") or art.get("source_path") or art["id"]) if art else "input"
        for f in o["failures"]:
            err.print(f"[red]failed[/red] {f['message']}", markup=True, highlight=False)
        if art is None:
            continue
        rows = [_event_row(e) for e in o["events"]]
        emit_rows(rows, Format.table, title=f"events · {label}", widths={"sentence": 90})
        if o["quotes"]:
            qrows = [{"speaker": q["speaker_text"], "code": (q["speaker"] or {}).get("code"), "cue": q["cue"],
                      "direct": q["direct"], "content": q["content"]["text"]} for q in o["quotes"]]
            emit_rows(qrows, Format.table, title=f"quotes · {label}", widths={"content": 70, "speaker": 30})
    out.print()
