"""Shared CLI options and output helpers: data on stdout, logs and progress on stderr."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..errors import ConfigError

out = Console(soft_wrap=True)
err = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


DbOption = Annotated[str | None, typer.Option("--db", envvar="DETENTE_DB",
                                              help="DuckDB file [default: ./detente.duckdb].")]
FormatOption = Annotated[Format | None, typer.Option("--format", "-f",
                                                     help="Output format [default: table on a terminal, else jsonl].")]
SetOption = Annotated[list[str] | None, typer.Option("--set", help="Override a setting: --set parse.batch_size=16.")]
ConfigOption = Annotated[str | None, typer.Option("--config", help="A TOML settings file.")]


def resolve_format(fmt: Format | None) -> Format:
    if fmt is not None:
        return fmt
    return Format.table if sys.stdout.isatty() else Format.jsonl


def parse_sets(values: Sequence[str] | None) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for value in values or []:
        if "=" not in value:
            raise ConfigError(f"--set expects KEY=VALUE such as parse.batch_size=16, got {value!r}", code="E102")
        key, val = value.split("=", 1)
        overrides[key.strip()] = val.strip()
    return overrides


def parse_day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ConfigError(f"{option} expects a date such as 2021-12-30, got {value!r}", code="E102") from None


def setup_logging(verbose: int, quiet: bool) -> None:
    from rich.logging import RichHandler

    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = RichHandler(console=err, show_path=False, show_time=False)
    root = logging.getLogger("detente")
    root.handlers = [h for h in root.handlers if not isinstance(h, RichHandler)]
    root.addHandler(handler)
    root.setLevel(level)


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def emit_rows(rows: list[dict[str, Any]], fmt: Format, *, title: str | None = None,
              widths: dict[str, int] | None = None) -> None:
    """Print rows as a table, CSV, a JSON array or JSON lines."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps([{k: _plain(v) for k, v in r.items()} for r in rows], indent=2,
                                    ensure_ascii=False) + "\n")
    elif fmt is Format.jsonl:
        for r in rows:
            sys.stdout.write(json.dumps({k: _plain(v) for k, v in r.items()}, ensure_ascii=False) + "\n")
    elif fmt is Format.csv:
        buf = io.StringIO()
        if rows:
            writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
            writer.writeheader()
            for r in rows:
                writer.writerow({k: _plain(v) for k, v in r.items()})
        sys.stdout.write(buf.getvalue())
    else:
        table = Table(title=title, show_lines=False, expand=False)
        columns = list(rows[0]) if rows else []
        cells = [["" if r[c] is None else " ".join(str(_plain(r[c])).split()) for c in columns] for r in rows]
        for index, col in enumerate(columns):
            if col in (widths or {}):
                # Long text gives way: it is cut to the room left by the short columns.
                table.add_column(col, overflow="fold", min_width=24, max_width=(widths or {})[col], ratio=1)
            else:
                longest = max([len(col), *(len(row[index]) for row in cells)])
                table.add_column(col, no_wrap=True, min_width=min(longest, 16), overflow="ellipsis")
        for row in cells:
            table.add_row(*row)
        if not rows:
            err.print("[dim]no rows[/dim]")
        else:
            out.print(table)
