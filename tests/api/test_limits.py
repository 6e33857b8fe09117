"""The server's limits: rate per client, body and URL sizes, requests computing at once, worker processes."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from detente.api import create_app
from detente.api._limits import RateLimiter, Slots
from detente.api._serve import SWITCH_INTERVAL, WORKER_ENV, check_workers, worker_app
from detente.cli import app as cli
from detente.config import ServeSettings, load_config
from detente.errors import ConfigError, RequestError
from detente.query import open_store


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "empty.duckdb"
    open_store(path).close()
    return path


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["error"]["code"] == code and body["error"]["status"] == status
    error: dict[str, Any] = body["error"]
    return error


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_bursts_then_refills() -> None:
    clock = Clock()
    limiter = RateLimiter(2.0, 3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)  # empty: the next token comes in half a second
    assert limiter.take("b") == 0.0  # each client has its own bucket
    clock.now += 0.5
    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0
    clock.now += 10
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]  # refilled up to the burst, not beyond
    assert limiter.take("a") > 0


def test_rate_limiter_off_and_bounded_in_clients() -> None:
    assert all(RateLimiter(0, 1).take("a") == 0.0 for _ in range(1000))
    limiter = RateLimiter(1.0, 1, max_clients=10)
    for i in range(100):
        limiter.take(f"client-{i}")
    assert len(limiter._buckets) == 10


def test_slots_wait_in_order_and_refuse_when_full() -> None:
    async def scenario() -> list[str]:
        slots = Slots(1, max_waiting=2, timeout=5)
        order: list[str] = []
        await slots.acquire()

        async def waiter(name: str) -> None:
            await slots.acquire()
            order.append(name)
            slots.release()

        first = asyncio.create_task(waiter("first"))
        await asyncio.sleep(0)
        second = asyncio.create_task(waiter("second"))
        await asyncio.sleep(0)
        assert slots.waiting == 2
        with pytest.raises(RequestError, match="E908") as refused:
            await slots.acquire()  # two already wait: no room in the queue
        assert refused.value.status == 503 and "2 are waiting" in str(refused.value)
        slots.release()
        await asyncio.gather(first, second)
        assert slots.busy == 0 and slots.waiting == 0
        return order

    assert asyncio.run(scenario()) == ["first", "second"]


def test_slots_time_out_and_cancelled_waiters_leave_no_slot_behind() -> None:
    async def scenario() -> None:
        slots = Slots(1, max_waiting=5, timeout=0.05)
        await slots.acquire()
        with pytest.raises(RequestError, match=r"no slot came free within 0\.05 s"):
            await slots.acquire()
        assert slots.waiting == 0
        slots.timeout = 5
        task = asyncio.create_task(slots.acquire())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        slots.release()
        assert slots.busy == 0 and slots.waiting == 0
        await slots.acquire()  # the slot is free again
        assert slots.busy == 1

    asyncio.run(scenario())


def test_rate_limit_answers_429_in_the_error_shape(empty_db: Path) -> None:
    settings = ServeSettings(rate_limit=0.01, rate_burst=2)  # one more request a hundred seconds
    with TestClient(create_app(empty_db, settings=settings)) as client:
        assert client.get("/api/stats").status_code == 200
        assert client.get("/api/stats").status_code == 200
        refused = client.get("/api/stats")
        error = _error(refused, 429, "E905")
        assert "serve.rate_limit" in error["message"] and "testclient" in error["message"]
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["x-content-type-options"] == "nosniff"
        page = client.get("/events", headers={"Accept": "text/html"})  # a browser gets the page form
        assert page.status_code == 429 and "E905" in page.text and page.headers["retry-after"]


def test_rate_limit_off_with_zero(empty_db: Path) -> None:
    with TestClient(create_app(empty_db, settings=ServeSettings(rate_limit=0, rate_burst=1))) as client:
        assert all(client.get("/api/stats").status_code == 200 for _ in range(20))


def test_warm_up_is_optional(empty_db: Path) -> None:
    for warm in (True, False):
        with TestClient(create_app(empty_db, settings=ServeSettings(warm_up=warm))) as client:
            assert client.get("/api/stats").json()["counts"]["events"] == 0


def test_url_and_body_size_limits(empty_db: Path) -> None:
    settings = ServeSettings(max_url_bytes=200, max_body_bytes=1000)
    with TestClient(create_app(empty_db, settings=settings)) as client:
        assert client.get("/api/events", params={"plover": "x" * 20}).status_code == 200
        error = _error(client.get("/api/events", params={"plover": "x" * 300}), 414, "E907")
        assert "over the limit of 200 bytes" in error["message"]
        big = {"articles": [{"text": "Russia and Ukraine held talks. " * 100}]}
        error = _error(client.post("/api/ingest", json=big), 413, "E906")
        assert "over the limit of 1,000 bytes" in error["message"]
        chunked = client.post("/api/ingest", content=iter([b'{"articles": [{"text": "', b"x" * 2000, b'"}]}']),
                              headers={"Content-Type": "application/json"})  # no Content-Length: counted
        _error(chunked, 413, "E906")
        small = client.post("/api/ingest", json={"articles": [{"text": "Talks."}]})
        _error(small, 403, "E902")  # under the limit: on to the usual answer (read-only server)


def test_busy_server_answers_503(empty_db: Path) -> None:
    application = create_app(empty_db, settings=ServeSettings(max_concurrency=1, max_queue=0, cache_size=0))

    async def two_at_once() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return list(await asyncio.gather(client.get("/api/stats"), client.get("/api/stats")))

    responses = asyncio.run(two_at_once())
    assert sorted(r.status_code for r in responses) == [200, 503]
    busy = next(r for r in responses if r.status_code == 503)
    assert _error(busy, 503, "E908")["message"].startswith("The server is busy")
    assert busy.headers["retry-after"] == "1"


def test_serve_settings_are_validated() -> None:
    assert load_config().serve == ServeSettings()  # default_config.toml and the model agree
    with pytest.raises(ConfigError, match=r"serve\.workers"):
        load_config(overrides={"serve.workers": 0})
    with pytest.raises(ConfigError, match=r"serve\.max_concurrency"):
        load_config(overrides={"serve.max_concurrency": "many"})


def test_several_workers_need_a_read_only_store() -> None:
    check_workers(ServeSettings(workers=4), allow_writes=False)
    check_workers(ServeSettings(workers=1), allow_writes=True)
    with pytest.raises(ConfigError, match=r"serve.workers.*2 workers need a read-only store"):
        check_workers(ServeSettings(workers=2), allow_writes=True)
    result = CliRunner().invoke(cli, ["serve", "--workers", "2", "--allow-writes", "--token", "t", "--db", "x"])
    assert isinstance(result.exception, ConfigError) and "read-only store" in str(result.exception)
    result = CliRunner().invoke(cli, ["serve", "--set", "serve.workers=3", "--allow-writes", "--token", "t"])
    assert isinstance(result.exception, ConfigError) and "3 workers" in str(result.exception)
    result = CliRunner().invoke(cli, ["serve", "--workers", "0"])
    assert result.exit_code == 2 and result.exception is not None  # a usage error: at least 1


def test_worker_app_needs_its_description(monkeypatch: pytest.MonkeyPatch, empty_db: Path) -> None:
    monkeypatch.delenv(WORKER_ENV, raising=False)
    with pytest.raises(ConfigError, match=WORKER_ENV):
        worker_app()
    settings = ServeSettings(workers=2, rate_limit=7)
    monkeypatch.setenv(WORKER_ENV, json.dumps({"db": str(empty_db), "cors": [], "settings": settings.model_dump()}))
    interval = sys.getswitchinterval()
    try:
        application = worker_app()
        assert gc.get_freeze_count() > 0  # what the app built stays out of the collector's way
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
    finally:
        gc.unfreeze()
        sys.setswitchinterval(interval)
    assert application.state.settings == settings and application.state.backend.allow_writes is False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def two_workers(empty_db: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "detente.cli", "serve", "--db", str(empty_db), "--port",
                               str(port), "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate(timeout=20)


def test_two_workers_share_a_read_only_store(two_workers: tuple[str, subprocess.Popen[str]]) -> None:
    base, server = two_workers
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, server.communicate()[1]
        try:
            if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.2)
    with httpx.Client(base_url=base, timeout=10) as client:  # new connections: the kernel spreads them
        answers = [httpx.get(base + "/api/events", params={"limit": 5}).json() for _ in range(10)]
        assert answers == [{"events": [], "next_cursor": None}] * 10
        assert client.get("/api/stats").json()["counts"]["events"] == 0
        _error(client.post("/api/ingest", json={"articles": [{"text": "Talks."}]}), 403, "E902")
