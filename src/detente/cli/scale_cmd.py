"""``detente load``: Parquet written by the Ray engine into the DuckDB store."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..scale import load_parquet
from ..store import Store, default_db_path
from . import app
from ._util import DbOption, err, setup_logging


@app.command()
def load(
    directory: Annotated[str, typer.Argument(help="A directory written by `detente ingest --engine ray --out DIR` "
                                                  "(a path, or a URI pyarrow supports).")],
    db: DbOption = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More logging.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
) -> None:
    """Load Ray-engine Parquet into the database, in one transaction; loading twice adds nothing."""
    setup_logging(verbose, quiet)
    path = db or default_db_path()
    started = time.perf_counter()
    with Store(path) as store:
        added = load_parquet(store, directory)
    if not quiet:
        err.print(f"loaded {directory} → {path} in {time.perf_counter() - started:.1f} s: "
                  f"[green]{added['articles']} articles[/green] · {added['events']} events · "
                  f"{added['quotes']} quotes · {added['failures']} failures · "
                  f"{added['article_sources']} near-duplicate sources · {added['runs']} runs added "
                  "(rows already in the database are skipped)")
