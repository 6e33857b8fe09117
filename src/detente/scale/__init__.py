"""Scale out: the same pipeline on Ray Data, written as partitioned Parquet; load it into DuckDB or query it in place.

Example::

    from detente.scale import load_parquet, open_parquet, run_ray

    summary = run_ray(["news/"], out="parquet/", address="auto")  # needs the ray extra
    with Store("detente.duckdb") as store:
        load_parquet(store, "parquet/")                             # idempotent
    db = detente.open_store("parquet/")                              # the usual queries, over the Parquet

Ray is imported only when :func:`run_ray` runs: reading and loading the Parquet need no Ray.
"""

from __future__ import annotations

from ._parquet import FORMAT, PARTITION, VERSION, is_parquet_dir, load_parquet, open_parquet
from ._ray import run_ray

__all__ = ["FORMAT", "PARTITION", "VERSION", "is_parquet_dir", "load_parquet", "open_parquet", "run_ray"]
