"""`detente ingest --engine ray` on a local Ray: the same records as the single-process path, record for record.

One Ray session (2 CPUs) serves the whole module; the corpus is a handful of articles written here,
with a near-duplicate pair, a non-English record, a malformed JSON line and a binary file.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.config import load_config
from detente.errors import InputError
from detente.ingest import RawDocument
from detente.pipeline import Pipeline, RunSummary
from detente.query import open_store
from detente.store import Store

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'detente[ray]'): "
                                        "the Ray engine tests are skipped")

pytestmark = pytest.mark.slow
runner = CliRunner()

TEXTS = {
    "talks.txt": ("Russia and Ukraine held talks in Istanbul on Tuesday about a ceasefire, officials said. The "
                  "Russian foreign minister met his Ukrainian counterpart and urged Kyiv to return to negotiations. "
                  '"We are ready to talk," the Ukrainian foreign minister told reporters after the meeting.'),
    "sanctions.txt": ("The United States imposed new sanctions on Iran on Monday over its nuclear programme. "
                      "Iranian officials said they would retaliate if Washington carried out further measures. "
                      "The two governments are due to meet again in Geneva next month."),
}
META = {
    "talks.meta.json": {"published": "2022-03-01", "outlet": "North Wire", "url": "https://north.example/talks"},
    "sanctions.meta.json": {"published": "2022-01-17", "outlet": "South Post"},
}
PAGE = """<!doctype html><html lang="en"><head><title>Arrests after rally</title>
<meta property="article:published_time" content="2022-04-08"></head><body><article>
<h1>Arrests after rally</h1>
<p>Police in Nairobi arrested dozens of opposition activists after a rally turned violent on Friday, witnesses said.</p>
<p>Kenya's interior minister defended the arrests and accused the opposition of planning further protests.</p>
<p>The opposition leader condemned the police and demanded the release of the detained activists.</p>
</article></body></html>"""
WIRE_COPY = ("Germany and Poland signed an agreement on energy cooperation during a visit to Warsaw on Thursday, "
             "officials said. The German chancellor praised Poland for its role in brokering the prisoner exchange. "
             "The two governments will hold further talks in Berlin next month about trade and security.")
RECORDS = [  # the near-duplicate pair first, so both land in one batch as they do in the local run's order
    {"id": "w1", "text": WIRE_COPY, "published": "2022-05-05", "outlet": "Central Wire",
     "url": "https://central.example/energy"},
    {"id": "w2", "text": WIRE_COPY + " Reporting by our staff.", "published": "2022-05-06",
     "outlet": "East Daily", "url": "https://east.example/energy"},
    {"id": "w3", "text": "France accused Germany of violating the trade agreement on Monday, the French government "
                         "said. Berlin denied the accusation.", "published": "2022-02-10", "outlet": "Central Wire"},
    "{this line is not JSON",
    {"id": "w4", "text": "China pledged humanitarian aid for refugees fleeing the fighting in Sudan, the Chinese "
                         "foreign ministry said on Wednesday.", "outlet": "Central Wire"},
    {"id": "w5", "text": "Le gouvernement a annoncé mardi une nouvelle série de mesures pour soutenir les "
                         "agriculteurs touchés par la sécheresse dans le sud du pays.", "outlet": "Central Wire"},
]


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    (root / "talks.txt").write_text(TEXTS["talks.txt"], encoding="utf-8")
    with gzip.open(root / "sanctions.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write(TEXTS["sanctions.txt"])
    for name, meta in META.items():
        (root / name).write_text(json.dumps(meta), encoding="utf-8")
    (root / "rally.html").write_text(PAGE, encoding="utf-8")
    (root / "wire.jsonl").write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in RECORDS) + "\n",
                                     encoding="utf-8")
    (root / "broken.txt").write_bytes(b"\x00\x01\x02 not text at all \x00")
    return root


@pytest.fixture(scope="module")
def settings() -> Any:
    # Batches of two articles, so both coder actors get work from a corpus this small.
    return load_config(overrides={"scale.batch_articles": 2})


@pytest.fixture(scope="module")
def local_run(corpus: Path, settings: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunSummary]:
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    with Store(db) as store, Pipeline(settings) as pipeline:
        summary = pipeline.run([corpus], store=store)
    return db, summary


@pytest.fixture(scope="module")
def ray_run(local_ray: None, corpus: Path, settings: Any,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunSummary]:
    from detente.scale import run_ray

    out = tmp_path_factory.mktemp("ray") / "out"
    summary = run_ray([corpus], out=out, settings=settings, workers=2)
    return out, summary


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with open_store(db, read_only=True) as database:
        return sorted(database.store.con.execute(sql).fetchall(), key=repr)


def test_counts_match_the_local_run(local_run: tuple[Path, RunSummary], ray_run: tuple[Path, RunSummary]) -> None:
    local, remote = local_run[1].as_dict(), ray_run[1].as_dict()
    for key in ("read", "new", "already_stored", "failed", "events", "quotes", "skipped_language", "duplicates"):
        assert remote[key] == local[key], (key, remote, local)
    assert local["new"] == 6 and local["duplicates"] == 1 and local["skipped_language"] == 1 and local["events"] > 5


def test_events_equal_the_local_path_record_for_record(local_run: tuple[Path, RunSummary],
                                                       ray_run: tuple[Path, RunSummary]) -> None:
    with open_store(local_run[0], read_only=True) as db:
        local = sorted(db.event_records(limit=None), key=lambda e: e["id"])
    with open_store(ray_run[0]) as db:
        remote = sorted(db.event_records(limit=None), key=lambda e: e["id"])
    assert remote == local
    # Every stored column too, through the Parquet views.
    assert _rows(ray_run[0], "SELECT * FROM events") == _rows(local_run[0], "SELECT * FROM events")
    assert _rows(ray_run[0], "SELECT * FROM event_actors") == _rows(local_run[0], "SELECT * FROM event_actors")


def test_articles_quotes_and_near_duplicate_links_equal_the_local_path(
        local_run: tuple[Path, RunSummary], ray_run: tuple[Path, RunSummary]) -> None:
    for sql in ("SELECT * EXCLUDE (run_id, ingested_at) FROM articles", "SELECT * FROM quotes",
                "SELECT * EXCLUDE (run_id, ingested_at) FROM article_sources"):
        assert _rows(ray_run[0], sql) == _rows(local_run[0], sql), sql
    linked = _rows(ray_run[0], "SELECT a.source_id, a.num_articles, a.num_sources FROM articles a "
                               "JOIN article_sources s ON s.article_id = a.id")
    assert linked == [("w1", 2, 2)]


def test_failures_in_workers_are_failure_records_as_locally(local_run: tuple[Path, RunSummary],
                                                            ray_run: tuple[Path, RunSummary]) -> None:
    sql = "SELECT source, stage, code, message FROM failures"
    remote = _rows(ray_run[0], sql)
    assert remote == _rows(local_run[0], sql)
    assert {(Path(r[0]).name, r[2]) for r in remote} == {("broken.txt", "E202"), ("wire.jsonl:4", "E206")}


def test_load_puts_the_parquet_into_duckdb_once(local_run: tuple[Path, RunSummary], ray_run: tuple[Path, RunSummary],
                                               tmp_path: Path) -> None:
    db = tmp_path / "loaded.duckdb"
    first = runner.invoke(app, ["load", str(ray_run[0]), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "6 articles" in " ".join(first.output.split())
    for sql in ("SELECT * FROM events", "SELECT * EXCLUDE (run_id, ingested_at) FROM articles",
                "SELECT source, stage, code, message FROM failures", "SELECT * FROM article_minhash"):
        assert _rows(db, sql) == _rows(local_run[0], sql), sql
    again = runner.invoke(app, ["load", str(ray_run[0]), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "0 articles · 0 events" in " ".join(again.output.split())
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM runs").fetchall() == [(1,)]


def test_a_rerun_codes_nothing_again_and_drops_uncommitted_files(ray_run: tuple[Path, RunSummary],
                                                                corpus: Path) -> None:
    out, first = ray_run
    orphan = out / "events" / "published_month=2022-03" / "0000-killed.parquet"
    orphan.write_bytes(b"left by a run that was killed before its commit marker")
    before = _rows(out, "SELECT id FROM events")
    done = runner.invoke(app, ["ingest", str(corpus), "--engine", "ray", "--out", str(out), "--workers", "2",
                               "--set", "scale.batch_articles=2"])
    assert done.exit_code == 0, done.output
    assert f"0 new · {first.new + first.duplicates} already stored" in " ".join(done.output.split())
    assert not orphan.exists()
    assert _rows(out, "SELECT id FROM events") == before


def test_an_extractor_error_in_a_worker_is_stored_and_the_batch_goes_on(local_ray: None, settings: Any,
                                                                        tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from detente.scale._ray import CodeBatches, Registry, RunConfig, _raw_schema, _to_row

    registry = ray.remote(Registry).remote(settings, str(tmp_path))
    coder = CodeBatches(RunConfig(settings=settings, out=str(tmp_path), run_id="r1", registry=registry))

    def extractor(doc: Any, article: Any) -> list[Any]:
        if "explode" in article.text:
            raise RuntimeError("the extractor tripped")
        return []

    coder.pipeline.coder.extractor = extractor
    docs = [RawDocument(text="Officials said the talks would explode into a crisis on Monday in Paris.",
                        where="in/bad.txt", source_path="in/bad.txt", published=dt.datetime(2022, 6, 1)),
            RawDocument(text="France and Germany held talks in Berlin on Monday, officials said.",
                        where="in/good.txt", source_path="in/good.txt", published=dt.datetime(2022, 6, 1))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        stats = coder(pa.Table.from_pylist([_to_row(d) for d in docs], schema=_raw_schema())).to_pylist()[0]
        ray.get(registry.close.remote())
    assert (stats["read"], stats["new"], stats["failed"]) == (2, 1, 1)
    rows = pq.read_table(tmp_path / "failures" / "published_month=2022-06").to_pylist()
    assert [(r["source"], r["stage"], r["code"]) for r in rows] == [("in/bad.txt", "extract", "E401")]
    assert "the extractor tripped" in rows[0]["message"] and "in/bad.txt" in rows[0]["message"]
    articles = pq.read_table(tmp_path / "articles").to_pylist()
    assert [a["source_path"] for a in articles] == ["in/good.txt"]


def test_stdin_and_too_many_workers_are_refused_clearly(local_ray: None, corpus: Path, tmp_path: Path) -> None:
    from detente.scale import run_ray

    with pytest.raises(InputError, match="E240"):
        run_ray(["-"], out=tmp_path / "a")
    with pytest.raises(InputError, match=r"E242.*--workers 5 needs 5 CPUs.*has 2"):
        run_ray([corpus], out=tmp_path / "b", workers=5)
    run = json.loads(next((tmp_path / "b" / "_runs").glob("*.json")).read_text())
    assert run["status"] == "failed"
