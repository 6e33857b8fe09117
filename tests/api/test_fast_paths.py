"""What makes the API fast must not change its answers: raw JSON event pages, the response cache's
canonical keys, and a cache that an ingest empties (no stale page after a write)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from detente.api import create_app
from detente.api._cache import ResponseCache, cache_key
from detente.query import EventFilter, open_store
from detente.query.pages import event_page_json


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 events between four actors over 30 days; some without a record, one without a date, one non-ASCII."""
    path = tmp_path_factory.mktemp("fast") / "synthetic.duckdb"
    db = open_store(path)
    con = db.store.con
    con.execute("""
        INSERT INTO events (id, article_id, sentence_index, trigger_start, source_code, source_country,
                            target_code, target_country, cameo_code, plover_event, status, date, record)
        SELECT 'ev' || i, 'art' || (i // 4), (i % 4)::INT, (i % 3)::INT * 10,
               ['USA', 'RUS', 'UKR', 'FRA'][1 + i % 4], ['USA', 'RUS', 'UKR', 'FRA'][1 + i % 4],
               ['RUS', 'USA', 'FRA', 'UKR'][1 + i % 4], ['RUS', 'USA', 'FRA', 'UKR'][1 + i % 4],
               '04' || (i % 3), 'CONSULT', 'occurred',
               CASE WHEN i = 7 THEN NULL ELSE DATE '2023-03-01' + (i % 30)::INT END,
               CASE WHEN i % 11 = 5 THEN NULL
                    ELSE json_object('id', 'ev' || i, 'article_id', 'art' || (i // 4),
                                     'note', CASE WHEN i = 3 THEN 'Zürich — 東京' ELSE 'plain' END,
                                     'goldstein', (i % 7) - 3.5) END
        FROM range(60) r(i)
    """)
    con.execute("INSERT INTO articles (id, text) SELECT DISTINCT article_id, 'Some text.' FROM events")
    db.close()
    return path


@pytest.mark.parametrize("flt", [EventFilter(limit=7), EventFilter(dyad="USA-RUS", limit=5),
                                 EventFilter(actor="UKR", limit=500), EventFilter(cameo="041", limit=3)],
                         ids=["all", "dyad", "actor", "cameo"])
def test_raw_json_pages_equal_parsed_pages(synthetic_db: Path, flt: EventFilter) -> None:
    with open_store(synthetic_db, read_only=True) as db:
        cursor: str | None = None
        pages = 0
        while True:
            parsed = db.event_page(flt, cursor=cursor)
            raw = json.loads(event_page_json(db, flt, cursor=cursor))
            assert raw == {"events": parsed.events, "next_cursor": parsed.next_cursor}
            pages += 1
            cursor = parsed.next_cursor
            if cursor is None:
                break
        assert pages >= 1
    assert any(e["note"] == "Zürich — 東京" for e in _all(synthetic_db) if "note" in e)
    assert any("note" not in e for e in _all(synthetic_db))  # rows without a record: their key columns


def _all(path: Path) -> list[dict[str, Any]]:
    with TestClient(create_app(path)) as client:
        events: list[dict[str, Any]] = client.get("/api/events", params={"limit": 500}).json()["events"]
    return events


def test_api_pages_are_the_stored_records(synthetic_db: Path) -> None:
    with TestClient(create_app(synthetic_db)) as client, open_store(synthetic_db, read_only=True) as db:
        response = client.get("/api/events", params={"dyad": "USA-RUS", "limit": 4})
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        expected = db.event_page(EventFilter(dyad="USA-RUS", limit=4))
        assert response.json() == {"events": expected.events, "next_cursor": expected.next_cursor}


def test_a_pair_has_one_series_either_way_round(synthetic_db: Path) -> None:
    with TestClient(create_app(synthetic_db)) as client:
        results = client.app.state.backend.results  # type: ignore[attr-defined]
        one = client.get("/api/dyads/usa-rus/series", params={"freq": "week"}).json()
        other = client.get("/api/dyads/RUS-USA/series", params={"freq": "week"}).json()
        assert one["dyad"] == "USA-RUS" and other["dyad"] == "RUS-USA"
        assert one["series"] == other["series"] and sum(p["events"] for p in one["series"]) == 30
        assert len(results._entries) == 1  # computed once
        with open_store(synthetic_db, read_only=True) as db:
            assert other["series"] == json.loads(json.dumps(db.dyad_series("RUS-USA", freq="week").to_pylist(),
                                                            default=str))
        assert client.get("/api/dyads/RUS-USA/series", params={"freq": "day"}).json()["series"] != other["series"]
        assert len(results._entries) == 2


@pytest.mark.parametrize("freq", ["day", "week", "month"])
def test_series_rows_equal_the_arrow_series(synthetic_db: Path, freq: str) -> None:
    with open_store(synthetic_db, read_only=True) as db:
        for pair in ("USA-RUS", "ukr-fra", "USA-USA", "CHN-USA"):
            rows = db.dyad_series_rows(pair, freq=freq, since=dt.date(2023, 3, 3))
            assert rows == db.dyad_series(pair, freq=freq, since=dt.date(2023, 3, 3)).to_pylist()


def test_cache_keys_are_canonical() -> None:
    assert cache_key("/api/events", b"b=2&a=1") == cache_key("/api/events", b"a=1&b=2")
    assert cache_key("/api/events", b"dyad=USA%2DRUS") == cache_key("/api/events", b"dyad=USA-RUS")
    assert cache_key("/api/events", b"") == "/api/events"
    assert cache_key("/api/events", b"a=1&a=2") != cache_key("/api/events", b"a=2&a=1")  # order of repeats kept
    assert cache_key("/api/events", b"a=1") != cache_key("/api/actors", b"a=1")


def test_reordered_parameters_hit_the_same_entry(synthetic_db: Path) -> None:
    with TestClient(create_app(synthetic_db)) as client:
        first = client.get("/api/events?dyad=USA-RUS&limit=3")
        second = client.get("/api/events?limit=3&dyad=USA-RUS")
        assert first.headers["x-cache"] == "miss" and second.headers["x-cache"] == "hit"
        assert first.content == second.content


def test_twin_requests_share_one_computation(synthetic_db: Path) -> None:
    application = create_app(synthetic_db)

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as client:
            same = [client.get("/api/events", params={"actor": "UKR", "limit": 9}) for _ in range(5)]
            missing = [client.get("/api/events/no-such-event") for _ in range(3)]
            return list(await asyncio.gather(*same, *missing))

    responses = asyncio.run(burst())
    twins, missing = responses[:5], responses[5:]
    assert sorted(r.headers["x-cache"] for r in twins) == ["hit", "hit", "hit", "hit", "miss"]
    assert len({r.content for r in twins}) == 1 and twins[0].json()["events"]
    # An error is not kept: each twin then asks for itself and gets the same error.
    assert [(r.status_code, r.headers["x-cache"]) for r in missing] == [(404, "miss")] * 3


def test_cache_is_bounded_and_a_clear_drops_late_answers() -> None:
    cache = ResponseCache(max_entries=2, max_bytes=100)
    for key in ("a", "b", "c"):
        cache.put(key, b"application/json", b"{}", cache.generation)
    assert cache.get("a") is None and cache.get("c") is not None
    generation = cache.generation
    cache.clear()  # a write happened while an answer was being computed
    cache.put("d", b"application/json", b"{}", generation)
    assert cache.get("d") is None and cache.get("c") is None
    cache.put("big", b"application/json", b"x" * 200, cache.generation)
    assert cache.get("big") is None  # alone over max_bytes: not kept


@pytest.mark.slow
def test_an_ingest_empties_the_cache(web_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "writable.duckdb"
    shutil.copy(web_db, path)
    body = {"articles": [{"text": "Greece and Turkey held talks in Ankara on Monday.", "published": "2023-05-02",
                          "id": "aegean-cache"}]}
    auth = {"Authorization": "Bearer s3cret"}
    with TestClient(create_app(path, allow_writes=True, token="s3cret")) as client:
        url = "/api/events?article=aegean-cache"
        assert client.get(url).json()["events"] == []
        assert client.get("/api/dyads/TUR-GRC/series").json()["series"] == []
        cached = client.get(url)
        assert cached.headers["x-cache"] == "hit" and cached.json()["events"] == []
        before = client.get("/api/stats").json()["counts"]["articles"]
        assert client.post("/api/ingest", json=body, headers=auth).status_code == 200
        after = client.get(url)
        assert after.headers["x-cache"] == "miss" and after.json()["events"]  # not the stale empty page
        assert client.get("/api/dyads/GRC-TUR/series").json()["series"]  # the pair's cached result is gone too
        stats = client.get("/api/stats")
        assert stats.headers["x-cache"] == "miss" and stats.json()["counts"]["articles"] == before + 1
