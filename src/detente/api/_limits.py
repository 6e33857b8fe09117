"""What keeps one server usable under load: request size limits, a rate limit per client, and a
bounded number of requests computing at once (the rest wait in a bounded queue).

Both middlewares are plain ASGI (no task per request) and answer refusals in the one error shape:

- :class:`GuardMiddleware`: 414 (E907) for a path plus query string over ``max_url_bytes``, 413 (E906)
  for a body over ``max_body_bytes`` (by its Content-Length, or counted as it arrives), 429 (E905) with
  ``Retry-After`` for a client over its token bucket (``rate_limit`` per second, bursts of ``rate_burst``).
- :class:`SlotMiddleware`: at most ``max_concurrency`` requests in the app at once; later ones wait in
  arrival order, at most ``max_queue`` of them for at most ``queue_timeout`` s, else 503 (E908). It sits
  inside the response cache, so cache hits never wait. Bounding the work in flight keeps DuckDB's and
  Python's threads from fighting over the cores: latency grows with the queue, not with thrashing.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from contextlib import suppress

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import Errors, RequestError

#: Renders a refusal: (request, code, message, status, headers) -> response.
Render = Callable[[Request, str, str, int, dict[str, str]], Response]

#: How many client addresses the rate limiter remembers (least recently seen are forgotten first).
MAX_CLIENTS = 10_000


class RateLimiter:
    """A token bucket per client address: ``rate`` tokens a second, at most ``burst`` banked.

    ``rate`` 0 means no limit. Thread-safe; a forgotten client starts again with a full bucket,
    as it would have after a pause of ``burst / rate`` seconds anyway.
    """

    def __init__(self, rate: float, burst: int, *, max_clients: int = MAX_CLIENTS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0.0 when ``client`` may go on (one token spent), else the seconds until it may."""
        if self.rate <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait


class Slots:
    """At most ``size`` holders at once; later callers wait first-come first-served.

    At most ``max_waiting`` may wait, each at most ``timeout`` seconds; past either, :meth:`acquire`
    raises an E908 :class:`RequestError` (503). For one event loop (the server's).
    """

    def __init__(self, size: int, *, max_waiting: int, timeout: float) -> None:
        self.size = size
        self.max_waiting = max_waiting
        self.timeout = timeout
        self.busy = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def _busy_error(self, detail: str) -> RequestError:
        return RequestError(Errors.E908.format(detail=detail), code="E908", status=503)

    async def acquire(self) -> None:
        if self.busy < self.size and not self._waiters:
            self.busy += 1
            return
        if len(self._waiters) >= self.max_waiting:
            raise self._busy_error(f"{self.busy} requests are being computed and {len(self._waiters)} are waiting")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        try:
            await asyncio.wait_for(future, self.timeout)
        except BaseException as exc:
            if future.done() and not future.cancelled():
                self.release()  # handed a slot just as we gave up: pass it on
            else:
                with suppress(ValueError):
                    self._waiters.remove(future)
            if isinstance(exc, TimeoutError):
                raise self._busy_error(f"no slot came free within {self.timeout:g} s") from None
            raise

    def release(self) -> None:
        """Hand the slot to the longest waiter, or free it."""
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(None)  # the slot passes on: busy stays the same
                return
        self.busy -= 1


async def _refuse(render: Render, scope: Scope, receive: Receive, send: Send, *, code: str, message: str,
                  status: int, headers: dict[str, str] | None = None) -> None:
    response = render(Request(scope), code, message, status, headers or {})
    await response(scope, receive, send)


class _BodyTooLarge(Exception):
    """Raised into the app by the counting ``receive`` when a body outgrows the limit."""


class GuardMiddleware:
    """Size limits on the URL and body, and the rate limit per client address."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, max_body_bytes: int, max_url_bytes: int,
                 render: Render) -> None:
        self.app = app
        self.limiter = limiter
        self.max_body = max_body_bytes
        self.max_url = max_url_bytes
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        if url > self.max_url:
            await _refuse(self.render, scope, receive, send, code="E907", status=414,
                          message=Errors.E907.format(size=url, limit=self.max_url))
            return
        client = scope.get("client")
        host = str(client[0]) if client else "unknown"
        wait = self.limiter.take(host)
        if wait > 0:
            retry = max(1, math.ceil(wait))
            await _refuse(self.render, scope, receive, send, code="E905", status=429,
                          message=Errors.E905.format(client=host, rate=self.limiter.rate, burst=self.limiter.burst,
                                                     retry=retry),
                          headers={"Retry-After": str(retry)})
            return
        length = _content_length(scope)
        if length is not None and length > self.max_body:
            await self._too_large(scope, receive, send, length)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS") and not length:
            await self.app(scope, receive, send)
            return
        await self._counted(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, size: int) -> None:
        await _refuse(self.render, scope, receive, send, code="E906", status=413,
                      message=Errors.E906.format(size=f"{size:,}" if size else "more than the limit",
                                                 limit=f"{self.max_body:,}"),
                      headers={"Connection": "close"})

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app with a ``receive`` that stops a body (chunked, or lying about its length) at the limit."""
        seen = 0
        over = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    over = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                return  # the app's answer to the broken body is replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        with suppress(_BodyTooLarge):
            await self.app(scope, counting_receive, guarded_send)
        if over and not started:
            await self._too_large(scope, receive, send, seen)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class SlotMiddleware:
    """Lets at most ``slots.size`` requests into the app at once; the others wait their turn or get a 503."""

    def __init__(self, app: ASGIApp, *, slots: Slots, render: Render) -> None:
        self.app = app
        self.slots = slots
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self.slots.acquire()
        except RequestError as exc:
            await _refuse(self.render, scope, receive, send, code=exc.code, status=exc.status,
                          message=str(exc).removeprefix(f"[{exc.code}] "), headers={"Retry-After": "1"})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()
