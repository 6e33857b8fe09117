"""``detente watch``: poll RSS/Atom feeds, fetch the new items' pages, ingest them.

The items handled are remembered in the store (``feed_items``: feed, item id, url, status), so a
restart, a cron job (``--once``) or a second machine with the same database never fetches an item
twice. The database is opened only during a round, so other commands can read it between rounds.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Errors, FetchError
from ..model import Failure
from ._client import FEED_TYPES, Fetcher
from ._pages import save_page, saved_page

if TYPE_CHECKING:
    from ..pipeline import Pipeline, RunSummary
    from ..store import Store

logger = logging.getLogger(__name__)

__all__ = ["WatchRound", "Watcher", "parse_duration"]

#: A page that failed for a passing reason (timeout, no connection, 429/5xx) is tried again in
#: later rounds, this many times in all; other failures (robots.txt, 404, size, type) are final.
MAX_TRIES = 3

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


def parse_duration(value: str) -> float:
    """Seconds in ``90s``, ``15m``, ``1h``, ``1d`` or a bare number of seconds.

    Raises:
        FetchError: not a positive duration (E1010).
    """
    match = _DURATION_RE.match(value)
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()] if match else 0.0
    if seconds <= 0:
        raise FetchError(Errors.E1010.format(value=value), code="E1010")
    return seconds


@dataclass(slots=True)
class WatchRound:
    """What one round did."""

    number: int
    feeds: int = 0
    feeds_failed: int = 0
    items: int = 0
    new_items: int = 0
    fetched: int = 0
    fetch_failed: int = 0
    ingest: RunSummary | None = None
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"round": self.number, "feeds": self.feeds, "feeds_failed": self.feeds_failed,
                "items": self.items, "new_items": self.new_items, "fetched": self.fetched,
                "fetch_failed": self.fetch_failed, "ingest": self.ingest.as_dict() if self.ingest else None,
                "errors": list(self.errors)}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Item:
    feed: str
    item: str
    url: str | None
    title: str | None
    published: str | None


def _transient(exc: FetchError) -> bool:
    status = exc.context.get("status", 0)
    return exc.code in ("E1003", "E1004") or (exc.code == "E1002" and (status == 429 or status >= 500))


class Watcher:
    """Poll ``feeds``, fetch new items into ``pages_dir``, ingest them into the store at ``db``.

    Example::

        watcher = Watcher(["https://news.example/world.rss"], db="news.duckdb", pages_dir="pages",
                          pipeline=Pipeline(), fetcher=Fetcher(load_config().fetch))
        watcher.run(every=900, stop=threading.Event())
    """

    def __init__(self, feeds: Sequence[str], *, db: str | Path, pages_dir: str | Path, pipeline: Pipeline,
                 fetcher: Fetcher) -> None:
        self.feeds = list(feeds)
        self.db = str(db)
        self.pages_dir = Path(pages_dir)
        self.pipeline = pipeline
        self.fetcher = fetcher
        self.rounds = 0

    def run(self, *, every: float, rounds: int | None = None, stop: threading.Event | None = None,
            on_round: Callable[[WatchRound], None] | None = None) -> int:
        """Poll every ``every`` seconds until ``stop`` is set (or ``rounds`` rounds); return the rounds run."""
        stop = stop or threading.Event()
        done = 0
        while not stop.is_set():
            report = self.poll()
            done += 1
            if on_round is not None:
                on_round(report)
            if rounds is not None and done >= rounds:
                break
            stop.wait(every)
        return done

    def poll(self) -> WatchRound:
        """One round: read every feed, fetch and ingest the items not handled before."""
        from ..store import Store

        self.rounds += 1
        report = WatchRound(number=self.rounds)
        failures: list[Failure] = []
        items: list[_Item] = []
        for feed in self.feeds:
            report.feeds += 1
            try:
                items.extend(self._read_feed(feed))
            except FetchError as exc:
                report.feeds_failed += 1
                report.errors.append(str(exc))
                failures.append(Failure(source=feed, stage="fetch", code=exc.code, message=str(exc)))
                logger.warning("feed skipped: %s", exc)
        report.items = len(items)
        with Store(self.db) as store:
            handled = _handled(store, items)
            new = [i for i in items if (i.feed, i.item) not in handled]
            report.new_items = len(new)
            tries = _tries(store, new)
            paths: list[str] = []
            done: list[tuple[_Item, str, str | None]] = []
            for item in new:
                if not item.url:
                    done.append((item, "no-link", None))
                    continue
                path = saved_page(item.url, self.pages_dir)
                try:
                    if path is None:
                        page = self.fetcher.get(item.url)
                        path = save_page(page, self.pages_dir, meta={"title": item.title,
                                                                     "published": item.published,
                                                                     "feed": item.feed})
                        report.fetched += 1
                except FetchError as exc:
                    report.fetch_failed += 1
                    report.errors.append(str(exc))
                    failures.append(Failure(source=item.url, stage="fetch", code=exc.code, message=str(exc)))
                    again = _transient(exc) and tries.get((item.feed, item.item), 0) + 1 < MAX_TRIES
                    done.append((item, "retry" if again else "failed", str(exc)))
                    continue
                paths.append(str(path))
                done.append((item, "ingested", None))
            if failures:
                store.write_results([], failures)
            if paths:
                report.ingest = self.pipeline.run(paths, store=store)
            _record(store, done)
        return report

    def _read_feed(self, feed: str) -> list[_Item]:
        import feedparser

        page = self.fetcher.get(feed, accept=FEED_TYPES)
        parsed = feedparser.parse(page.body)
        entries = list(parsed.entries)
        if not entries and not parsed.get("version"):
            detail = str(parsed.get("bozo_exception") or "") or "not an RSS or Atom feed"
            raise FetchError(Errors.E1009.format(url=feed, detail=detail), code="E1009")
        if parsed.bozo:
            detail = str(parsed.get("bozo_exception") or "not well-formed")
            if not entries:
                raise FetchError(Errors.E1009.format(url=feed, detail=detail), code="E1009")
            entries = entries[:-1]  # the last item of a cut-off feed is incomplete
            logger.warning("%s", Errors.E1009.format(url=feed, detail=detail))
        out = []
        for entry in entries:
            link = entry.get("link") or None
            item = entry.get("id") or link
            if not item:
                continue
            published = None
            for key in ("published_parsed", "updated_parsed"):
                value = entry.get(key)
                if value:
                    published = dt.datetime(*value[:6]).isoformat()
                    break
            out.append(_Item(feed=feed, item=str(item), url=str(link) if link else None,
                             title=entry.get("title"), published=published))
        return out


def _handled(store: Store, items: Sequence[_Item]) -> set[tuple[str, str]]:
    if not items:
        return set()
    rows = store.con.execute(
        "SELECT feed, item FROM feed_items WHERE status <> 'retry' AND item IN (SELECT unnest(?))",
        [[i.item for i in items]]).fetchall()
    return {(r[0], r[1]) for r in rows}


def _tries(store: Store, items: Sequence[_Item]) -> dict[tuple[str, str], int]:
    if not items:
        return {}
    rows = store.con.execute("SELECT feed, item, count(*) FROM feed_items WHERE status = 'retry' "
                             "AND item IN (SELECT unnest(?)) GROUP BY feed, item",
                             [[i.item for i in items]]).fetchall()
    return {(r[0], r[1]): int(r[2]) for r in rows}


def _record(store: Store, done: Sequence[tuple[_Item, str, str | None]]) -> None:
    """Remember what happened to each item: one row per try while it is retried, then a final row."""
    if not done:
        return
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    store.con.executemany("INSERT INTO feed_items VALUES (?, ?, ?, ?, ?, ?)",
                          [[i.feed, i.item, i.url, status, detail, now] for i, status, detail in done])
