"""Near-duplicates: MinHash signatures, LSH keys kept in the store, links instead of re-coding,
NumSources / NumArticles in the store, `detente articles` and the GDELT export."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.config import load_config
from detente.export import GDELT_COLUMNS, export
from detente.ingest._dedup import NearDuplicateFinder, NearDuplicates, shingles
from detente.model import Article, Failure, Result
from detente.pipeline import Pipeline
from detente.query import open_store
from detente.store import Store

STORY = ("Ruritania and Freedonia agreed on Tuesday to reopen the border crossing at Zenda after three weeks of "
         "talks mediated by Grand Fenwick, the foreign ministry said in a statement. Trucks carrying food and "
         "fuel may pass from Wednesday, and both governments pledged to pull their troops back from the "
         "frontier by the end of the month. Opposition leaders in Freedonia called the deal too generous and "
         "urged supporters to gather outside parliament on Friday. Traders in Zenda said the closure had cost "
         "them most of the spring harvest, and several hundred farmers had sold their cattle at a loss. "
         "The crossing, the busiest between the two countries, was closed in March after border guards "
         "exchanged fire near the customs post. Both sides blamed the other for the shooting, in which two "
         "guards were wounded. Under the agreement, a joint commission will investigate the incident and "
         "report to both parliaments within sixty days.")
# The same wire story as another outlet runs it: its own headline line and one word changed.
COPY = "ZENDA CROSSING TO REOPEN\n" + STORY.replace("pledged", "promised")
OTHER = ("The parliament of Grand Fenwick voted on Monday to raise the tax on imported wine, a measure the "
         "finance minister said would pay for new schools in the capital and for road repairs in the north. "
         "Wine merchants said they would challenge the law in court, and the opposition promised to repeal it "
         "after the next election.")
# Same topic and actors, different reporting: must not be linked.
FOLLOW_UP = ("Trucks began crossing the border at Zenda on Wednesday, a day after Ruritania and Freedonia agreed "
             "to reopen it. Customs officers checked each vehicle, and drivers said they had waited since dawn. "
             "Officials from Grand Fenwick, who mediated the talks, said they would monitor the crossing for a "
             "month.")


def _article(article_id: str, text: str, **kw: str) -> Article:
    return Article(id=article_id, text=text, **kw)  # type: ignore[arg-type]


def test_dedup_shingles() -> None:
    assert shingles("One two three", 5) == {b"one two three"}
    assert shingles("A b C d", 2) == {b"a b", b"b c", b"c d"}
    assert shingles("", 5) == set()


def test_dedup_signature_stable_across_finders() -> None:
    a = NearDuplicateFinder().signature("x", STORY)
    b = NearDuplicateFinder().signature("x", STORY)
    assert a == b and len(a.values) == 128 * 4 and len(a.keys) == len(NearDuplicateFinder().bands)


def test_dedup_similarity_separates_copies_from_other_stories() -> None:
    finder = NearDuplicateFinder()
    story = finder.signature("s", STORY).values
    assert finder.similarity(story, finder.signature("c", COPY).values) >= 0.8
    assert finder.similarity(story, finder.signature("f", FOLLOW_UP).values) < 0.3
    assert finder.similarity(story, finder.signature("o", OTHER).values) < 0.1


def test_dedup_split_within_batch_links_copies_to_first() -> None:
    finder = NearDuplicateFinder()
    batch = [_article("a", STORY), _article("b", OTHER), _article("c", COPY), _article("d", FOLLOW_UP)]
    near = finder.split(batch, lambda keys: [])
    assert [a.id for a in near.originals] == ["a", "b", "d"]
    assert [(link.article.id, link.original_id) for link in near.links] == [("c", "a")]
    assert [s.article_id for s in near.signatures] == ["a", "b", "d"]


def test_dedup_short_texts_link_only_when_identical() -> None:
    brief = "Ruritania and Freedonia held talks in Zenda on Monday about the border, officials said."
    batch = [_article("a", brief), _article("b", brief.replace("Monday", "Tuesday")), _article("c", brief)]
    near = NearDuplicateFinder().split(batch, lambda keys: [])
    assert [a.id for a in near.originals] == ["a", "b"]
    assert [(link.article.id, link.original_id, link.similarity) for link in near.links] == [("c", "a", 1.0)]


def test_dedup_split_against_stored_signatures() -> None:
    finder = NearDuplicateFinder()
    stored = finder.signature("old", STORY)
    rows = [(k, "old", stored.scheme, stored.values, stored.digest) for k in stored.keys]
    asked: list[list[int]] = []

    def lookup(keys: object) -> list[tuple[int, str, str, bytes, bytes]]:
        asked.append(list(keys))  # type: ignore[call-overload]
        return [r for r in rows if r[0] in asked[-1]]

    near = finder.split([_article("new", COPY), _article("b", OTHER)], lookup)
    assert [link.original_id for link in near.links] == ["old"] and [a.id for a in near.originals] == ["b"]
    assert len(asked) == 1  # one lookup per batch
    other_scheme = NearDuplicateFinder(shingle_words=3)
    assert other_scheme.split([_article("new", COPY)], lookup).links == []  # never compared across schemes


def test_dedup_failed_original_drops_its_links() -> None:
    near = NearDuplicateFinder().split([_article("a", STORY), _article("c", COPY)], lambda keys: [])
    failed = Result(article=near.originals[0], failures=(Failure(source="x", stage="extract", message="boom"),))
    kept = near.stored([failed])
    assert kept.links == [] and kept.signatures == [] and kept.originals == []
    assert near.stored([Result(article=near.originals[0])]) is near
    assert isinstance(kept, NearDuplicates)


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def blank() -> Pipeline:
    return Pipeline(load_config(overrides={"parse.model": "blank:en"}))


def test_dedup_index_persists_across_runs_and_connections(tmp_path: Path, blank: Pipeline) -> None:
    db = tmp_path / "d.duckdb"
    first = _jsonl(tmp_path / "monday.jsonl", [{"text": STORY, "url": "https://wire.example/1", "outlet": "Wire"}])
    second = _jsonl(tmp_path / "tuesday.jsonl", [
        {"text": COPY, "url": "https://daily.example/a", "outlet": "Daily"},
        {"text": COPY, "url": "https://wire.example/2", "outlet": "wire"},  # same outlet, another URL
        {"text": FOLLOW_UP, "url": "https://daily.example/b", "outlet": "Daily"}])
    with Store(db) as store:
        assert blank.run([first], store=store).new == 1
    other = Pipeline(load_config(overrides={"parse.model": "blank:en"}))
    with Store(db) as store:
        summary = other.run([second], store=store)
        rows = store.con.execute("SELECT url, num_articles, num_sources FROM articles ORDER BY url").fetchall()
    assert (summary.new, summary.duplicates) == (1, 2)
    assert rows == [("https://daily.example/b", 1, 1), ("https://wire.example/1", 3, 2)]


def test_dedup_off_codes_every_copy(tmp_path: Path) -> None:
    corpus = _jsonl(tmp_path / "c.jsonl", [{"text": STORY, "url": "https://a.example/1"},
                                           {"text": COPY, "url": "https://b.example/1"}])
    pipeline = Pipeline(load_config(overrides={"parse.model": "blank:en", "ingest.dedup": "false"}))
    with Store(tmp_path / "d.duckdb") as store:
        summary = pipeline.run([corpus], store=store)
        assert store.con.execute("SELECT count(*) FROM article_minhash").fetchone() == (0,)
    assert (summary.new, summary.duplicates) == (2, 0)


@pytest.mark.slow
def test_dedup_gdelt_num_sources_and_articles_cli(tmp_path: Path, pipeline: Pipeline) -> None:
    db = tmp_path / "g.duckdb"
    corpus = _jsonl(tmp_path / "c.jsonl", [
        {"text": STORY, "url": "https://wire.example/1", "outlet": "Wire", "published": "2024-03-05"},
        {"text": COPY, "url": "https://daily.example/1", "outlet": "Daily", "published": "2024-03-05"},
        {"text": COPY + " Reporting from Zenda.", "url": "https://herald.example/1", "published": "2024-03-06"},
        {"text": OTHER, "url": "https://wire.example/2", "outlet": "Wire", "published": "2024-03-04"}])
    with Store(db) as store:
        summary = pipeline.run([corpus], store=store)
    assert (summary.new, summary.duplicates) == (2, 2) and summary.events > 0
    with open_store(db, read_only=True) as database:
        buffer = io.StringIO()
        export(database, "gdelt", buffer)
    by_url: dict[str, set[tuple[str, str, str]]] = {}
    for line in buffer.getvalue().splitlines():
        cols = dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True))
        by_url.setdefault(cols["SOURCEURL"], set()).add((cols["NumMentions"], cols["NumSources"], cols["NumArticles"]))
    assert by_url["https://wire.example/1"] == {("3", "3", "3")}
    assert by_url.get("https://wire.example/2", {("1", "1", "1")}) == {("1", "1", "1")}
    assert "https://daily.example/1" not in by_url
    listed = CliRunner().invoke(app, ["articles", "--db", str(db), "--format", "jsonl"])
    rows = {r["url"]: r for r in map(json.loads, listed.stdout.splitlines())}
    assert (rows["https://wire.example/1"]["num_sources"], rows["https://wire.example/1"]["num_articles"]) == (3, 3)
    assert rows["https://wire.example/2"]["num_articles"] == 1
    original = rows["https://wire.example/1"]["id"]
    sources = CliRunner().invoke(app, ["articles", "--db", str(db), "--sources", original, "--format", "jsonl"])
    got = [(r["role"], r["url"]) for r in map(json.loads, sources.stdout.splitlines())]
    assert got == [("coded", "https://wire.example/1"), ("copy", "https://daily.example/1"),
                   ("copy", "https://herald.example/1")]


def test_dedup_migration_upgrades_an_older_store(tmp_path: Path) -> None:
    import duckdb

    from detente.store import MIGRATIONS

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    for name, sql in MIGRATIONS[:2]:
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
    con.execute("INSERT INTO articles (id, text, url) VALUES ('old1', 'An article stored long ago.', 'https://a.example/1')")
    con.close()
    with open_store(db, read_only=True) as database:  # read-only: not migrated, still readable
        assert export(database, "gdelt", io.StringIO()) == 0
    listed = CliRunner().invoke(app, ["articles", "--db", str(db), "--format", "jsonl"])
    assert listed.exit_code == 0 and json.loads(listed.stdout)["num_articles"] == 1
    with Store(db) as store:
        assert "0003_near_duplicates" in store.migrations()
        rows = store.con.execute("SELECT id, num_articles, num_sources FROM articles").fetchall()
        assert rows == [("old1", 1, 1)] and store.known_article_ids(["old1", "x"]) == {"old1"}
    with open_store(db, read_only=True) as database:
        buffer = io.StringIO()
        assert export(database, "gdelt", buffer) == 0
