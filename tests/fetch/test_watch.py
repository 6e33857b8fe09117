"""`detente watch`: feeds polled, new items fetched and ingested once; a feed that is down or
malformed is skipped; passing failures are retried a few rounds, then given up."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.config import load_config
from detente.errors import FetchError
from detente.fetch import Fetcher, Watcher, WatchRound, parse_duration
from detente.fetch._watch import MAX_TRIES
from detente.pipeline import Pipeline
from detente.store import Store

Site = Any  # tests/fetch/conftest.py: the test server's state


@pytest.fixture(scope="module")
def blank_pipeline() -> Pipeline:
    """Tokenizer-only coding: these tests are about fetching and storing, not events."""
    return Pipeline(load_config(overrides={"parse.model": "blank:en"}))


def _watcher(site: Site, tmp_path: Path, pipeline: Pipeline, settings: Any, extra: list[str]) -> Watcher:
    feeds = [site.url("/feed.rss"), *extra]
    return Watcher(feeds, db=tmp_path / "w.duckdb", pages_dir=tmp_path / "pages", pipeline=pipeline,
                   fetcher=Fetcher(settings.model_copy(update={"retries": 0})))


def test_watch_round_ingests_new_items_and_survives_bad_feeds(site: Site, tmp_path: Path, closed_port: int,
                                                              blank_pipeline: Pipeline, fetch_settings: Any) -> None:
    down = [site.url("/broken.rss"), site.url("/down.rss"), site.url("/not-a-feed.rss"),
            f"http://127.0.0.1:{closed_port}/world.rss"]
    watcher = _watcher(site, tmp_path, blank_pipeline, fetch_settings, down)
    first = watcher.poll()
    assert (first.feeds, first.feeds_failed, first.items, first.new_items) == (5, 4, 4, 4)
    assert first.fetched == 2 and first.fetch_failed == 2  # the PDF (final) and the 503 page (retried)
    assert first.ingest is not None and first.ingest.new == 2 and first.ingest.failed == 0
    codes = sorted(e.split("]")[0].strip("[") for e in first.errors)
    assert codes == ["E1002", "E1002", "E1004", "E1006", "E1009", "E1009"]
    with Store(tmp_path / "w.duckdb", read_only=True) as store:
        urls = {r[0] for r in store.con.execute("SELECT url FROM articles").fetchall()}
        titles = {r[0] for r in store.con.execute("SELECT title FROM articles").fetchall()}
        failures = {r[0] for r in store.con.execute("SELECT source FROM failures WHERE stage = 'fetch'").fetchall()}
    assert urls == {site.url(p) for p in site.stories}
    assert titles == {"Harbour talks resume", "Grain convoy reaches the capital"}
    assert site.url("/down.rss") in failures and site.url("/report.pdf") in failures
    second = watcher.poll()
    assert second.new_items == 1 and second.fetched == 0 and second.ingest is None  # only the 503 page again
    assert all(site.count(p) == 1 for p in site.stories) and site.count("/report.pdf") == 1
    watcher.fetcher.close()


def test_watch_gives_up_on_a_passing_failure_after_max_tries(site: Site, tmp_path: Path, blank_pipeline: Pipeline,
                                                             fetch_settings: Any) -> None:
    watcher = _watcher(site, tmp_path, blank_pipeline, fetch_settings, [])
    for _ in range(MAX_TRIES + 2):
        watcher.poll()
    assert site.count("/always-503.html") == MAX_TRIES
    with Store(tmp_path / "w.duckdb", read_only=True) as store:
        statuses = store.con.execute("SELECT status FROM feed_items WHERE item = 'unstable-1' ORDER BY seen_at"
                                     ).fetchall()
    assert [s[0] for s in statuses] == ["retry"] * (MAX_TRIES - 1) + ["failed"]
    watcher.fetcher.close()


def test_watch_run_stops_on_event(site: Site, tmp_path: Path, blank_pipeline: Pipeline, fetch_settings: Any) -> None:
    watcher = _watcher(site, tmp_path, blank_pipeline, fetch_settings, [])
    stop = threading.Event()
    seen: list[WatchRound] = []

    def on_round(report: WatchRound) -> None:
        seen.append(report)
        if len(seen) == 2:
            stop.set()

    assert watcher.run(every=0.01, stop=stop, on_round=on_round) == 2
    assert [r.number for r in seen] == [1, 2] and seen[1].new_items == 1  # the retried 503 item
    watcher.fetcher.close()


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("1h", 3600), ("2", 2), ("1.5m", 90)])
def test_watch_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "soon", "-5m", "15x"])
def test_watch_parse_duration_rejects(text: str) -> None:
    with pytest.raises(FetchError, match="E1010"):
        parse_duration(text)


def test_cli_watch_once(site: Site, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# test feeds\n{site.url('/feed.rss')}\n{site.url('/down.rss')}\n")
    db = tmp_path / "cli.duckdb"
    args = ["watch", str(feeds), "--once", "--db", str(db), "--format", "jsonl", "--set", "parse.model=blank:en",
            "--set", "fetch.min_interval=0", "--set", "fetch.retries=0"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert line["round"] == 1 and line["feeds_failed"] == 1 and line["ingest"]["new"] == 2
    assert "round 1" in result.stderr and "down.rss" in result.stderr
    assert (tmp_path / "cli-pages").is_dir()
    again = CliRunner().invoke(app, args)
    (line,) = [json.loads(x) for x in again.stdout.splitlines() if x.startswith("{")]
    assert again.exit_code == 0 and line["fetched"] == 0 and line["ingest"] is None


def test_cli_watch_bad_every(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("https://news.example/feed.rss\n")
    result = CliRunner().invoke(app, ["watch", str(feeds), "--every", "often", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code != 0 and isinstance(result.exception, FetchError)
    assert "E1010" in str(result.exception)
