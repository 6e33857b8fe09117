"""The command line: every command has help, data goes to stdout, errors are one clear line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
runner = CliRunner()

COMMANDS = ["ingest", "code", "events", "articles", "failures", "quotes", "stats", "export", "calendar", "eval",
            "serve", "plot", "brief", "fetch", "watch", "load", "train"]


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente.cli", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    done = _run("ingest", str(ROOT / "examples"), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "read" in done.stderr and "new" in done.stderr
    return db


def test_cli_ingest_strict_exits_1_on_failures(tmp_path: Path) -> None:
    done = _run("ingest", str(FIXTURES / "empty.txt"), str(FIXTURES / "ok.txt"), "--db", str(tmp_path / "s.duckdb"),
                "--strict")
    assert done.returncode == 1
    assert "1 failed" in done.stderr
    listed = _run("failures", "--db", str(tmp_path / "s.duckdb"), "--format", "jsonl")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 1 and "empty.txt" in rows[0]["message"] and rows[0]["code"] == "E201"


def test_cli_events_json_contract(demo_db: Path) -> None:
    done = _run("events", "--db", str(demo_db), "--format", "jsonl", "--limit", "0")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(events) > 20
    keys = {"id", "article_id", "sentence", "trigger", "source", "target", "cameo", "plover", "status", "date",
            "date_precision", "place", "confidence", "extractor", "evidence"}
    for e in events:
        assert keys <= set(e)
        assert {"index", "start", "end", "text"} <= set(e["sentence"])
        assert {"code", "root", "name", "goldstein", "quad_class"} <= set(e["cameo"])
        assert e["status"] in {"occurred", "ongoing", "scheduled", "intended", "threatened", "demanded",
                               "hypothetical", "denied"}


def test_cli_events_filters(demo_db: Path) -> None:
    for args in (["--actor", "RUS"], ["--cameo", "04"], ["--status", "scheduled"], ["--plover", "CONSULT"],
                 ["--dyad", "USA-RUS"], ["--since", "2022-01-01", "--until", "2022-12-31"]):
        done = _run("events", "--db", str(demo_db), "--format", "csv", *args)
        assert done.returncode == 0, (args, done.stderr)
        assert done.stdout.startswith("id,date,source")


def test_cli_events_sql_metacharacters_harmless(demo_db: Path) -> None:
    done = _run("events", "--db", str(demo_db), "--article", "x' OR 1=1 --", "--format", "jsonl")
    assert done.returncode == 0 and done.stdout == ""
    bad = _run("events", "--db", str(demo_db), "--actor", "RUS'; DROP TABLE events; --")
    assert bad.returncode == 1 and bad.stderr.startswith("Error: [E102] --actor expects an actor code")


def test_cli_stats_and_articles(demo_db: Path) -> None:
    stats = json.loads(_run("stats", "--db", str(demo_db), "--format", "json").stdout)
    assert stats["counts"]["articles"] >= 20
    arts = _run("articles", "--db", str(demo_db), "--format", "jsonl").stdout.splitlines()
    assert len(arts) == stats["counts"]["articles"]


def test_cli_export_formats(demo_db: Path, tmp_path: Path) -> None:
    gdelt = _run("export", "--db", str(demo_db), "--format", "gdelt")
    lines = gdelt.stdout.splitlines()
    assert lines and all(len(line.split("\t")) == 61 for line in lines)
    plover = _run("export", "--db", str(demo_db), "--format", "plover")
    record = json.loads(plover.stdout.splitlines()[0])
    assert {"id", "date", "actor", "recipient", "event", "mode", "context", "text"} <= set(record)
    for fmt in ("parquet", "csv"):
        out = tmp_path / f"events.{fmt}"
        done = _run("export", "--db", str(demo_db), "--format", fmt, "-o", str(out))
        assert done.returncode == 0 and out.stat().st_size > 0


def test_cli_missing_db_is_clear_error(tmp_path: Path) -> None:
    done = _run("events", "--db", str(tmp_path / "nope.duckdb"))
    assert done.returncode == 1
    assert done.stderr.startswith("Error: [E601] Cannot open database")


def test_cli_code_json_shape() -> None:
    done = _run("code", "Ruritania and Freedonia signed a trade agreement on Friday.", "--published", "2024-03-08",
                "--format", "json")
    assert done.returncode == 0, done.stderr
    (out,) = json.loads(done.stdout)
    assert set(out) == {"article", "events", "quotes", "failures"}
