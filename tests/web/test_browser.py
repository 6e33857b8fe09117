"""The dashboard in a real browser (headless Chromium via Playwright) against a live server on 127.0.0.1.

Every page loads with no script, no request off this machine and no console error; the /events
filter form works; an event page marks its sentence; hostile article text shows as text and never runs.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]
PAGES = ["/", "/dyad?pair=USA-RUS", "/events", "/network", "/map", "/quotes", "/calendar", "/brief?dyad=USA-RUS",
         "/docs"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need /usr/bin/chromium "
                                                     "(apt-get install chromium); .ci/run installs it"),
]


def _serve(db: Path) -> Iterator[str]:
    import uvicorn

    from detente.api import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def server(web_db: Path) -> Iterator[str]:
    yield from _serve(web_db)


@pytest.fixture(scope="module")
def demo_server(pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The demo database: what `make demo` builds from examples/."""
    from detente.store import Store

    db = tmp_path_factory.mktemp("demo") / "detente.duckdb"
    with Store(db) as store:
        pipeline.run([Path(__file__).resolve().parents[2] / "examples"], store=store)
    yield from _serve(db)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that it must not: dialogs, console errors, requests off this server."""

    def __init__(self, page: Any, base: str) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.offsite: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def route(r: Any) -> None:
            if r.request.url.startswith(base + "/"):
                r.continue_()
            else:
                self.offsite.append(r.request.url)
                r.abort()

        page.route("**/*", route)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def clean(self) -> None:
        assert self.dialogs == [], f"a dialog fired: {self.dialogs}"
        assert self.offsite == [], f"requests left this machine: {self.offsite}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    watch = Watch(tab, server)
    yield tab, watch
    context.close()


def test_every_page_loads(page: tuple[Any, Watch], server: str, tmp_path: Path) -> None:
    tab, watch = page
    for index, path in enumerate(PAGES):
        response = tab.goto(server + path)
        assert response is not None and response.status == 200, path
        assert tab.locator("h1").count() == 1, path
        assert tab.locator("script").count() == 0, path
        tab.screenshot(path=str(tmp_path / f"page-{index}.png"), full_page=True)
        assert (tmp_path / f"page-{index}.png").stat().st_size > 5_000
    watch.clean()


def test_dyad_page_draws_its_timeline(page: tuple[Any, Watch], server: str) -> None:
    tab, watch = page
    tab.goto(server + "/dyad?pair=USA-RUS&freq=week")
    chart = tab.locator("svg.chart")
    assert chart.locator("rect[fill='#d94801']").count() >= 1  # material conflict (the sanctions)
    assert chart.locator("polyline").count() == 1  # mean Goldstein
    assert "mean Goldstein" in (chart.text_content() or "")
    assert "Antony Blinken" in tab.locator("main").inner_text()  # a quote by the USA side
    watch.clean()


def test_events_filter_form(page: tuple[Any, Watch], server: str, tmp_path: Path) -> None:
    tab, watch = page
    tab.goto(server + "/events")
    everything = tab.locator("table.events tbody tr").count()
    tab.select_option("select[name=status]", "scheduled")
    tab.fill("input[name=dyad]", "USA-RUS")
    with tab.expect_navigation():
        tab.click("button[type=submit]")
    assert "status=scheduled" in tab.url and "dyad=USA-RUS" in tab.url
    rows = tab.locator("table.events tbody tr")
    assert 1 <= rows.count() < everything
    assert all(s == "scheduled" for s in rows.locator(".status").all_inner_texts())
    assert "hold talks in Geneva" in rows.first.inner_text()
    tab.screenshot(path=str(tmp_path / "events-filtered.png"), full_page=True)
    watch.clean()


def test_event_page_marks_its_sentence(page: tuple[Any, Watch], server: str, tmp_path: Path) -> None:
    tab, watch = page
    tab.goto(server + "/events?plover=SANCTION&dyad=USA-RUS")
    with tab.expect_navigation():
        tab.locator("table.events tbody tr a").first.click()
    assert "/events/" in tab.url
    mark = tab.locator("article mark")
    assert mark.count() == 1
    assert mark.inner_text() == "The United States imposed sanctions on Russia in Moscow on Monday."
    assert mark.locator("strong").inner_text() == "imposed"
    assert "Russia condemned the United States" in tab.locator("article").inner_text()  # the rest of the text
    tab.screenshot(path=str(tmp_path / "event.png"), full_page=True)
    watch.clean()


def test_hostile_text_is_shown_never_run(page: tuple[Any, Watch], server: str, tmp_path: Path) -> None:
    tab, watch = page
    tab.goto(server + "/events?actor=UKR")
    row = tab.locator("table.events tbody tr").first
    assert "<img src=x onerror=alert(2)>" in row.inner_text()
    with tab.expect_navigation():
        row.locator("a").first.click()
    article = tab.locator("article")
    text = article.inner_text()
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert "javascript:alert(3)" in text
    assert "<img src=x onerror=alert(2)>" in tab.locator("article mark").inner_text()
    assert tab.locator("main").inner_text().count("<b>Hostile</b> <script>alert(4)</script>") == 1  # the title
    assert tab.locator("main img, main script, main b").count() == 0
    assert tab.locator("a[href^='javascript']").count() == 0
    hrefs = tab.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert all(h.startswith(server) or h.startswith("https://") for h in hrefs), hrefs
    for path in ("/", "/quotes", "/calendar", "/map", "/network"):
        tab.goto(server + path)
    tab.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    watch.clean()


def test_every_page_works_on_the_demo_database(browser: Any, demo_server: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    watch = Watch(tab, demo_server)
    for index, path in enumerate([*PAGES, "/dyad?pair=USA-RUS", "/brief?dyad=USA-RUS"]):
        response = tab.goto(demo_server + path)
        assert response is not None and response.status == 200, path
        assert tab.locator("h1").count() == 1, path
        tab.screenshot(path=str(tmp_path / f"demo-{index}.png"), full_page=True)
    # An event from the demo data opens with its sentence highlighted.
    tab.goto(demo_server + "/events")
    tab.locator("a[href^='/events/']").first.click()
    assert tab.locator("mark").count() >= 1
    watch.clean()
    context.close()
