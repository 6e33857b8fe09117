"""The Parquet layout of the Ray engine without Ray: markers, commits, views and loading (no spaCy either)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from detente.errors import StoreError
from detente.model import Article, Failure, Result
from detente.query import open_store
from detente.scale import is_parquet_dir, load_parquet, open_parquet
from detente.scale._parquet import BatchCounts, BatchWriter, Location, committed, month_of, prepare
from detente.store import Store


def _article(n: int, published: dt.datetime | None, outlet: str = "Test Wire") -> Article:
    return Article(id=f"a{n}", text=f"Article number {n} has some words in it.", outlet=outlet, published=published,
                   url=f"https://test.example/{n}", source_path=f"in/{n}.txt", language="en")


def _write(out: str | Path, batch: str, results: list[Result], failures: list[Failure]) -> None:
    location = Location(out)
    prepare(location)
    BatchWriter(location).write(batch, results, failures, run_id="run1", counts=BatchCounts())


def test_month_partition_values() -> None:
    assert month_of(dt.datetime(2022, 3, 9, 12)) == "2022-03"
    assert month_of(dt.date(1999, 12, 31)) == "1999-12"
    assert month_of(None) == "unknown"


def test_batch_files_land_in_month_partitions_articles_last(tmp_path: Path) -> None:
    results = [Result(article=_article(1, dt.datetime(2022, 1, 5))), Result(article=_article(2, None))]
    failure = Failure(source="in/bad.jsonl:3", stage="ingest", message="[E206] bad", code="E206")
    _write(tmp_path, "run1-b1", results, [failure])
    marker = json.loads((tmp_path / "_batches" / "run1-b1.json").read_text())
    assert marker["files"][-1].startswith("articles/")
    assert "articles/published_month=2022-01/run1-b1.parquet" in marker["files"]
    assert "articles/published_month=unknown/run1-b1.parquet" in marker["files"]
    assert "failures/published_month=unknown/run1-b1.parquet" in marker["files"]
    assert is_parquet_dir(tmp_path)


def test_uncommitted_files_are_invisible_and_removed_by_the_next_run(tmp_path: Path) -> None:
    _write(tmp_path, "run1-b1", [Result(article=_article(1, dt.datetime(2022, 1, 5)))], [])
    orphan = tmp_path / "articles" / "published_month=2022-02" / "run1-killed.parquet"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes((tmp_path / "articles" / "published_month=2022-01" / "run1-b1.parquet").read_bytes())
    assert [Path(p).name for p in committed(Location(tmp_path))["articles"]] == ["run1-b1.parquet"]
    with open_store(tmp_path) as db:
        assert db.articles()["id"].to_pylist() == ["a1"]
    prepare(Location(tmp_path))
    assert not orphan.exists()


def test_views_have_the_store_columns_and_answer_the_usual_queries(tmp_path: Path) -> None:
    _write(tmp_path, "run1-b1", [Result(article=_article(1, dt.datetime(2022, 1, 5)))],
           [Failure(source="x.txt", stage="ingest", message="[E201] x.txt: file is empty.", code="E201")])
    # The same failure recorded again by a later batch is one failure.
    _write(tmp_path, "run1-b2", [], [Failure(source="x.txt", stage="ingest", message="[E201] x.txt: file is empty.",
                                             code="E201")])
    store = open_parquet(tmp_path)
    try:
        with Store(":memory:") as fresh:
            for table in ("articles", "events", "event_actors", "quotes", "failures", "article_sources"):
                expected = fresh.con.execute(f"DESCRIBE {table}").fetchall()
                got = store.con.execute(f"DESCRIBE {table}").fetchall()
                assert [(r[0], r[1]) for r in got] == [(r[0], r[1]) for r in expected], table
        assert store.con.execute("SELECT count(*) FROM failures").fetchall() == [(1,)]
        assert store.con.execute("SELECT num_articles, num_sources FROM articles").fetchall() == [(1, 1)]
    finally:
        store.close()


def test_load_is_idempotent(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out, "run1-b1", [Result(article=_article(1, dt.datetime(2022, 1, 5))),
                            Result(article=_article(2, dt.datetime(2022, 2, 5)))], [])
    with Store(tmp_path / "db.duckdb") as store:
        first = load_parquet(store, out)
        second = load_parquet(store, out)
        assert first["articles"] == 2
        assert all(v == 0 for v in second.values()), second
        assert store.con.execute("SELECT count(*) FROM articles").fetchall() == [(2,)]


def test_a_directory_that_is_not_ours_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match=r"E611.*not a detente Parquet directory"):
        open_store(tmp_path)
    with Store(":memory:") as store, pytest.raises(StoreError, match="E611"):
        load_parquet(store, tmp_path)


def test_a_newer_layout_is_refused(tmp_path: Path) -> None:
    (tmp_path / "_detente.json").write_text(json.dumps({"format": "detente.parquet", "version": 99}))
    with pytest.raises(StoreError, match=r"E613.*layout 99"):
        open_parquet(tmp_path)


def test_a_uri_output_is_written_and_loaded_through_pyarrow_filesystems(tmp_path: Path) -> None:
    out = (tmp_path / "out").as_uri()  # file:///...: the same code path as s3:// or gs://
    _write(out, "run1-b1", [Result(article=_article(1, dt.datetime(2022, 1, 5)))], [])
    assert (tmp_path / "out" / "articles" / "published_month=2022-01" / "run1-b1.parquet").exists()
    with Store(tmp_path / "db.duckdb") as store:
        assert load_parquet(store, out)["articles"] == 1
