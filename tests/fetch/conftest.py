"""A small news site on 127.0.0.1 (ephemeral port), started by the test and stopped after it.

Paths: ``/robots.txt`` (disallows ``/private/``), ``/news/*.html`` (articles written for these
tests), ``/slow.html`` (answers after a second), ``/flaky.html`` (503 with Retry-After once, then
200), ``/always-503.html``, ``/huge.html`` (2 MB streamed without a length), ``/report.pdf``,
``/go`` (302 to a story), ``/missing`` (404), ``/feed.rss``, ``/broken.rss`` (malformed),
``/down.rss`` (500), ``/not-a-feed.rss`` (an HTML page). Every request is logged with its time.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

STORIES = {
    "/news/harbour-talks.html": (
        "Harbour talks resume",
        "Ruritania and Freedonia resumed talks on Tuesday over the disputed harbour at Strelsau, the "
        "foreign ministry said. Negotiators from both governments met for six hours and agreed to meet "
        "again next week. The Freedonian delegation proposed a joint patrol of the harbour entrance, an "
        "idea Ruritanian officials said they would study. Fishermen from both countries have been barred "
        "from the waters since a collision between two patrol boats in the spring."),
    "/news/grain-convoy.html": (
        "Grain convoy reaches the capital",
        "A convoy of forty trucks carrying grain reached the Ruritanian capital on Wednesday after a "
        "three-day journey from the southern port, aid officials said. The shipment was paid for by the "
        "Grand Fenwick government, which pledged further deliveries before the winter. Prices for bread "
        "in the capital have doubled since the border closed in March, according to the city council."),
}


def html_page(title: str, text: str, lang: str = "en") -> bytes:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s.strip())
    return (f"<!doctype html><html lang=\"{lang}\"><head><title>{title}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article><footer>All rights reserved.</footer>"
            "</body></html>").encode()


@dataclass
class Site:
    base: str
    hits: list[tuple[str, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    flaky_served: bool = False
    stories: tuple[str, ...] = tuple(STORIES)

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.hits if p == path)

    def times(self, prefix: str = "") -> list[float]:
        with self.lock:
            return [t for p, t in self.hits if p.startswith(prefix)]


def _rss(site: Site) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{site.url(path)}</link><guid>{site.url(path)}</guid>"
        f"<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>" for path, (title, _) in STORIES.items())
    items += (f"<item><title>Annual report</title><link>{site.url('/report.pdf')}</link>"
              "<guid>report-2024</guid></item>")
    items += (f"<item><title>Unstable page</title><link>{site.url('/always-503.html')}</link>"
              "<guid>unstable-1</guid></item>")
    return (f"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Strelsau Wire</title>"
            f"<link>{site.base}/</link><description>News</description>{items}</channel></rss>").encode()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path
            with site.lock:
                site.hits.append((path, time.monotonic()))
            if path == "/robots.txt":
                self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif path in STORIES:
                self._send(200, html_page(*STORIES[path]))
            elif path == "/private/memo.html":
                self._send(200, html_page("Memo", "Not for crawlers. " * 10))
            elif path == "/slow.html":
                site.stop.wait(1.0)
                self._send(200, html_page("Slow", "A slow page. " * 10))
            elif path == "/flaky.html":
                with site.lock:
                    first, site.flaky_served = not site.flaky_served, True
                if first:
                    self._send(503, b"busy", "text/plain", {"Retry-After": "1"})
                else:
                    self._send(200, html_page(*STORIES["/news/harbour-talks.html"]))
            elif path == "/always-503.html":
                self._send(503, b"busy", "text/plain")
            elif path == "/huge.html":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                chunk = b"<p>" + b"x" * 65_000 + b"</p>"
                for _ in range(32):  # about 2 MB, no Content-Length
                    self.wfile.write(chunk)
            elif path == "/report.pdf":
                self._send(200, b"%PDF-1.4 binary", "application/pdf")
            elif path == "/go":
                self._send(302, b"", headers={"Location": "/news/grain-convoy.html"})
            elif path == "/feed.rss":
                self._send(200, _rss(site), "application/rss+xml")
            elif path == "/broken.rss":
                self._send(200, b"this is not a feed <<<", "application/rss+xml")
            elif path == "/not-a-feed.rss":
                self._send(200, html_page("Gateway", "The upstream server is not answering right now."))
            elif path == "/down.rss":
                self._send(500, b"internal error", "text/plain")
            else:
                self._send(404, b"not found", "text/plain")

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that hangs up (timeout, size cap) is expected here


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site(base="")
    server = _Server(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def fetch_settings() -> Any:
    """Fast settings for tests: no interval, tiny backoff, short timeouts, a 100 kB cap."""
    from detente.config import load_config

    return load_config(overrides={"fetch.min_interval": 0, "fetch.backoff": 0.01, "fetch.max_backoff": 2,
                                  "fetch.retries": 1, "fetch.read_timeout": 0.3, "fetch.connect_timeout": 0.5,
                                  "fetch.total_timeout": 5, "fetch.max_bytes": 100_000}).fetch
