"""``detente calendar``: scheduled and intended events by date, as a table, rows or an iCalendar file."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from ..query import CalendarEntry, open_store
from . import app
from ._util import DbOption, Format, emit_rows, err, parse_day, resolve_format


class CalendarFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    ics = "ics"


def _day(value: str | None, option: str) -> dt.date | None:
    if value is not None and value.strip().lower() == "today":
        return dt.date.today()
    return parse_day(value, option)


def _shown_date(entry: CalendarEntry) -> str:
    if entry.date_precision == "month":
        return entry.date.strftime("%Y-%m")
    if entry.date_precision == "year":
        return entry.date.strftime("%Y")
    return entry.date.isoformat()


def _what(entry: CalendarEntry) -> str:
    """The title without its participants ("Consult (talks)"), and the CAMEO name where it says more."""
    what = entry.title.removeprefix("–".join(entry.participants) + ": ") if entry.participants else entry.title
    name = entry.cameo_name.removesuffix(", not specified below")
    return f"{what}; {name}" if name and not what.lower().startswith(name.lower()) else what


def _rows(entries: list[CalendarEntry], form: Format) -> list[dict[str, Any]]:
    if form is Format.table:
        return [{"date": _shown_date(e), "participants": ", ".join(e.participants), "what": _what(e),
                 "status": e.status, "sentence": e.sentence} for e in entries]
    rows = [e.to_dict() for e in entries]
    if form is Format.csv:
        for row in rows:
            row["participants"] = ";".join(row["participants"])
            row["event_ids"] = ";".join(row["event_ids"])
    return rows


@app.command()
def calendar(
    db: DbOption = None,
    start: Annotated[str | None, typer.Option("--from", help="Entries on or after this date (or 'today').")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Entries on or before this date (or 'today').")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Actor code, e.g. RUS, USAGOV, NATO.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="At most this many entries (0 = all).")] = 500,
    fmt: Annotated[CalendarFormat | None, typer.Option(
        "--format", "-f", help="table, csv, json, jsonl or ics [default: table on a terminal, else jsonl].")] = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="File to write ('-' = stdout); needed for --format ics.")] = None,
) -> None:
    """Upcoming meetings, talks, votes and deadlines: scheduled and intended events by date.

    Events about the same occasion (same date, participants and PLOVER event) are one entry.
    `--format ics -o FILE` writes an iCalendar file that calendar apps import.
    """
    path = None if output is None or output == "-" else output  # None: stdout
    if fmt is None and path is not None and path.lower().endswith(".ics"):
        fmt = CalendarFormat.ics
    if fmt is CalendarFormat.ics and output is None:
        raise typer.BadParameter("--format ics needs --output FILE (or '-' for stdout)", param_hint="--output")
    with open_store(db, read_only=True) as database:
        entries = database.calendar(start=_day(start, "--from"), end=_day(end, "--to"), actor=actor,
                                    limit=limit or None)
    if fmt is CalendarFormat.ics:
        from ..export.ics import to_ics

        data = to_ics(entries)
        if path is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            with open(path, "wb") as binary:
                binary.write(data)
        err.print(f"{len(entries)} calendar entries written as iCalendar" + (f" to {path}" if path else ""),
                  markup=False, highlight=False)
        return
    if fmt is not None:
        form = Format(fmt.value)
    else:
        form = Format.jsonl if path is not None else resolve_format(None)
    rows = _rows(entries, form)
    if path is None:
        emit_rows(rows, form, title="calendar", widths={"sentence": 90})
        return
    with open(path, "w", encoding="utf-8", newline="\n") as stream, contextlib.redirect_stdout(stream):
        emit_rows(rows, form, title="calendar", widths={"sentence": 90})
    err.print(f"{len(entries)} calendar entries written to {path}", markup=False, highlight=False)
