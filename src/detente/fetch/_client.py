"""A polite HTTP client: robots.txt, a per-host rate limit, retries with backoff, timeouts, a size cap."""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
import urllib.robotparser
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import Errors, FetchError

if TYPE_CHECKING:
    from ..config import FetchSettings

logger = logging.getLogger(__name__)

__all__ = ["FEED_TYPES", "PAGE_TYPES", "Fetcher", "Page"]

#: Content types saved as pages: HTML, plain text and feeds (a feed link may point at one).
PAGE_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml", "text/plain", "application/rss+xml",
                               "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
#: Content types accepted for a feed: feeds and XML, and the text types some servers label feeds with.
FEED_TYPES: tuple[str, ...] = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
                               "application/xml", "text/xml", "text/html", "text/plain")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt should not be used for more than 24 hours
_ROBOTS_DOWN_TTL = 600.0  # a robots.txt answering 5xx means "disallow all" for now; ask again soon
_ROBOTS_MAX = 512_000  # RFC 9309: parse at least the first 500 KiB


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One fetched response body with what was learnt fetching it."""

    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    fetched_at: dt.datetime
    attempts: int


@dataclass(slots=True)
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    expires: float
    disallow_all: bool = False
    note: str = ""


class _Transient(Exception):
    """A try that may succeed later: a timeout, a connection error, HTTP 429 or 5xx."""

    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class Fetcher:
    """HTTP GET with manners, for ``detente fetch`` and ``detente watch``.

    - robots.txt of each origin is fetched once (cached for a day) and obeyed, with its Crawl-delay;
    - at most one request per ``min_interval`` seconds to a host;
    - timeouts, a connection error, 429 and 5xx are retried with exponential backoff
      (``backoff``, doubled each time, at most ``max_backoff``), honouring Retry-After;
    - connect, read and total timeouts; bodies are streamed and cut off at ``max_bytes``;
    - only the expected content types are read; redirects are followed by hand, so robots.txt
      and the rate limit apply to every hop.

    Every refusal raises :class:`~detente.errors.FetchError` naming the URL.

    Example::

        with Fetcher(load_config().fetch) as fetcher:
            page = fetcher.get("https://news.example/story")
    """

    def __init__(self, settings: FetchSettings, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self._sleep = sleep
        self._clock = clock
        timeout = httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                write=settings.read_timeout, pool=settings.connect_timeout)
        self._client = httpx.Client(headers={"User-Agent": settings.user_agent,
                                             "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                                                       "application/atom+xml,application/xml;q=0.9,"
                                                       "text/plain;q=0.8,*/*;q=0.1"},
                                    timeout=timeout, follow_redirects=False, transport=transport, trust_env=False)
        self._robots: dict[str, _Robots] = {}
        self._next_turn: dict[str, float] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the one public call -----------------------------------------------------------------------
    def get(self, url: str, *, accept: Sequence[str] = PAGE_TYPES) -> Page:
        """Fetch ``url`` politely and return its body.

        Raises:
            FetchError: not http(s) (E1007), disallowed by robots.txt (E1001), an HTTP error status
                (E1002), timed out (E1003), no connection (E1004), over the size cap (E1005), an
                unwanted content type (E1006), too many redirects (E1008).
        """
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            _check_scheme(current, url)
            self._check_robots(current)
            status, headers, body, attempts = self._get_with_retries(current, accept)
            if status in _REDIRECTS:
                location = headers.get("location")
                if not location:
                    raise FetchError(Errors.E1002.format(url=current, status=status, attempts=attempts,
                                                         detail=" (a redirect without a Location)"), code="E1002")
                current = urljoin(current, location)
                continue
            return Page(url=url, final_url=current, status=status,
                        content_type=headers.get("content-type", ""), body=body,
                        fetched_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0), attempts=attempts)
        raise FetchError(Errors.E1008.format(url=url, limit=self.settings.max_redirects), code="E1008")

    # -- robots.txt -----------------------------------------------------------------------------------
    def _check_robots(self, url: str) -> None:
        if not self.settings.robots:
            return
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        robots = self._robots.get(origin)
        if robots is None or robots.expires <= self._clock():
            try:
                robots = self._load_robots(origin)
            except FetchError as exc:  # no connection, or a timeout: name the page, not its robots.txt
                template = Errors.E1003 if exc.code == "E1003" else Errors.E1004
                raise FetchError(template.format(url=url, attempts=exc.context.get("attempts"),
                                                 detail=f"fetching {origin}/robots.txt: {exc.context.get('detail')}"),
                                 code=exc.code) from exc
            self._robots[origin] = robots
        agent = self.settings.user_agent
        if robots.disallow_all or (robots.parser is not None and not robots.parser.can_fetch(agent, url)):
            where = f"{origin}/robots.txt" + (f" ({robots.note})" if robots.note else "")
            raise FetchError(Errors.E1001.format(url=url, robots=where, agent=agent.split("/")[0]), code="E1001")

    def _load_robots(self, origin: str) -> _Robots:
        url = f"{origin}/robots.txt"
        try:
            for _hop in range(5):  # RFC 9309: follow at least five redirects
                status, headers, body, _attempts = self._get_with_retries(url, None)
                location = headers.get("location")
                if status not in _REDIRECTS or not location:
                    break
                url = urljoin(url, location)
                _check_scheme(url, f"{origin}/robots.txt")
        except FetchError as exc:
            if exc.code in ("E1003", "E1004"):
                raise  # a timeout or no connection: the page's error too
            if exc.code == "E1002" and exc.context.get("status", 0) >= 500:
                # RFC 9309: an unreachable robots.txt (5xx) means complete disallow.
                return _Robots(parser=None, expires=self._clock() + _ROBOTS_DOWN_TTL, disallow_all=True,
                               note=f"HTTP {exc.context['status']}: treated as disallow all")
            # 4xx, a redirect elsewhere than http(s), or not a robots.txt at all: no rules.
            return _Robots(parser=None, expires=self._clock() + _ROBOTS_TTL)
        if status != 200:  # still redirected, or no content: no rules
            return _Robots(parser=None, expires=self._clock() + _ROBOTS_TTL)
        parser = urllib.robotparser.RobotFileParser(url)
        parser.parse(body[:_ROBOTS_MAX].decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(self.settings.user_agent)
        if delay:
            logger.info("%s asks for a crawl delay of %s s", url, delay)
        return _Robots(parser=parser, expires=self._clock() + _ROBOTS_TTL)

    # -- requests ---------------------------------------------------------------------------------------
    def _wait_turn(self, url: str) -> None:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        wait = self._next_turn.get(host, 0.0) - self._clock()
        if wait > 0:
            self._sleep(wait)
        interval = self.settings.min_interval
        robots = self._robots.get(f"{parts.scheme}://{parts.netloc}")
        if robots is not None and robots.parser is not None:
            delay = robots.parser.crawl_delay(self.settings.user_agent)
            if delay:
                interval = max(interval, float(delay))
        self._next_turn[host] = self._clock() + interval

    def _get_with_retries(self, url: str, accept: Sequence[str] | None, *, cap: int | None = None
                          ) -> tuple[int, httpx.Headers, bytes, int]:
        s = self.settings
        attempt = 0
        while True:
            attempt += 1
            try:
                status, headers, body = self._get_once(url, accept, attempt, cap or s.max_bytes)
                return status, headers, body, attempt
            except _Transient as exc:
                delay = min(s.backoff * 2 ** (attempt - 1), s.max_backoff)
                if exc.retry_after is not None:
                    if exc.retry_after > s.max_backoff:
                        raise FetchError(Errors.E1002.format(
                            url=url, status=exc.error.context.get("status"), attempts=attempt,
                            detail=f" (Retry-After {exc.retry_after:.0f} s is over fetch.max_backoff)"),
                            code="E1002", status=exc.error.context.get("status", 0)) from None
                    delay = max(delay, exc.retry_after)
                if attempt > s.retries:
                    raise exc.error from None
                logger.info("%s: %s; try %d of %d in %.1f s", url, exc.error, attempt + 1, s.retries + 1, delay)
                self._sleep(delay)

    def _get_once(self, url: str, accept: Sequence[str] | None, attempt: int, cap: int
                  ) -> tuple[int, httpx.Headers, bytes]:
        self._wait_turn(url)
        deadline = self._clock() + self.settings.total_timeout
        try:
            with self._client.stream("GET", url) as response:
                status = response.status_code
                headers = response.headers
                if status in _RETRY_STATUSES:
                    error = FetchError(Errors.E1002.format(url=url, status=status, attempts=attempt, detail=""),
                                       code="E1002", status=status)
                    raise _Transient(error, _retry_after(headers.get("retry-after"),
                                                         dt.datetime.now(dt.UTC)))
                if status in _REDIRECTS:
                    return status, headers, b""
                if not 200 <= status < 300:
                    raise FetchError(Errors.E1002.format(url=url, status=status, attempts=attempt, detail=""),
                                     code="E1002", status=status)
                ctype = _media_type(headers.get("content-type", ""))
                if accept is not None and ctype not in accept:
                    raise FetchError(Errors.E1006.format(url=url, ctype=ctype or "(none)",
                                                         allowed=", ".join(accept)), code="E1006")
                length = headers.get("content-length")
                if length and length.isdigit() and int(length) > cap:
                    raise FetchError(Errors.E1005.format(url=url, cap=cap), code="E1005")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise FetchError(Errors.E1005.format(url=url, cap=cap), code="E1005")
                    if self._clock() > deadline:
                        detail = f"the download took over fetch.total_timeout ({self.settings.total_timeout} s)"
                        raise FetchError(Errors.E1003.format(url=url, attempts=attempt, detail=detail),
                                         code="E1003", attempts=attempt, detail=detail)
                    chunks.append(chunk)
                return status, headers, b"".join(chunks)
        except httpx.TimeoutException as exc:
            detail = type(exc).__name__
            raise _Transient(FetchError(Errors.E1003.format(url=url, attempts=attempt, detail=detail),
                                        code="E1003", attempts=attempt, detail=detail)) from exc
        except httpx.TransportError as exc:
            detail = f"{type(exc).__name__}: {exc}"
            raise _Transient(FetchError(Errors.E1004.format(url=url, attempts=attempt, detail=detail),
                                        code="E1004", attempts=attempt, detail=detail)) from exc


def _check_scheme(url: str, asked: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        where = asked if url == asked else f"{asked} (redirected)"
        raise FetchError(Errors.E1007.format(where=where, value=url), code="E1007")
