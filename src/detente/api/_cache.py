"""A bounded in-memory cache of successful ``GET /api/...`` responses.

A store served read-only cannot change under the server (DuckDB holds a lock on the file that
keeps writers out), so the same request always gets the same answer: the cache is exact. When
writes are allowed, the server is the only writer (the same lock), and every ingest bumps the
cache's generation, which empties it; a response computed across a bump is not kept.

Keys are the path and the query in a canonical form (parameters sorted by name, encoding
normalised), and twin requests that arrive while the first is being computed wait for its answer.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Responses larger than this are not kept.
MAX_ENTRY_BYTES = 1 << 20


class ResponseCache:
    """Least-recently-used bodies of 200 responses, bounded in count and in bytes."""

    def __init__(self, max_entries: int = 2048, max_bytes: int = 64 << 20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.generation = 0
        self._entries: OrderedDict[str, tuple[bytes, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, bytes] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: str, content_type: bytes, body: bytes, generation: int) -> None:
        if self.max_entries <= 0 or len(body) > MAX_ENTRY_BYTES:
            return
        with self._lock:
            if generation != self.generation or key in self._entries:
                return
            self._entries[key] = (content_type, body)
            self._bytes += len(body)
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, old) = self._entries.popitem(last=False)
                self._bytes -= len(old)

    def clear(self) -> None:
        """Forget everything (the store changed)."""
        with self._lock:
            self.generation += 1
            self._entries.clear()
            self._bytes = 0


def cache_key(path: str, query_string: bytes) -> str:
    """``path?query`` with the parameters in a canonical order and encoding.

    ``?b=2&a=1`` and ``?a=1&b=2`` (or ``%2D`` and ``-``) are one entry; repeated parameters keep
    their relative order, as the endpoints read them.
    """
    if not query_string:
        return path
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return path + "?" + urlencode(sorted(pairs, key=lambda pair: pair[0]))


class CacheMiddleware:
    """Answers repeated ``GET /api/...`` requests from a :class:`ResponseCache` (header ``x-cache: hit``).

    A request whose twin is being computed right now waits for the twin's answer instead of
    computing it again (and queueing for a slot to do so): under a burst of cold requests, each
    distinct question costs one query.
    """

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache
        self._inflight: dict[str, asyncio.Future[None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith("/api/") \
                or self.cache.max_entries <= 0:
            await self.app(scope, receive, send)
            return
        key = cache_key(scope["path"], scope.get("query_string", b""))
        found = self.cache.get(key)
        if found is None and key in self._inflight:
            await asyncio.shield(self._inflight[key])  # the twin ends, one way or another
            found = self.cache.get(key)  # None if its answer was not kept (an error): compute ours
        if found is not None:
            content_type, body = found
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                                    (b"x-cache", b"hit")]})
            await send({"type": "http.response.body", "body": body})
            return
        if key in self._inflight:
            await self._compute(key, scope, receive, send)
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._inflight[key] = done
        try:
            await self._compute(key, scope, receive, send)
        finally:
            del self._inflight[key]
            done.set_result(None)

    async def _compute(self, key: str, scope: Scope, receive: Receive, send: Send) -> None:
        generation = self.cache.generation
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                message["headers"] = [*message.get("headers", []), (b"x-cache", b"miss")]
            elif message["type"] == "http.response.body" and start is not None and start["status"] == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    content_type = dict(start.get("headers", [])).get(b"content-type", b"application/json")
                    self.cache.put(key, content_type, b"".join(chunks), generation)
            await send(message)

        await self.app(scope, receive, capture)
