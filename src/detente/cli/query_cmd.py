"""``detente events | articles | failures | quotes | stats``."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from ..query import EventFilter, open_store
from . import app
from ._util import DbOption, Format, FormatOption, emit_rows, out, parse_day, resolve_format

ActorOpt = Annotated[str | None, typer.Option("--actor", help="Actor code, e.g. RUS, USAGOV, NATO.")]
LimitOpt = Annotated[int, typer.Option("--limit", min=0, help="At most this many rows (0 = all).")]


def _db(db: str | None) -> Any:
    return open_store(db, read_only=True)


@app.command()
def events(
    db: DbOption = None,
    actor: ActorOpt = None,
    dyad: Annotated[str | None, typer.Option("--dyad", help="Source-target pair, e.g. USA-RUS.")] = None,
    cameo: Annotated[str | None, typer.Option("--cameo", help="CAMEO code prefix, e.g. 04 or 042.")] = None,
    plover: Annotated[str | None, typer.Option("--plover", help="PLOVER event, e.g. CONSULT.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="occurred, scheduled, threatened, ...")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Events on or after this date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Events on or before this date.")] = None,
    article: Annotated[str | None, typer.Option("--article", help="Article id (or the record's own id).")] = None,
    limit: LimitOpt = 100,
    fmt: FormatOption = None,
) -> None:
    """List stored events, filtered."""
    flt = EventFilter(actor=actor, dyad=dyad, cameo=cameo, plover=plover, status=status,
                      since=parse_day(since, "--since"), until=parse_day(until, "--until"), article=article,
                      limit=limit or None)
    form = resolve_format(fmt)
    with _db(db) as database:
        if form in (Format.json, Format.jsonl):
            records = database.event_records(flt)
            if form is Format.json:
                sys.stdout.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
            else:
                for r in records:
                    sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
            return
        rows = database.events(flt).to_pylist()
    if form is Format.table:
        rows = [{k: r[k] for k in ("date", "source", "cameo", "plover", "target", "status", "trigger", "sentence")}
                for r in rows]
    emit_rows(rows, form, title="events", widths={"sentence": 90})


def _has_sources(database: Any) -> bool:
    """Whether the store has near-duplicate links (migration 0003)."""
    found = database.store.con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                                       "'articles' AND column_name IN ('num_sources', 'num_articles')").fetchall()
    return bool(found and found[0][0] == 2)


def _with_source_counts(database: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add num_sources / num_articles (GDELT's NumSources / NumArticles) after the event count."""
    counts: dict[str, tuple[int, int]] = {}
    if rows and _has_sources(database):
        found = database.store.con.execute("SELECT id, num_sources, num_articles FROM articles "
                                           "WHERE id IN (SELECT unnest(?))", [[r["id"] for r in rows]]).fetchall()
        counts = {r[0]: (r[1] or 1, r[2] or 1) for r in found}
    out = []
    for row in rows:
        sources, copies = counts.get(row["id"], (1, 1))
        out.append({**row, "num_sources": sources, "num_articles": copies})
    return out


def _article_sources(database: Any, article_id: str) -> list[dict[str, Any]]:
    sql = "SELECT 'coded' AS role, id, url, outlet, published, 1.0 AS similarity FROM articles WHERE id = $1"
    if _has_sources(database):
        sql += (" UNION ALL SELECT 'copy' AS role, id, url, outlet, published, similarity FROM article_sources "
                "WHERE article_id = $1")
    rows: list[dict[str, Any]] = database.store.sql(sql + " ORDER BY role, published NULLS LAST, id",
                                                    [article_id]).to_pylist()
    return rows


@app.command()
def articles(db: DbOption = None, limit: LimitOpt = 100, fmt: FormatOption = None,
             sources: Annotated[str | None, typer.Option(
                 "--sources", help="List one article's sources: the coded copy and the near-duplicates "
                                   "linked to it.")] = None) -> None:
    """List stored articles with their event counts and how many sources carried each (num_sources, num_articles)."""
    with _db(db) as database:
        if sources:
            rows = _article_sources(database, sources)
        else:
            rows = _with_source_counts(database, database.articles(limit=limit or None).to_pylist())
    emit_rows(rows, resolve_format(fmt), title="articles", widths={"title": 50, "url": 40})


@app.command()
def failures(db: DbOption = None, limit: LimitOpt = 100, fmt: FormatOption = None) -> None:
    """List documents that could not be processed, and why."""
    with _db(db) as database:
        rows = database.failures(limit=limit or None).to_pylist()
    emit_rows(rows, resolve_format(fmt), title="failures", widths={"message": 80, "source": 40})


@app.command()
def quotes(db: DbOption = None, actor: ActorOpt = None,
           since: Annotated[str | None, typer.Option("--since", help="Articles on or after this date.")] = None,
           limit: LimitOpt = 100, fmt: FormatOption = None) -> None:
    """List quotes with their speakers."""
    with _db(db) as database:
        rows = database.quotes(actor=actor, since=parse_day(since, "--since"), limit=limit or None).to_pylist()
    emit_rows(rows, resolve_format(fmt), title="quotes", widths={"content": 70, "speaker": 30})


@app.command()
def stats(db: DbOption = None, fmt: FormatOption = None) -> None:
    """Counts of articles, events (by status, CAMEO root, PLOVER event), quotes and failures."""
    with _db(db) as database:
        data = database.stats()
    form = resolve_format(fmt)
    if form is not Format.table:
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
        return
    from rich.table import Table

    for key, value in data.items():
        if isinstance(value, dict):
            table = Table(title=key.replace("_", " "))
            table.add_column("key")
            table.add_column("count", justify="right")
            for k, v in value.items():
                table.add_row(str(k), str(v))
            out.print(table)
        else:
            out.print(f"[bold]{key.replace('_', ' ')}[/bold]: {value}")
