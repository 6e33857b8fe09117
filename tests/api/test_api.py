"""The REST API: every endpoint, its filters, cursor pages, the one error shape, auth on ingest, no CORS by default."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.api import create_app
from detente.errors import ConfigError, MissingExtraError

pytestmark = pytest.mark.slow

EVENT_KEYS = {"id", "article_id", "sentence", "trigger", "source", "target", "cameo", "plover", "status", "date",
              "date_precision", "place", "confidence", "extractor", "evidence"}
INJECTION = "x' OR 1=1 --"


@pytest.fixture(scope="module")
def client(web_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(web_db)) as test_client:
        yield test_client


def _events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/events", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"ok", "error"} and body["ok"] is False
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "status", "errors"}
    assert error["code"] == code and error["status"] == status and isinstance(error["errors"], list)
    assert error["message"] and not error["message"].startswith("[")
    return error


def test_events_in_public_json_newest_first(client: TestClient) -> None:
    events = _events(client)
    assert len(events) >= 10
    assert all(set(e) >= EVENT_KEYS for e in events)
    dates = [e["date"] for e in events]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(("params", "check"), [
    ({"dyad": "USA-RUS"}, lambda e: (e["source"][0]["country"], e["target"][0]["country"]) == ("USA", "RUS")
     or (e["reciprocal"] and (e["source"][0]["country"], e["target"][0]["country"]) == ("RUS", "USA"))),
    ({"dyad": "USA-RUS", "either_way": "true"},
     lambda e: {e["source"][0]["country"], e["target"][0]["country"]} == {"USA", "RUS"}),
    ({"actor": "UKR"}, lambda e: "UKR" in {a["country"] for a in e["source"] + e["target"]}),
    ({"cameo": "16"}, lambda e: e["cameo"]["code"].startswith("16")),
    ({"plover": "consult"}, lambda e: e["plover"]["event"] == "CONSULT"),
    ({"status": "scheduled"}, lambda e: e["status"] == "scheduled"),
    ({"since": "2022-01-10", "until": "2022-01-19"}, lambda e: "2022-01-10" <= e["date"] <= "2022-01-19"),
])
def test_events_filters(client: TestClient, params: dict[str, str], check: Any) -> None:
    events = _events(client, **params)
    assert events, params
    assert all(check(e) for e in events), params
    assert len(events) < len(_events(client))


def test_events_article_filter(client: TestClient) -> None:
    article = _events(client, actor="UKR")[0]["article_id"]
    events = _events(client, article=article)
    assert events and {e["article_id"] for e in events} == {article}


def test_cursor_pages_cover_every_event_once(client: TestClient) -> None:
    everything = [e["id"] for e in _events(client)]
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        body = client.get("/api/events", params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        assert len(body["events"]) <= 3
        seen += [e["id"] for e in body["events"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    filtered = client.get("/api/events", params={"limit": 1, "dyad": "USA-RUS"}).json()
    page_two = client.get("/api/events", params={"limit": 1, "dyad": "USA-RUS",
                                                 "cursor": filtered["next_cursor"]}).json()
    assert page_two["events"][0]["id"] == _events(client, dyad="USA-RUS")[1]["id"]


def test_event_detail_has_article_and_highlight(client: TestClient) -> None:
    sanction = _events(client, plover="SANCTION", dyad="USA-RUS")[0]
    body = client.get(f"/api/events/{sanction['id']}").json()
    assert set(body) >= EVENT_KEYS
    article, span = body["article"], body["highlight"]["sentence"]
    assert article["title"] == "Sanctions over the border build-up" and article["url"].startswith("https://")
    assert article["text"][span["start"]:span["end"]] == "The United States imposed sanctions on Russia in Moscow on Monday."
    trigger = body["highlight"]["trigger"]
    assert article["text"][trigger["start"]:trigger["end"]] == "imposed"


def test_unknown_event_is_404(client: TestClient) -> None:
    error = _error(client.get("/api/events/no-such-event"), 404, "E903")
    assert "no-such-event" in error["message"]


def test_articles_actors_network_places(client: TestClient) -> None:
    articles = client.get("/api/articles").json()["articles"]
    assert len(articles) == 4 and all("text" not in a for a in articles)
    assert sum(a["events"] for a in articles) == len(_events(client))
    actors = client.get("/api/actors", params={"limit": 3}).json()["actors"]
    assert len(actors) == 3 and actors[0]["code"] == "RUS"
    edges = client.get("/api/network", params={"by": "country"}).json()["edges"]
    assert edges[0] == {"source": "USA", "target": "RUS", "count": edges[0]["count"],
                        "mean_goldstein": edges[0]["mean_goldstein"]}
    assert all(e["source"] != e["target"] for e in edges)
    assert client.get("/api/network", params={"limit": 1}).json()["edges"].__len__() == 1
    places = client.get("/api/places").json()["places"]
    assert {"Geneva", "Kyiv", "Moscow", "Beijing"} <= {p["name"] for p in places}
    assert all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in places)


def test_dyad_series(client: TestClient) -> None:
    body = client.get("/api/dyads/USA-RUS/series", params={"freq": "week"}).json()
    assert body["dyad"] == "USA-RUS" and body["freq"] == "week"
    series = body["series"]
    assert series and all(r["events"] == r["q1"] + r["q2"] + r["q3"] + r["q4"] for r in series)
    day = client.get("/api/dyads/usa-rus/series", params={"freq": "day", "until": "2022-01-05"}).json()["series"]
    assert [r["period"] for r in day] == ["2022-01-03", "2022-01-04", "2022-01-05"]
    _error(client.get("/api/dyads/USA-RUS/series", params={"freq": "year"}), 422, "E102")
    _error(client.get("/api/dyads/USA/series"), 400, "E102")


def test_quotes_and_calendar(client: TestClient) -> None:
    quotes = client.get("/api/quotes", params={"actor": "USA"}).json()["quotes"]
    assert [q["content"] for q in quotes] == ["Russia must withdraw its troops."]
    entries = client.get("/api/calendar", params={"dyad": "RUS-USA"}).json()["entries"]
    assert len(entries) == 1 and entries[0]["date"] == "2022-01-10"
    assert entries[0]["sentence"] == "The United States and Russia will hold talks in Geneva on Jan. 10."
    assert client.get("/api/calendar", params={"since": "2022-01-11"}).json()["entries"] == []


def test_brief_markdown_and_structured(client: TestClient) -> None:
    body = client.get("/api/brief", params={"dyad": "USA-RUS"}).json()
    assert [s["title"] for s in body["sections"]] == ["Why it matters", "What they're saying", "The other side",
                                                      "What's next"]
    why = body["sections"][0]["items"]
    assert why[0]["text"] == "The United States imposed sanctions on Russia in Moscow on Monday."
    assert why[0]["citation"] == "Sanctions over the border build-up"
    assert all(item["citation"] for s in body["sections"] for item in s["items"])
    assert "Russia must withdraw its troops." in body["markdown"]
    markdown = client.get("/api/brief", params={"dyad": "USA-RUS", "format": "md"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text == body["markdown"]


def test_stats(client: TestClient) -> None:
    body = client.get("/api/stats").json()
    assert body["counts"]["articles"] == 4 and body["counts"]["events"] == len(_events(client))
    assert body["first_event"] == "2022-01-03"


@pytest.mark.parametrize(("url", "status", "field"), [
    ("/api/events?dyad=USA", 400, None),
    ("/api/events?dyad=USA-RUS-CHN", 400, None),
    ("/api/events?cameo=abc", 400, None),
    ("/api/events?status=imagined", 400, None),
    ("/api/events?cursor=not-a-cursor", 400, None),
    ("/api/brief?dyad=US", 400, None),
    ("/api/events?since=2022-13-45", 422, "query.since"),
    ("/api/events?until=tomorrow", 422, "query.until"),
    ("/api/events?limit=0", 422, "query.limit"),
    ("/api/events?limit=501", 422, "query.limit"),
    ("/api/network?by=planet", 422, "query.by"),
    ("/api/brief", 422, "query.dyad"),
])
def test_errors_have_one_shape(client: TestClient, url: str, status: int, field: str | None) -> None:
    error = _error(client.get(url), status, "E102")
    if field:
        assert error["errors"] and error["errors"][0].startswith(f"{field}: ")
        assert error["message"].startswith("Invalid request: ")


def test_unknown_path_is_404_in_the_same_shape(client: TestClient) -> None:
    error = _error(client.get("/api/nothing-here"), 404, "E904")
    assert "/api/nothing-here" in error["message"]
    _error(client.delete("/api/events"), 405, "E904")


def test_sql_metacharacters_are_harmless(client: TestClient) -> None:
    before = client.get("/api/stats").json()["counts"]
    for name in ("actor", "dyad"):
        _error(client.get("/api/events", params={name: INJECTION}), 400, "E102")
    assert _events(client, article=INJECTION) == []
    assert _events(client, plover=INJECTION) == []
    _error(client.get(f"/api/events/{INJECTION}"), 404, "E903")
    _error(client.get("/api/quotes", params={"actor": INJECTION}), 400, "E102")
    _error(client.get(f"/api/dyads/{INJECTION}/series"), 400, "E102")
    _error(client.get("/api/brief", params={"dyad": "USA-RUS'; DROP TABLE events; --"}), 400, "E102")
    assert client.get("/api/stats").json()["counts"] == before


def test_repeated_gets_come_from_the_cache(client: TestClient) -> None:
    url = "/api/events?dyad=RUS-UKR&limit=7"
    first, second = client.get(url), client.get(url)
    assert first.headers["x-cache"] == "miss" and second.headers["x-cache"] == "hit"
    assert first.content == second.content and second.headers["content-type"] == "application/json"
    assert second.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/events/nope").headers["x-cache"] == "miss"  # errors are never kept
    assert client.get("/api/events/nope").headers["x-cache"] == "miss"
    with TestClient(create_app(client.app.state.backend.path, cache_size=0)) as uncached:  # type: ignore[attr-defined]
        assert "x-cache" not in uncached.get(url).headers


def test_no_cors_and_strict_headers_by_default(client: TestClient) -> None:
    response = client.get("/api/stats", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/api/events", headers={"Origin": "https://elsewhere.example",
                                                       "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in response.headers["content-security-policy"]  # default-src 'none': no script at all
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_cors_only_for_the_given_origins(web_db: Path) -> None:
    with TestClient(create_app(web_db, cors_origins=["https://ok.example"])) as other:
        allowed = other.get("/api/stats", headers={"Origin": "https://ok.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://ok.example"
        denied = other.get("/api/stats", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in denied.headers


def test_docs_and_openapi_work_offline(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/brief", "/api/ingest"} <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/dyads/{pair}/series" in docs.text
    assert "<script" not in docs.text and "cdn" not in docs.text.lower()
    assert client.get("/redoc").status_code == 404


def test_pages_answer_html(client: TestClient) -> None:
    for path in ("/", "/dyad", "/dyad?pair=USA-RUS&freq=day", "/events", "/events?status=scheduled",
                 "/network?by=code", "/map", "/quotes?actor=RUS", "/calendar?dyad=USA-RUS", "/brief",
                 "/brief?dyad=USA-RUS"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert "<script" not in response.text.lower() and "<img" not in response.text.lower(), path
    bad = client.get("/events?since=never", headers={"Accept": "text/html"})
    assert bad.status_code == 400 and "expects a date" in bad.text
    missing = client.get("/events/nope", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "E903" in missing.text


def test_hostile_text_is_escaped(client: TestClient) -> None:
    hostile = _events(client, actor="UKR")[0]
    page = client.get(f"/events/{hostile['id']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "<img" not in page
    assert "&lt;b&gt;Hostile&lt;/b&gt;" in page
    assert 'href="javascript' not in page.lower()  # the article's javascript: URL is not a link
    assert "javascript:alert(3)" in page  # but its text is there


def test_ingest_refused_when_read_only(client: TestClient) -> None:
    body = {"articles": [{"text": "Russia and Ukraine held talks in Istanbul on Tuesday."}]}
    _error(client.post("/api/ingest", json=body), 403, "E902")
    _error(client.post("/api/ingest", json=body, headers={"Authorization": "Bearer anything"}), 403, "E902")


def test_writes_need_a_token() -> None:
    with pytest.raises(ConfigError, match="bearer token"):
        create_app(":memory:", allow_writes=True)


def test_ingest_with_token(web_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "writable.duckdb"
    shutil.copy(web_db, path)
    body = {"articles": [{"text": "Turkey and Greece held talks in Athens on Tuesday.", "title": "Aegean talks",
                          "url": "https://news.example/aegean", "published": "2022-03-01", "outlet": "Example",
                          "id": "aegean-1"}]}
    with TestClient(create_app(path, allow_writes=True, token="s3cret")) as writer:
        assert writer.get("/api/stats").json()["counts"]["articles"] == 4
        assert writer.get("/api/stats").headers["x-cache"] == "hit"
        missing = _error(writer.post("/api/ingest", json=body), 401, "E901")
        assert "Bearer" in missing["message"]
        assert writer.post("/api/ingest", json=body).headers["www-authenticate"] == "Bearer"
        _error(writer.post("/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}), 403, "E902")
        _error(writer.post("/api/ingest", json=body, headers={"Authorization": "Basic s3cret"}), 403, "E902")
        invalid = _error(writer.post("/api/ingest", json={"articles": [{"txt": "x"}]},
                                     headers={"Authorization": "Bearer s3cret"}), 422, "E102")
        assert "body.articles.0.text: Field required" in invalid["errors"]
        assert any(e.startswith("body.articles.0.txt: ") for e in invalid["errors"])
        done = writer.post("/api/ingest", json=body, headers={"Authorization": "Bearer s3cret"})
        assert done.status_code == 200, done.text
        result = done.json()
        assert result["ok"] is True and result["articles"] == 1 and result["events"] >= 1
        events = writer.get("/api/events", params={"article": "aegean-1"}).json()["events"]
        assert events and events[0]["date"] == "2022-03-01"  # a Tuesday
        again = writer.post("/api/ingest", json=body, headers={"Authorization": "Bearer s3cret"}).json()
        assert again["ok"] is True
        stats = writer.get("/api/stats")
        assert stats.headers["x-cache"] == "miss"  # each ingest empties the response cache
        assert stats.json()["counts"]["articles"] == 5  # idempotent by article id


def test_missing_extra_names_the_extra() -> None:
    from detente._extras import require_extra

    with pytest.raises(MissingExtraError, match=r"\[E801\] detente serve needs the optional extra: "
                                                r"pip install 'detente\[web\]'"):
        require_extra("detente serve", "no_such_module_for_detente")
