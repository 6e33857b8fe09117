"""``detente load``: Parquet written by the Ray engine into the DuckDB store."""

from __future__ import annotations

from . import app  # noqa: F401
