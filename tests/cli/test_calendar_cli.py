"""``detente calendar``: rows on stdout, an iCalendar file calendar apps import."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from detente.store import Store

pytestmark = pytest.mark.slow

TEXTS = [
    ("Ministers to meet", "https://news.example/ministers", dt.date(2022, 3, 1),
     "France will host a summit with Germany on March 14. "
     "The United States and Russia will hold talks in Geneva on March 20, diplomats said."),
    ("Follow-up", None, dt.date(2022, 3, 2),
     "Russia and the United States will hold talks in Geneva on March 20."),
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def db(pipeline: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("calendar-cli") / "cal.duckdb"
    with Store(path) as store:
        store.write_results([pipeline.code_text(text, published=published, title=title, url=url)
                             for title, url, published, text in TEXTS])
    return path


def test_calendar_ics_file_imports(db: Path, tmp_path: Path) -> None:
    from icalendar import Calendar

    out = tmp_path / "out.ics"
    done = _run("calendar", "--db", str(db), "--format", "ics", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "2 calendar entries" in done.stderr
    cal = Calendar.from_ical(out.read_bytes())
    assert str(cal["PRODID"]) == "-//detente//calendar//EN"
    events = cal.walk("VEVENT")
    starts = [ev.decoded("DTSTART") for ev in events]
    assert starts == [dt.date(2022, 3, 14), dt.date(2022, 3, 20)]
    summit, talks = events
    assert str(summit["SUMMARY"]) == "FRA–DEU: Consult (summit)"
    assert "France will host a summit with Germany on March 14." in str(summit["DESCRIPTION"])
    assert "https://news.example/ministers" in str(summit["DESCRIPTION"])
    assert {"USA", "RUS"} <= set(str(talks["SUMMARY"]).split(":")[0].split("–"))

    # '-' writes the same bytes to stdout: the output is deterministic.
    again = subprocess.run([sys.executable, "-m", "detente.cli", "calendar", "--db", str(db), "--format", "ics",
                            "-o", "-"], capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stdout == out.read_bytes()


def test_calendar_jsonl_shape_and_filters(db: Path) -> None:
    done = _run("calendar", "--db", str(db), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["date"] for r in rows] == ["2022-03-14", "2022-03-20"]
    keys = {"date", "date_precision", "title", "participants", "cameo_code", "plover_event", "status", "sentence",
            "article_id", "article_title", "url", "event_ids"}
    for r in rows:
        assert keys <= set(r)
        assert isinstance(r["participants"], list) and isinstance(r["event_ids"], list)
        assert r["status"] in ("scheduled", "intended")
    assert len(rows[1]["event_ids"]) == 2  # the two reports of the Geneva talks are one entry
    assert rows[1]["article_title"] == "Ministers to meet"

    later = _run("calendar", "--db", str(db), "--from", "2022-03-15", "--format", "jsonl")
    assert [json.loads(line)["date"] for line in later.stdout.splitlines()] == ["2022-03-20"]
    france = _run("calendar", "--db", str(db), "--actor", "FRA", "--to", "2022-12-31", "--format", "jsonl")
    assert [json.loads(line)["participants"] for line in france.stdout.splitlines()] == [["FRA", "DEU"]]


def test_calendar_ics_needs_output(db: Path) -> None:
    done = _run("calendar", "--db", str(db), "--format", "ics")
    assert done.returncode == 2
    assert "--output" in done.stderr and done.stdout == ""
    bad = _run("calendar", "--db", str(db), "--from", "soon")
    assert bad.returncode == 1 and "--from expects a date" in bad.stderr
