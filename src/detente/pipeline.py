"""Run the stages over a stream of articles: ingest -> clean -> parse -> extract (-> store).

Batching, per-document failures (stored and counted, never fatal), optional worker
processes, and a progress callback. The CLI draws progress; the library never prints.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .clean import article_id, clean_document, clean_text
from .config import Settings, load_config
from .errors import DetenteError, Errors, ExtractionError, InputError
from .extract.quotes import extract_quotes
from .ingest import IngestOptions, RawDocument, iter_documents
from .ingest._dedup import NearDuplicateFinder, NearDuplicates
from .model import Article, Failure, Result
from .parse import load_nlp
from .registry import extractors

if TYPE_CHECKING:
    from .store import Store

logger = logging.getLogger(__name__)

__all__ = ["Counts", "Pipeline", "RunSummary", "code_text", "code_texts"]

Progress = Callable[["RunSummary"], None]


@dataclass(slots=True)
class Counts:
    """What a run, or one batch of it, read and wrote."""

    FIELDS: ClassVar[tuple[str, ...]] = ("read", "new", "already_stored", "failed", "events", "quotes",
                                         "skipped_language", "duplicates")

    read: int = 0
    new: int = 0
    already_stored: int = 0
    failed: int = 0
    events: int = 0
    quotes: int = 0
    skipped_language: int = 0  # not English: counted, neither coded nor stored as a Failure
    duplicates: int = 0  # near-copies linked to an article already coded (not coded again)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.FIELDS}


@dataclass(slots=True)
class RunSummary(Counts):
    """Counts and timings of one run."""

    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    run_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts(), "seconds": round(self.seconds, 3),
                "timings": {k: round(v, 3) for k, v in self.timings.items()}}


class _Coder:
    """What each process holds: the spaCy pipeline and the extractor, built once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.nlp = load_nlp(settings.parse.model or None)
        factory = extractors.get(settings.extract.extractor)
        options: dict[str, Any] = {}
        if settings.extract.min_confidence:
            options["min_confidence"] = settings.extract.min_confidence
        if not settings.extract.untargeted_statements:
            options["untargeted_statements"] = False
        section = getattr(factory, "settings_section", None)
        if section:  # an extractor with its own settings section ([learn] for detente.hybrid.v1)
            options.update(getattr(settings, section).model_dump())
        self.extractor = factory(**options)
        if hasattr(self.extractor, "resolver"):
            self.extractor.resolver(self.nlp)

    def code(self, articles: Sequence[Article]) -> list[Result]:
        out: list[Result] = []
        texts = (a.text for a in articles)
        try:
            docs = list(self.nlp.pipe(texts, batch_size=self.settings.parse.batch_size))
        except Exception:  # one bad text must not kill the batch: parse one by one
            docs = []
            for article in articles:
                try:
                    docs.append(self.nlp(article.text))
                except Exception as exc:
                    docs.append(exc)
        for article, doc in zip(articles, docs, strict=True):
            if isinstance(doc, Exception):
                out.append(Result(article=article, failures=(_failure(article, "parse", doc),)))
                continue
            out.append(self.code_doc(doc, article))
        return out

    def code_doc(self, doc: Any, article: Article) -> Result:
        try:
            actors = self.extractor.actors_for(doc, article) if hasattr(self.extractor, "actors_for") else None
            events = self.extractor(doc, article, actors) if actors is not None else self.extractor(doc, article)
            quotes = extract_quotes(doc, article, actors) if (self.settings.extract.quotes and actors) else []
        except DetenteError as exc:
            return Result(article=article, failures=(_failure(article, "extract", exc),))
        except Exception as exc:  # an extractor bug on one document is stored, the batch goes on
            logger.exception("extractor failed on %s", article.id)
            return Result(article=article, failures=(_failure(article, "extract", exc),))
        return Result(article=article, events=tuple(events), quotes=tuple(quotes))


def _failure(article: Article, stage: str, exc: BaseException) -> Failure:
    where = article.source_path or article.id
    message = str(exc) if isinstance(exc, DetenteError) else str(
        ExtractionError(Errors.E401.format(where=where, stage=stage, detail=f"{type(exc).__name__}: {exc}"),
                        code="E401"))
    return Failure(source=where, stage=stage, message=message, article_id=article.id,
                   code=getattr(exc, "code", "E401"))


_WORKER: _Coder | None = None


def _worker_init(settings: Settings) -> None:
    global _WORKER
    _WORKER = _Coder(settings)


def _worker_code(articles: list[Article]) -> list[Result]:
    if _WORKER is None:  # the pool's initializer always runs first; this guards misuse
        raise ExtractionError("worker process was not initialised", code="E401")
    return _WORKER.code(articles)


class Pipeline:
    """The whole flow, configured once.

    Example::

        pipeline = Pipeline()
        result = pipeline.code_text("Russia and Ukraine held talks in Istanbul on Tuesday.",
                                    published=datetime.date(2022, 3, 31))
    """

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or load_config(overrides=overrides or None)
        self._coder: _Coder | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._near_duplicates: NearDuplicateFinder | None = None

    @property
    def near_duplicates(self) -> NearDuplicateFinder | None:
        """The near-duplicate finder of :meth:`run` (built on first use), or None with ``ingest.dedup`` off."""
        ingest = self.settings.ingest
        if ingest.dedup and self._near_duplicates is None:
            self._near_duplicates = NearDuplicateFinder(
                threshold=ingest.dedup_threshold, num_perm=ingest.dedup_num_perm,
                shingle_words=ingest.dedup_shingle_words, min_words=ingest.dedup_min_words)
        return self._near_duplicates if ingest.dedup else None

    @property
    def coder(self) -> _Coder:
        if self._coder is None:
            self._coder = _Coder(self.settings)
        return self._coder

    # -- building articles ------------------------------------------------------------------------
    def articles(self, paths: Iterable[str | Path], options: IngestOptions | None = None
                 ) -> Iterator[Article | Failure]:
        """Ingest and clean: an Article, or a Failure naming the file/record, per document."""
        options = options or IngestOptions(max_bytes=self.settings.ingest.max_bytes)
        for item in iter_documents(paths, options):
            if isinstance(item, Failure):
                yield item
                continue
            yield self.clean(item)

    def clean(self, raw: RawDocument) -> Article | Failure:
        if self.settings.ingest.require_english and raw.language and not raw.language.lower().startswith("en"):
            # Declared non-English (a WARC page's lang attribute, a record's language field): no
            # need to extract the text first.
            return Failure(source=raw.where, stage="language", code="E211", message=str(InputError(
                Errors.E211.format(where=raw.where, language=raw.language), code="E211")))
        try:
            return clean_document(raw, require_english=self.settings.ingest.require_english,
                                  min_english_ratio=self.settings.ingest.min_english_ratio)
        except DetenteError as exc:
            stage = "language" if exc.code == "E211" else "clean"
            return Failure(source=raw.where, stage=stage, message=str(exc), code=exc.code)

    # -- coding ----------------------------------------------------------------------------------
    def code_articles(self, articles: Iterable[Article], *, batch_size: int | None = None) -> Iterator[Result]:
        """Parse and code articles in batches (with worker processes when settings.parse.workers > 1)."""
        size = batch_size or self.settings.store.batch_articles
        workers = self.settings.parse.workers
        if workers <= 1:
            for batch in _batched(articles, size):
                yield from self.coder.code(batch)
            return
        # One pool for the pipeline's life (each worker loads spaCy once); each batch is shared out
        # so every worker gets a part of it.
        part = max(1, -(-size // workers))
        for batch in _batched(articles, size):
            for results in self.pool.map(_worker_code, list(_batched(batch, part)), chunksize=1):
                yield from results

    @property
    def pool(self) -> ProcessPoolExecutor:
        """The worker processes (started on first use; :meth:`close` stops them)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.settings.parse.workers, initializer=_worker_init,
                                             initargs=(self.settings,))
        return self._pool

    def close(self) -> None:
        """Stop the worker processes, if any."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def code_text(self, text: str, *, published: dt.date | dt.datetime | None = None,
                  outlet: str | None = None, url: str | None = None, title: str | None = None) -> Result:
        """Events and quotes of one text (cleaned first); nothing is stored."""
        article = make_article(text, published=published, outlet=outlet, url=url, title=title)
        return self.coder.code([article])[0]

    # -- the main job ----------------------------------------------------------------------------
    def run(self, paths: Iterable[str | Path], *, store: Store, options: IngestOptions | None = None,
            progress: Progress | None = None) -> RunSummary:
        """Ingest ``paths`` into ``store``: idempotent, resumable, one transaction per batch."""
        started = time.perf_counter()
        summary = RunSummary()
        summary.run_id = store.start_run(self.settings, [str(p) for p in paths])
        store.set_memory_limit(self.settings.store.ingest_memory_limit)
        pending_failures: list[Failure] = []
        timings = {"ingest": 0.0, "code": 0.0, "store": 0.0}
        batch: list[Article] = []
        seen_in_run: set[str] = set()

        def flush() -> None:
            nonlocal batch, pending_failures
            t0 = time.perf_counter()
            known = store.known_article_ids([a.id for a in batch])
            fresh = [a for a in batch if a.id not in known]
            summary.already_stored += len(batch) - len(fresh)
            near = NearDuplicates(originals=fresh)
            finder = self.near_duplicates
            if finder is not None and fresh:
                # Copies of stored articles or of earlier ones in this batch are linked, not coded.
                near = finder.split(fresh, store.near_duplicate_candidates)
                fresh = near.originals
            results = list(self.code_articles(fresh, batch_size=len(fresh) or 1)) if fresh else []
            near = near.stored(results)
            t1 = time.perf_counter()
            timings["code"] += t1 - t0
            store.write_results(results, pending_failures, run_id=summary.run_id, links=near.links,
                                signatures=near.signatures)
            timings["store"] += time.perf_counter() - t1
            summary.duplicates += len(near.links)
            for r in results:
                if r.failures:
                    summary.failed += 1
                else:
                    summary.new += 1
                summary.events += len(r.events)
                summary.quotes += len(r.quotes)
            logger.info("stored batch: %d articles (%d new in this run), %d failures, %d events so far",
                        len(batch), summary.new, summary.failed, summary.events)
            batch, pending_failures = [], []
            if progress is not None:
                summary.seconds = time.perf_counter() - started
                summary.timings = dict(timings)
                progress(summary)

        t_ingest = time.perf_counter()
        for item in self.articles(paths, options):
            timings["ingest"] += time.perf_counter() - t_ingest
            summary.read += 1
            if isinstance(item, Failure) and item.code == "E211":
                # Not English: a filter, not an error in the input (see ingest.require_english).
                summary.skipped_language += 1
                logger.debug("skipped %s: not English", item.source)
            elif isinstance(item, Failure):
                summary.failed += 1
                pending_failures.append(item)
                if len(pending_failures) >= self.settings.store.batch_articles:
                    flush()
            elif item.id in seen_in_run:
                summary.already_stored += 1
            else:
                seen_in_run.add(item.id)
                batch.append(item)
                if len(batch) >= self.settings.store.batch_articles:
                    flush()
            t_ingest = time.perf_counter()
        if batch or pending_failures:
            flush()
        summary.seconds = time.perf_counter() - started
        summary.timings = timings
        store.finish_run(summary.run_id, summary.as_dict())
        if progress is not None:
            progress(summary)
        return summary


def _batched(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def make_article(text: str, *, published: dt.date | dt.datetime | None = None, outlet: str | None = None,
                 url: str | None = None, title: str | None = None, source_id: str | None = None) -> Article:
    """An Article from plain text (cleaned), without the language check."""
    cleaned = clean_text(text)
    when: dt.datetime | None
    if isinstance(published, dt.datetime):
        when = published
    elif isinstance(published, dt.date):
        when = dt.datetime(published.year, published.month, published.day)
    else:
        when = None
    return Article(id=article_id(outlet=outlet, url=url, text=cleaned.text), text=cleaned.text, url=url,
                   outlet=outlet, title=title, published=when, language="en", byline=cleaned.byline,
                   dateline=cleaned.dateline, source_id=source_id)


_DEFAULT: dict[str, Pipeline] = {}


def _default_pipeline(extractor: str) -> Pipeline:
    pipeline = _DEFAULT.get(extractor)
    if pipeline is None:
        pipeline = Pipeline(load_config(overrides={"extract.extractor": extractor}))
        _DEFAULT[extractor] = pipeline
    return pipeline


def code_text(text: str, *, published: dt.date | dt.datetime | None = None, outlet: str | None = None,
              extractor: str = "detente.rules.v1") -> Result:
    """Events and quotes of one text with the default pipeline; no database.

    Args:
        text: the article text (clutter is cleaned first; offsets point into the cleaned text).
        published: the publication date, which anchors relative dates ("on Thursday").
        outlet: the outlet name, kept on the article.
        extractor: a registered extractor name.
    """
    return _default_pipeline(extractor).code_text(text, published=published, outlet=outlet)


def code_texts(texts: Iterable[str], *, published: dt.date | None = None, extractor: str = "detente.rules.v1",
               batch_size: int = 64) -> Iterator[Result]:
    """Code many texts in order, one Result per text (for evaluation and notebooks)."""
    pipeline = _default_pipeline(extractor)
    articles = (replace(make_article(t, published=published), id=f"{i:08d}-{article_id(outlet=None, url=None, text=t)}")
                for i, t in enumerate(texts))
    yield from pipeline.code_articles(articles, batch_size=batch_size)
