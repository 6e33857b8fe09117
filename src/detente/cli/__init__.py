"""The ``detente`` command line (Typer + rich). Only this package turns errors into exit codes."""

from __future__ import annotations

import sys

import typer

from ..errors import DetenteError
from ._util import err

app = typer.Typer(
    name="detente",
    help="Political event data from news: ingest, code, store, query and export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from . import (  # noqa: F401
        calendar_cmd,
        code_cmd,
        eval_cmd,
        export_cmd,
        fetch_cmd,
        query_cmd,
        scale_cmd,
        serve_cmd,
        train_cmd,
    )


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and print ``Error: ...`` for detente errors."""
    try:
        app(args=argv, standalone_mode=True)
    except DetenteError as exc:
        err.print(f"Error: {exc}", markup=False, highlight=False)
        sys.exit(1)
