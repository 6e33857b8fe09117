"""The store: migrations, idempotent ingest, resume after kill -9, queries and exports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from detente.model import Failure
from detente.query import open_store
from detente.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def test_store_migrations_recorded(tmp_path: Path) -> None:
    with Store(tmp_path / "a.duckdb") as store:
        from detente.store import MIGRATIONS

        assert store.migrations() == [name for name, _ in MIGRATIONS]
        assert store.migrations()[:3] == ["0001_initial", "0002_actor_event_columns", "0003_near_duplicates"]
        assert store.migrate() == []


def test_store_failures_idempotent(tmp_path: Path) -> None:
    with Store(tmp_path / "a.duckdb") as store:
        f = Failure(source="x.txt", stage="ingest", message="[E201] x.txt: file is empty.", code="E201")
        store.write_results([], [f])
        store.write_results([], [f])
        assert store.counts()["failures"] == 1


def test_store_read_only_missing_db(tmp_path: Path) -> None:
    from detente.errors import StoreError

    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_ingest_examples_twice_same_counts(pipeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "demo.duckdb"
    with Store(db) as store:
        first = pipeline.run([EXAMPLES], store=store)
        counts = store.counts()
        second = pipeline.run([EXAMPLES], store=store)
        again = store.counts()
    assert first.new >= 20 and first.failed == 0
    assert second.new == 0 and second.already_stored == first.new
    assert {k: v for k, v in again.items() if k != "runs"} == {k: v for k, v in counts.items() if k != "runs"}
    with open_store(db, read_only=True) as database:
        assert database.events(limit=None).num_rows == counts["events"]


def _corpus(directory: Path, n: int) -> None:
    countries = ["Ruritania", "Freedonia", "Russia", "Ukraine", "France", "Germany", "China", "India"]
    with (directory / "corpus.jsonl").open("w") as fh:
        for i in range(n):
            a, b = countries[i % 8], countries[(i * 3 + 1) % 8]
            text = (f"{a} and {b} held talks in Geneva on Monday about trade, officials said. "
                    f"The foreign minister of {a} criticized {b} for its border policy. Item {i}.")
            fh.write(json.dumps({"id": f"doc-{i}", "text": text, "published": "2023-05-0" + str(1 + i % 9)}) + "\n")


def _table_counts(db: Path) -> dict[str, int]:
    with Store(db, read_only=True) as store:
        c = store.counts()
        dupes = store.con.execute("SELECT count(*) - count(DISTINCT id) FROM events").fetchone()
    c.pop("runs")
    c["duplicate_events"] = int(dupes[0]) if dupes else -1
    return c


def test_kill_9_then_resume_loses_nothing_duplicates_nothing(tmp_path: Path) -> None:
    n = 1200
    _corpus(tmp_path, n)
    db = tmp_path / "killed.duckdb"
    cmd = [sys.executable, "-m", "detente.cli", "ingest", str(tmp_path / "corpus.jsonl"), "--db", str(db),
           "--set", "store.batch_articles=16"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    proc = subprocess.Popen([*cmd, "-v"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    batches = 0
    assert proc.stderr is not None
    deadline = time.monotonic() + 300
    for line in proc.stderr:
        if "stored batch" in line:
            batches += 1
            if batches == 5:
                os.kill(proc.pid, signal.SIGKILL)
                break
        if time.monotonic() > deadline:
            break
    proc.wait(timeout=60)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    with Store(db, read_only=True) as store:
        partial = store.counts()["articles"]
    assert 0 < partial < n
    subprocess.run([*cmd, "-q"], env=env, check=True, timeout=600)
    resumed = _table_counts(db)
    clean_cmd = [*cmd[:6], str(tmp_path / "clean.duckdb"), *cmd[7:], "-q"]
    subprocess.run(clean_cmd, env=env, check=True, timeout=600)
    clean = _table_counts(tmp_path / "clean.duckdb")
    assert resumed == clean
    assert resumed["articles"] == n and resumed["duplicate_events"] == 0
