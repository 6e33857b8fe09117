"""``detente ingest --engine ray``: the single-machine pipeline's own stages on Ray Data.

::

    file paths (driver) ──> read tasks ──────────────> coder actors (a pool of N) ──────────> Parquet + marker
                            iter_documents: raw docs   clean, claim ids, parse, code, write   (see _parquet)
                            and ingest Failures,       each actor loads spaCy once
                            streamed in blocks

Reading reuses :func:`detente.ingest.iter_documents`, cleaning :meth:`Pipeline.clean`, coding
:meth:`Pipeline.code_articles` and the rows :func:`detente.store.result_rows`, so the records are the
single-process path's. One small actor, the :class:`Registry`, hands out article ids (first claim wins)
and keeps the near-duplicate index, which gives the local path's idempotency and linking: an article
already written to the output, or seen earlier in the run, is counted as already stored and not coded
again, and a near-copy is linked to the first copy. Only one small row of counts per batch comes back
to the driver. Paths are opened as given by the read tasks: on a cluster, give paths every node can
read (a shared filesystem).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import shutil
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._extras import require_extra
from ..config import Settings, load_config
from ..errors import Errors, InputError
from ..ingest import IngestOptions, RawDocument, iter_documents
from ..ingest import _expand as expand_paths  # the local path's own expansion of dirs and globs
from ..ingest._dedup import NearDuplicates
from ..model import Article, Failure
from ..pipeline import Counts, Pipeline, RunSummary
from ..store import Store
from ._parquet import RUNS, BatchCounts, BatchWriter, Location, committed, prepare, read_column

logger = logging.getLogger(__name__)

__all__ = ["CodeBatches", "Registry", "RunConfig", "read_paths", "run_ray"]

Progress = Callable[[RunSummary], None]

_RAW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kind", "string"), ("text", "string"), ("where", "string"), ("html", "bool"), ("url", "string"),
    ("outlet", "string"), ("title", "string"), ("published", "timestamp"), ("language", "string"),
    ("source_path", "string"), ("source_id", "string"), ("stage", "string"), ("message", "string"),
    ("code", "string"), ("article_id", "string"),
)
_COUNTS = Counts.FIELDS
_STATS = (*_COUNTS, "clean_s", "code_s", "write_s")


def _ray() -> Any:
    """The ray module (with ray.data), untyped: its stubs do not follow our dynamic use of Ray Data."""
    import ray
    import ray.data

    return ray


def _raw_schema() -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "bool": pa.bool_(), "timestamp": pa.timestamp("us")}
    return pa.schema([(name, types[kind]) for name, kind in _RAW_COLUMNS])


def _to_row(item: RawDocument | Failure) -> dict[str, Any]:
    if isinstance(item, Failure):
        return {"kind": "failure", "where": item.source, "stage": item.stage, "message": item.message,
                "code": item.code, "article_id": item.article_id}
    return {"kind": "document", "text": item.text, "where": item.where, "html": item.html, "url": item.url,
            "outlet": item.outlet, "title": item.title, "published": item.published, "language": item.language,
            "source_path": item.source_path, "source_id": item.source_id}


def _from_row(row: dict[str, Any]) -> RawDocument | Failure:
    if row["kind"] == "failure":
        return Failure(source=row["where"], stage=row["stage"], message=row["message"], code=row["code"],
                       article_id=row["article_id"])
    return RawDocument(text=row["text"], where=row["where"], html=bool(row["html"]), url=row["url"],
                       outlet=row["outlet"], title=row["title"], published=row["published"],
                       language=row["language"], source_path=row["source_path"], source_id=row["source_id"])


def read_paths(batch: Any, *, options: IngestOptions, rows_per_block: int) -> Iterator[Any]:
    """Ray read task: the raw documents and ingest Failures of some files, in blocks of ``rows_per_block``."""
    import pyarrow as pa

    schema = _raw_schema()
    rows: list[dict[str, Any]] = []
    for path in batch.column("path").to_pylist():
        for item in iter_documents([path], options):
            rows.append(_to_row(item))
            if len(rows) >= rows_per_block:
                yield pa.Table.from_pylist(rows, schema=schema)
                rows = []
    if rows:
        yield pa.Table.from_pylist(rows, schema=schema)


class Registry:
    """Ray actor: what the coders share, so that together they behave as one local run.

    - Which batch first claimed each article id; ids already written to the output are known from the
      start, so a rerun skips them (as the local path skips ids in its database).
    - With ``ingest.dedup``, the near-duplicate index: the band keys and signatures of the originals, in a
      DuckDB file beside this actor (the store's own tables and lookup), so that a near-copy is linked to the
      first copy whichever actor reads it. Signatures are computed here, one batch at a time, which is
      what makes "first" well defined.
    """

    def __init__(self, settings: Settings, out: str) -> None:
        import pyarrow.dataset as pads

        location = Location(out)
        files = committed(location)
        self.owner: dict[str, str] = {}
        for table in ("articles", "article_sources"):
            self.owner.update(dict.fromkeys((str(v) for v in read_column(location, files[table], "id")), ""))
        self.finder = Pipeline(settings).near_duplicates
        self.index: Store | None = None
        self.tmp: str | None = None
        if self.finder is not None:
            self.tmp = tempfile.mkdtemp(prefix="detente-ray-index-")
            self.index = Store(os.path.join(self.tmp, "index.duckdb"))
            self.index.set_memory_limit(settings.store.ingest_memory_limit)
            # Its lookups are small; DuckDB's default thread per core would only compete with the coders.
            self.index.con.execute("SET threads TO 1")
            for table in ("article_minhash", "article_bands"):
                if files[table]:
                    self.index.con.register("_done", pads.dataset(files[table], format="parquet",
                                                                  filesystem=location.fs))
                    self.index.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _done")
                    self.index.con.unregister("_done")

    def admit(self, batch: str, articles: list[Article]) -> tuple[int, NearDuplicates]:
        """How many of ``articles`` are already stored or taken, and the rest split into originals and copies.

        A retried batch gets its own ids back (``batch`` is stable for the same input).
        """
        claimed: list[Article] = []
        seen: set[str] = set()
        for article in articles:
            if self.owner.setdefault(article.id, batch) == batch and article.id not in seen:
                claimed.append(article)
            seen.add(article.id)
        if self.finder is None or self.index is None or not claimed:
            return len(articles) - len(claimed), NearDuplicates(originals=claimed)
        near = self.finder.split(claimed, self.index.near_duplicate_candidates)
        self.index.write_results([], signatures=near.signatures)  # the next batch finds these originals
        return len(articles) - len(claimed), near

    def release(self, article_ids: list[str]) -> None:
        """Originals whose coding failed are not stored: later copies must not be linked to them."""
        if self.index is not None and article_ids:
            for table in ("article_minhash", "article_bands"):
                self.index.con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?))", [article_ids])

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RunConfig:
    """What every coder actor needs to know about the run."""

    settings: Settings
    out: str
    run_id: str
    registry: Any  # a handle to the Registry actor


class CodeBatches:
    """Ray actor (a pool of them): clean, claim, parse, code and write one batch; return its counts."""

    def __init__(self, run: RunConfig) -> None:
        self.run = run
        settings = run.settings
        # One process per actor: the pipeline's own worker pool stays off.
        settings = settings.model_copy(update={"parse": settings.parse.model_copy(update={"workers": 1})})
        self.pipeline = Pipeline(settings)
        self.pipeline.coder  # noqa: B018  (load spaCy and the extractor now, once per actor)
        self.writer = BatchWriter(Location(run.out))

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        ray = _ray()
        t0 = time.perf_counter()
        rows = batch.to_pylist()
        counts = BatchCounts(read=len(rows))
        failures: list[Failure] = []
        articles: list[Article] = []
        for row in rows:
            item = _from_row(row)
            cleaned = item if isinstance(item, Failure) else self._clean(item)
            (failures if isinstance(cleaned, Failure) else articles).append(cleaned)  # type: ignore[arg-type]
        batch_id = _batch_id(self.run.run_id, [str(r["where"]) for r in rows])
        near = NearDuplicates()
        if articles:
            counts.already_stored, near = ray.get(self.run.registry.admit.remote(batch_id, articles))
        t1 = time.perf_counter()
        results = list(self.pipeline.code_articles(near.originals, batch_size=len(near.originals))) \
            if near.originals else []
        t2 = time.perf_counter()
        stored = near.stored(results)
        failed = [r.article.id for r in results if r.failures]
        if failed and near.signatures:
            ray.get(self.run.registry.release.remote(failed))
        # Not English: counted, neither coded nor stored (as ingest.require_english does locally).
        skipped = [f for f in failures if f.code == "E211"]
        failures = [f for f in failures if f.code != "E211"]
        counts.skipped_language = len(skipped)
        counts.duplicates = len(stored.links)
        counts.failed = len(failures) + len(failed)
        counts.new = len(results) - len(failed)
        counts.events = sum(len(r.events) for r in results)
        counts.quotes = sum(len(r.quotes) for r in results)
        self.writer.write(batch_id, results, failures, run_id=self.run.run_id, counts=counts, links=stored.links,
                          signatures=stored.signatures)
        t3 = time.perf_counter()
        stats = {name: [value] for name, value in counts.as_dict().items() if name in _STATS}
        stats.update(clean_s=[t1 - t0], code_s=[t2 - t1], write_s=[t3 - t2])
        return pa.table(stats)

    def _clean(self, raw: RawDocument) -> Article | Failure:
        try:
            return self.pipeline.clean(raw)
        except Exception as exc:  # a cleaner bug on one document is stored, the batch goes on
            logger.exception("cleaning failed on %s", raw.where)
            detail = f"{type(exc).__name__}: {exc}"
            return Failure(source=raw.where, stage="clean", code="E401",
                           message=f"[E401] {Errors.E401.format(where=raw.where, stage='clean', detail=detail)}")


def _batch_id(run_id: str, wheres: Iterable[str]) -> str:
    """Stable for the same input block, so a retried batch overwrites its own files and reclaims its ids."""
    digest = hashlib.blake2b(digest_size=8)
    for where in wheres:
        digest.update(where.encode("utf-8", "replace") + b"\0")
    return f"{run_id}-{digest.hexdigest()}"


@contextlib.contextmanager
def _quiet_ray() -> Iterator[None]:
    """Ray's own deprecation notices (and one misleading concurrency hint) are not our users' business."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ray(\.|$)")
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"ray(\.|$)")
        # Said when there is one input file, before its blocks are split over the actors (see _execute).
        warnings.filterwarnings("ignore", message="The minimum number of concurrent actors", category=UserWarning)
        yield


def _connect(address: str, *, verbose: bool) -> bool:
    """Start or join Ray once for the run; True when we started it (and so shut it down)."""
    ray = _ray()

    if ray.is_initialized():
        return False
    level = logging.INFO if verbose else logging.ERROR
    try:
        ray.init(address=address or "local", include_dashboard=False, logging_level=level, log_to_driver=True)
    except Exception as exc:  # ConnectionError, RuntimeError, ValueError: each names the cause
        raise InputError(Errors.E241.format(address=address or "local", detail=exc), code="E241") from exc
    return True


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    from .. import __version__

    return {"detente": __version__, "spacy": version("spacy"), "ray": version("ray"),
            "pyarrow": version("pyarrow"), "python": platform.python_version()}


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()


def run_ray(paths: Iterable[str | Path], *, out: str | Path, settings: Settings | None = None,
            options: IngestOptions | None = None, address: str | None = None, workers: int | None = None,
            progress: Progress | None = None) -> RunSummary:
    """Ingest ``paths`` on Ray into partitioned Parquet under ``out``; the records are the local path's.

    Args:
        paths: files, directories and globs (read by Ray tasks: on a cluster, every node must see them).
        out: the output directory, a local path or a URI pyarrow supports (``s3://bucket/prefix``).
        settings: resolved settings (``[scale]`` holds this engine's own).
        options: how to read the sources, as for the local path.
        address: ``local`` starts Ray for this run; ``auto`` joins a running cluster (``ray start --head``);
            ``ray://host:10001`` a remote one. Default: ``scale.address``. An already initialised Ray is used as is.
        workers: coder actors (each loads spaCy once); default ``scale.workers``, 0 = one per CPU of the cluster.
        progress: called with the summary after each batch.

    Idempotent and resumable: articles already written under ``out`` are not coded again.
    """
    require_extra("--engine ray", "ray", extra="ray")
    settings = settings or load_config()
    options = options or IngestOptions(max_bytes=settings.ingest.max_bytes)
    inputs = [str(p) for p in paths]
    if "-" in inputs:
        raise InputError(Errors.E240.format(what="stdin ('-')"), code="E240")
    started = time.perf_counter()
    location = Location(out)
    prepare(location)
    summary = RunSummary(run_id=uuid.uuid4().hex[:16])
    record: dict[str, Any] = {"id": summary.run_id, "started_at": _now(), "finished_at": None, "inputs": inputs,
                              "settings": json.loads(settings.model_dump_json()), "versions": _versions(),
                              "counts": None, "status": "running", "engine": "ray"}
    location.write_json(record, RUNS, f"{summary.run_id}.json")
    items = [{"path": str(entry) if isinstance(entry, Path) else entry.source} for entry in expand_paths(inputs)]
    timings = {"clean": 0.0, "code": 0.0, "write": 0.0}
    status = "failed"
    ray = _ray()

    with _quiet_ray():
        owned = _connect(address or settings.scale.address, verbose=logger.isEnabledFor(logging.INFO))
        try:
            if items:
                for stats in _execute(items, location, settings, options, summary.run_id or "", workers):
                    for name in _COUNTS:
                        if hasattr(summary, name):
                            setattr(summary, name, getattr(summary, name) + int(stats[name]))
                    for name in timings:
                        timings[name] += float(stats[f"{name}_s"])
                    summary.seconds = time.perf_counter() - started
                    summary.timings = dict(timings)
                    if progress is not None:
                        progress(summary)
            status = "finished"
        except ray.exceptions.RayError as exc:
            detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise InputError(Errors.E243.format(out=location.uri, detail=detail), code="E243") from exc
        finally:
            summary.seconds = time.perf_counter() - started
            summary.timings = dict(timings)
            record.update(finished_at=_now(), counts=summary.as_dict(), status=status)
            location.write_json(record, RUNS, f"{summary.run_id}.json")
            if owned:
                ray.shutdown()
    if progress is not None:
        progress(summary)
    return summary


def _execute(items: list[dict[str, str]], location: Location, settings: Settings, options: IngestOptions,
             run_id: str, workers: int | None) -> Iterator[dict[str, Any]]:
    """Build and run the Ray Data pipeline; yield the counts of each batch as it is written."""
    ray = _ray()

    cpus = float(ray.cluster_resources().get("CPU", 1))
    per_worker = settings.scale.cpus_per_worker
    size = workers or settings.scale.workers or max(1, int(cpus // per_worker))
    if size * per_worker > cpus:
        raise InputError(Errors.E242.format(workers=size, need=size * per_worker, cpus=cpus), code="E242")
    context = ray.data.DataContext.get_current()
    saved = (context.enable_progress_bars, context.print_on_execution_start, context.target_max_block_size)
    context.enable_progress_bars = False  # the CLI draws its own progress from the counts
    context.print_on_execution_start = False
    # Ray Data merges what one task yields into blocks of up to 128 MiB, and an actor takes whole blocks:
    # one big file would go to one actor. Blocks of about a batch (a few kB per article) spread it out.
    context.target_max_block_size = settings.scale.batch_articles * 4096
    # Ray Data logs each execution at INFO on its own console handler; keep it to errors unless -v.
    data_logger = logging.getLogger("ray.data")
    level = data_logger.level
    data_logger.setLevel(logging.INFO if logger.isEnabledFor(logging.INFO) else logging.ERROR)
    registry = ray.remote(Registry).options(num_cpus=0).remote(settings, location.uri)
    try:
        run = RunConfig(settings=settings, out=location.uri, run_id=run_id, registry=registry)
        batch = settings.scale.batch_articles
        readers = max(1, min(settings.scale.readers, len(items)))
        dataset = (
            ray.data.from_items(items, override_num_blocks=min(len(items), readers * 4))
            # Reading is light (cleaning happens in the coders): zero-CPU tasks, at most `readers` at once.
            .map_batches(read_paths, batch_size=1, batch_format="pyarrow", num_cpus=0,
                         compute=ray.data.TaskPoolStrategy(size=readers),
                         fn_kwargs={"options": options, "rows_per_block": batch})
            .map_batches(CodeBatches, fn_constructor_kwargs={"run": run}, batch_size=batch, batch_format="pyarrow",
                         num_cpus=per_worker,
                         compute=ray.data.ActorPoolStrategy(size=size, max_tasks_in_flight_per_actor=2))
        )
        logger.info("ray: %d inputs, %d coder actors, batches of %d articles, writing to %s",
                    len(items), size, batch, location.uri)
        for table in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
            yield from table.to_pylist()
    finally:
        data_logger.setLevel(level)
        context.enable_progress_bars, context.print_on_execution_start, context.target_max_block_size = saved
        with contextlib.suppress(Exception):  # the run's outcome is decided; the index is scratch
            ray.get(registry.close.remote())
        ray.kill(registry)

