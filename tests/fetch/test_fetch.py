"""`detente fetch`: robots.txt, retries, timeouts, size cap, content types, idempotence, rate limit."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.errors import FetchError
from detente.fetch import Fetcher, fetch_urls, read_url_list, saved_page
from detente.fetch._client import _retry_after
from detente.ingest import RawDocument, iter_documents

Site = Any  # tests/fetch/conftest.py: the test server's state


def _error(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.get(url)
    assert url in str(info.value)
    return info.value


def test_fetch_page_and_sidecar_ingestible(site: Site, fetch_settings: Any, tmp_path: Path) -> None:
    url = site.url("/news/harbour-talks.html")
    with Fetcher(fetch_settings) as fetcher:
        (outcome,) = fetch_urls([url], tmp_path, fetcher=fetcher)
    assert outcome.status == "fetched" and outcome.path and outcome.path.endswith(".html")
    meta = json.loads(Path(outcome.path).with_suffix(".meta.json").read_text())
    assert meta["url"] == url and meta["status"] == 200 and meta["content_type"].startswith("text/html")
    assert meta["outlet"] == "127.0.0.1" and dt.datetime.fromisoformat(meta["fetched_at"])
    (doc,) = iter_documents([tmp_path])
    assert isinstance(doc, RawDocument) and doc.html and doc.url == url and doc.outlet == "127.0.0.1"
    assert "Strelsau" in doc.text


def test_fetch_robots_disallowed_path_never_requested(site: Site, fetch_settings: Any) -> None:
    with Fetcher(fetch_settings) as fetcher:
        error = _error(fetcher, site.url("/private/memo.html"))
        assert error.code == "E1001" and "robots.txt" in str(error)
        assert fetcher.get(site.url("/news/grain-convoy.html")).status == 200
    assert site.count("/private/memo.html") == 0
    assert site.count("/robots.txt") == 1  # cached per host


def test_fetch_robots_can_be_turned_off(site: Site, fetch_settings: Any) -> None:
    with Fetcher(fetch_settings.model_copy(update={"robots": False})) as fetcher:
        assert fetcher.get(site.url("/private/memo.html")).status == 200
    assert site.count("/robots.txt") == 0


def test_fetch_retries_503_honouring_retry_after(site: Site, fetch_settings: Any) -> None:
    slept: list[float] = []
    with Fetcher(fetch_settings, sleep=slept.append) as fetcher:
        page = fetcher.get(site.url("/flaky.html"))
    assert page.status == 200 and page.attempts == 2 and b"Strelsau" in page.body
    assert site.count("/flaky.html") == 2
    assert slept == [1.0]  # Retry-After: 1, longer than the 0.01 s backoff


def test_fetch_gives_up_after_retries_with_backoff(site: Site, fetch_settings: Any) -> None:
    slept: list[float] = []
    settings = fetch_settings.model_copy(update={"retries": 3, "backoff": 0.5, "max_backoff": 1.5})
    with Fetcher(settings, sleep=slept.append) as fetcher:
        error = _error(fetcher, site.url("/always-503.html"))
    assert error.code == "E1002" and "HTTP 503 after 4 attempt(s)" in str(error)
    assert slept == [0.5, 1.0, 1.5]  # doubled each time, capped at max_backoff
    assert site.count("/always-503.html") == 4


def test_fetch_timeout(site: Site, fetch_settings: Any) -> None:
    with Fetcher(fetch_settings) as fetcher:
        error = _error(fetcher, site.url("/slow.html"))
    assert error.code == "E1003" and "after 2 attempt(s)" in str(error)
    assert site.count("/slow.html") == 2


def test_fetch_size_cap_aborts_stream(site: Site, fetch_settings: Any) -> None:
    with Fetcher(fetch_settings) as fetcher:
        error = _error(fetcher, site.url("/huge.html"))
    assert error.code == "E1005" and "100000" in str(error)
    assert site.count("/huge.html") == 1  # not retried


def test_fetch_refuses_binary_content_type(site: Site, fetch_settings: Any, tmp_path: Path) -> None:
    with Fetcher(fetch_settings) as fetcher:
        (outcome,) = fetch_urls([site.url("/report.pdf")], tmp_path, fetcher=fetcher)
    assert outcome.status == "failed" and outcome.code == "E1006" and "application/pdf" in (outcome.message or "")
    assert not list(tmp_path.rglob("*.meta.json"))


def test_fetch_404_is_not_retried(site: Site, fetch_settings: Any) -> None:
    with Fetcher(fetch_settings) as fetcher:
        error = _error(fetcher, site.url("/missing"))
    assert error.code == "E1002" and "HTTP 404" in str(error) and site.count("/missing") == 1


def test_fetch_follows_redirect(site: Site, fetch_settings: Any) -> None:
    with Fetcher(fetch_settings) as fetcher:
        page = fetcher.get(site.url("/go"))
    assert page.final_url == site.url("/news/grain-convoy.html") and page.url == site.url("/go")


def test_fetch_connection_refused(closed_port: int, fetch_settings: Any) -> None:
    with Fetcher(fetch_settings) as fetcher:
        error = _error(fetcher, f"http://127.0.0.1:{closed_port}/story.html")
    assert error.code == "E1004" and "after 2 attempt(s)" in str(error)


def test_fetch_rate_limit_per_host(site: Site, fetch_settings: Any) -> None:
    urls = [site.url(p) for p in site.stories] + [site.url("/go")]
    with Fetcher(fetch_settings.model_copy(update={"min_interval": 0.15})) as fetcher:
        for url in urls:
            fetcher.get(url)
    times = site.times()
    assert len(times) == 5  # robots.txt, two stories, /go and its redirect target
    assert all(b - a >= 0.14 for a, b in itertools.pairwise(times))


def test_fetch_idempotent_second_run(site: Site, fetch_settings: Any, tmp_path: Path) -> None:
    urls = [site.url(p) for p in site.stories]
    with Fetcher(fetch_settings) as fetcher:
        first = list(fetch_urls(urls, tmp_path, fetcher=fetcher))
        second = list(fetch_urls(urls, tmp_path, fetcher=fetcher))
    assert [o.status for o in first] == ["fetched", "fetched"]
    assert [o.status for o in second] == ["already", "already"]
    assert [o.path for o in first] == [o.path for o in second]
    assert all(site.count(p) == 1 for p in site.stories)
    assert saved_page(urls[0], tmp_path) == Path(first[0].path or "")


def test_fetch_retry_after_forms() -> None:
    now = dt.datetime(2024, 3, 5, 10, 0, 0, tzinfo=dt.UTC)
    assert _retry_after("7", now) == 7.0
    assert _retry_after("Tue, 05 Mar 2024 10:00:30 GMT", now) == 30.0
    assert _retry_after("soon", now) is None and _retry_after(None, now) is None


def test_fetch_url_list_reports_bad_lines(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("# world desk\nhttps://news.example/a\n\nftp://files.example/b\n")
    assert list(read_url_list(listing)) == [("https://news.example/a", f"{listing}:2"),
                                            ("ftp://files.example/b", f"{listing}:4")]
    (outcome,) = fetch_urls([("ftp://files.example/b", f"{listing}:4")], tmp_path / "out",
                            fetcher=Fetcher(_settings_never_used()))
    assert outcome.code == "E1007" and f"{listing}:4" in (outcome.message or "")


def _settings_never_used() -> Any:
    from detente.config import load_config

    return load_config().fetch


def test_cli_fetch_batch_goes_on(site: Site, tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join([site.url("/news/harbour-talks.html"), site.url("/report.pdf"),
                                  site.url("/private/memo.html"), "not a url", site.url("/news/grain-convoy.html")]))
    out = tmp_path / "pages"
    args = ["fetch", str(listing), "-o", str(out), "--format", "jsonl", "--min-interval", "0",
            "--set", "fetch.backoff=0.01", "--set", "fetch.retries=0"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["status"] for r in rows] == ["fetched", "failed", "failed", "failed", "fetched"]
    assert [r["code"] for r in rows] == [None, "E1006", "E1001", "E1007", None]
    assert "2 fetched" in result.stderr and "3 failed" in result.stderr
    again = CliRunner().invoke(app, [*args, "--strict"])
    assert again.exit_code == 1 and "2 already fetched" in again.stderr


def test_cli_fetch_missing_list(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["fetch", str(tmp_path / "nope.txt"), "-o", str(tmp_path)])
    assert result.exit_code != 0
    assert "nope.txt" in str(result.exception) or "nope.txt" in result.output


def _mock(routes: dict[str, tuple[int, str]]) -> Any:
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        status, body = routes.get(request.url.path, (404, "not found"))
        ctype = "text/plain" if request.url.path == "/robots.txt" else "text/html"
        return httpx.Response(status, text=body, headers={"Content-Type": ctype})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(("robots", "allowed"), [
    ((503, "busy"), False),  # RFC 9309: unreachable robots.txt = disallow all
    ((404, "none"), True),  # unavailable = no rules
    ((200, "User-agent: detente\nDisallow: /\n\nUser-agent: *\nAllow: /\n"), False),  # our token matched
    ((200, "User-agent: otherbot\nDisallow: /\n"), True),
])
def test_fetch_robots_rules(robots: tuple[int, str], allowed: bool, fetch_settings: Any) -> None:
    transport = _mock({"/robots.txt": robots, "/a.html": (200, "<p>Story</p>")})
    with Fetcher(fetch_settings, transport=transport, sleep=lambda s: None) as fetcher:
        if allowed:
            assert fetcher.get("https://news.example/a.html").body == b"<p>Story</p>"
        else:
            assert _error(fetcher, "https://news.example/a.html").code == "E1001"


def test_fetch_honours_crawl_delay(fetch_settings: Any) -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    transport = _mock({"/robots.txt": (200, "User-agent: *\nCrawl-delay: 2\n"), "/a.html": (200, "<p>A</p>"),
                       "/b.html": (200, "<p>B</p>")})
    with Fetcher(fetch_settings, transport=transport, sleep=sleep, clock=lambda: now[0]) as fetcher:
        fetcher.get("https://news.example/a.html")
        fetcher.get("https://news.example/b.html")
        fetcher.get("https://other.example/a.html")  # another host: no wait
    assert slept == [2.0]
