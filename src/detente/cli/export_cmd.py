"""``detente export``."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ..export import export as run_export
from ..query import EventFilter, open_store
from . import app
from ._util import DbOption, err, parse_day


class ExportFormat(StrEnum):
    gdelt = "gdelt"
    plover = "plover"
    parquet = "parquet"
    csv = "csv"


@app.command("export")
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="gdelt, plover, parquet or csv.")],
    output: Annotated[str, typer.Option("--output", "-o", help="File to write ('-' = stdout for gdelt/plover).")] = "-",
    db: DbOption = None,
    actor: Annotated[str | None, typer.Option("--actor")] = None,
    dyad: Annotated[str | None, typer.Option("--dyad")] = None,
    status: Annotated[str | None, typer.Option("--status")] = None,
    since: Annotated[str | None, typer.Option("--since")] = None,
    until: Annotated[str | None, typer.Option("--until")] = None,
) -> None:
    """Export events: GDELT 2.0 event table, PLOVER JSON lines, Parquet or CSV."""
    flt = EventFilter(actor=actor, dyad=dyad, status=status, since=parse_day(since, "--since"),
                      until=parse_day(until, "--until"), limit=None)
    where, params = flt.where()
    with open_store(db, read_only=True) as database:
        if fmt in (ExportFormat.parquet, ExportFormat.csv):
            if output == "-":
                raise typer.BadParameter(f"--format {fmt.value} needs --output FILE", param_hint="--output")
            count = run_export(database, fmt.value, output, where=where, params=params)
        elif output == "-":
            count = run_export(database, fmt.value, sys.stdout, where=where, params=params)
        else:
            with open(output, "w", encoding="utf-8", newline="\n") as stream:
                count = run_export(database, fmt.value, stream, where=where, params=params)
    err.print(f"{count} events exported as {fmt.value}" + ("" if output == "-" else f" to {output}"))
