"""REST API latency under load: ~200k synthetic events at 50, 100 and 200 requests/s, on loopback.

    python benchmarks/api_load.py [--events 200000] [--rates 50,100,200] [--seconds 20] [--db PATH]
                                  [--workers 1] [--concurrency 4] [--cache 2048]

Builds the events by SQL in a fresh store (detente's own schema, public JSON records included),
then for each rate starts a fresh server (``detente.api.serve``: uvicorn on 127.0.0.1, in its own
process, cold cache) and sends an open-loop stream of requests at that rate with httpx from this
process: event pages with filters (a tenth of them following a cursor), dyad series and stats.
Prints p50/p99 latency per endpoint and overall, the achieved rate, errors, cache hits and the CPU
the server and the client used, then one summary line for the goal (p99 <= 100 ms and 0 errors at
200 requests/s). First it measures the client's own floor: the same stream against a no-op app on
the same uvicorn, so the latency and CPU that are the client's (and the HTTP stack's) are known.

The server runs with its default limits except the rate limit per client, set to twice the highest
rate: one client here stands for many users, and the limiter still runs on every request.
Bounded in time and in count; stops every server at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import h11
import httpx

from detente.query import open_store

CODES = ["USA", "RUS", "UKR", "CHN", "FRA", "DEU", "GBR", "IRN", "ISR", "TUR", "IND", "PAK", "NATO", "EU", "UNO"]
STATUSES = ["occurred", "occurred", "occurred", "scheduled", "threatened", "denied"]


def build(path: Path, n: int) -> None:
    """``n`` events over ten years between 15 actors, with articles, actor rows and public JSON records."""
    db = open_store(path)
    con = db.store.con
    codes = "[" + ", ".join(f"'{c}'" for c in CODES) + "]"
    statuses = "[" + ", ".join(f"'{s}'" for s in STATUSES) + "]"
    con.execute(f"""
        CREATE TEMP TABLE synthetic AS
        SELECT i, 'e' || i AS id, 'a' || (i // 20) AS article_id, (i % 20)::INT AS sentence_index,
               {codes}[1 + (hash(i) % {len(CODES)})::INT] AS s, {codes}[1 + (hash(i * 7) % {len(CODES)})::INT] AS t,
               lpad((1 + hash(i * 13) % 20)::VARCHAR, 2, '0') AS root, round(random() * 20 - 10, 1) AS g,
               {statuses}[1 + (hash(i * 17) % {len(STATUSES)})::INT] AS status,
               DATE '2015-01-01' + (i % 3650)::INT AS day
        FROM range({n}) r(i)
    """)
    con.execute("""
        INSERT INTO events (id, article_id, sentence_index, sentence_start, sentence_end, trigger_start, trigger_end,
                            trigger_text, source_code, source_country, target_code, target_country, cameo_code,
                            cameo_root, cameo_name, goldstein, quad_class, plover_event, status, date, date_precision,
                            reciprocal, confidence, record)
        SELECT id, article_id, sentence_index, sentence_index * 40, sentence_index * 40 + 39,
               sentence_index * 40 + 4, sentence_index * 40 + 10, 'talked', s, s, t, t, root || '0', root,
               'Synthetic event', g, q, 'CONSULT', status, day, 'day', false, 0.7,
               json_object('id', id, 'article_id', article_id,
                           'sentence', json_object('index', sentence_index, 'start', sentence_index * 40,
                                                   'end', sentence_index * 40 + 39,
                                                   'text', 'A synthetic sentence about ' || s || ' and ' || t || '.'),
                           'trigger', json_object('start', sentence_index * 40 + 4, 'end', sentence_index * 40 + 10,
                                                  'text', 'talked'),
                           'source', json_array(json_object('text', s, 'code', s, 'country', s)),
                           'target', json_array(json_object('text', t, 'code', t, 'country', t)),
                           'cameo', json_object('code', root || '0', 'root', root, 'name', 'Synthetic event',
                                                'goldstein', g, 'quad_class', q),
                           'plover', json_object('event', 'CONSULT', 'mode', NULL, 'context', json_array()),
                           'status', status, 'date', day::VARCHAR, 'date_precision', 'day',
                           'date_source', 'text', 'place', NULL, 'negated', false, 'reciprocal', false,
                           'confidence', 0.7, 'extractor', 'benchmark', 'evidence', 'synthetic')
        FROM (SELECT *, CASE WHEN root::INT <= 5 THEN 1 WHEN root::INT <= 9 THEN 2 WHEN root::INT <= 14 THEN 3
                             ELSE 4 END AS q FROM synthetic)
    """)
    con.execute("""
        INSERT INTO event_actors (event_id, role, position, code, country, goldstein, date, reciprocal, multi)
        SELECT id, 'source', 0, source_code, source_country, goldstein, date, reciprocal, false FROM events
        UNION ALL SELECT id, 'target', 0, target_code, target_country, goldstein, date, reciprocal, false FROM events
    """)
    con.execute("INSERT INTO articles (id, title, text, published) SELECT article_id, 'Synthetic ' || article_id, "
                "repeat('A synthetic sentence about two actors here. ', 20), min(date)::TIMESTAMP "
                "FROM events GROUP BY article_id")
    con.execute("CHECKPOINT")
    db.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


SERVER = """
import json, sys
from detente.api import serve
from detente.config import load_config
overrides = json.loads(sys.argv[3])
serve(sys.argv[1], port=int(sys.argv[2]), settings=load_config(overrides=overrides).serve)
"""

NOOP_SERVER = """
import sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"events":[],"next_cursor":null}'})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def start_server(args: list[str], port: int, probe: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-c", *args])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("the server did not start within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its live children (uvicorn's workers); NaN off Linux."""
    total = 0.0
    try:
        tick = os.sysconf("SC_CLK_TCK")
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry) == pid or int(fields[1]) == pid:
                total += (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError):
        return float("nan")
    return total


def requests_mix(rng: random.Random, cursors: list[str]) -> tuple[str, str, dict[str, Any]]:
    """(kind, path, params): 60% event pages with filters (a tenth of them a later page), 25% series, 15% stats."""
    roll = rng.random()
    a, b = rng.sample(CODES[:12], 2)
    if roll < 0.60:
        year = rng.randint(2015, 2024)
        params = rng.choice([
            {"dyad": f"{a}-{b}", "limit": 50},
            {"actor": a, "cameo": f"{rng.randint(1, 20):02d}", "since": f"{year}-01-01", "until": f"{year}-12-31",
             "limit": 50},
            {"status": "scheduled", "since": f"{year}-01-01", "limit": 100},
            {"plover": "CONSULT", "actor": b, "limit": 25},
        ])
        if cursors and rng.random() < 0.1:
            params = {"limit": 50, "cursor": rng.choice(cursors)}
        return "events", "/api/events", params
    if roll < 0.85:
        return "series", f"/api/dyads/{a}-{b}/series", {"freq": rng.choice(["day", "week"])}
    return "stats", "/api/stats", {}


class Run:
    """What one open-loop run measured."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.latencies: dict[str, list[float]] = {}
        self.by_second: dict[int, list[float]] = {}  # latencies by the second the request was due
        self.statuses: dict[str, int] = {}
        self.errors = 0
        self.hits = 0
        self.sent = 0
        self.elapsed = 0.0
        self.client_cpu = 0.0
        self.server_cpu = float("nan")

    @property
    def every(self) -> list[float]:
        return [v for values in self.latencies.values() for v in values]

    @property
    def achieved(self) -> float:
        return len(self.every) / self.elapsed if self.elapsed else 0.0


class Connection:
    """One keep-alive HTTP/1.1 connection (h11 over asyncio streams): a lighter client than httpx's pool,
    whose cost grows with the number of waiting requests and would make the client the bottleneck."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.http = h11.Connection(h11.CLIENT)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def get(self, target: str) -> tuple[int, dict[bytes, bytes], bytes]:
        if self.writer is None or self.http.our_state is not h11.IDLE:
            await self.close()
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self.http = h11.Connection(h11.CLIENT)
        assert self.reader is not None
        self.writer.write(self.http.send(h11.Request(method="GET", target=target, headers=[("Host", self.host)]))
                          + (self.http.send(h11.EndOfMessage()) or b""))
        status, headers, body = 0, {}, []
        while True:
            event = self.http.next_event()
            if event is h11.NEED_DATA:
                self.http.receive_data(await self.reader.read(1 << 16))
            elif isinstance(event, h11.Response):
                status, headers = event.status_code, dict(event.headers)
            elif isinstance(event, h11.Data):
                body.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("the server closed the connection")
        if self.http.our_state is h11.DONE and self.http.their_state is h11.DONE:
            self.http.start_next_cycle()
        return status, headers, b"".join(body)


async def drive(base: str, rate: float, seconds: float, seed: int, *, connections: int = 64) -> Run:
    """Send ``rate * seconds`` requests of the mix at ``rate`` a second (open loop), wait at most 30 s more.

    Latency runs from the moment each request was due, so time spent waiting for a free connection
    (or behind a late client) counts: a slow server cannot hide by slowing the client down.
    """
    run = Run(rate)
    rng = random.Random(seed)
    host, port = base.removeprefix("http://").split(":")
    queue: asyncio.Queue[tuple[float, str, str]] = asyncio.Queue()
    cursors: list[str] = []
    probe = Connection(host, int(port))
    first = await probe.get("/api/events?limit=50")
    await probe.close()
    cursor = json.loads(first[2]).get("next_cursor") if first[0] == 200 else None
    if cursor:
        cursors.append(cursor)

    async def worker() -> None:
        conn = Connection(host, int(port))
        try:
            while True:
                due, kind, target = await queue.get()
                try:
                    code, headers, body = await asyncio.wait_for(conn.get(target), 10.0)
                    status = str(code)
                    run.hits += headers.get(b"x-cache") == b"hit"
                    if code == 200 and kind == "events" and len(cursors) < 50:
                        found = json.loads(body).get("next_cursor")
                        if found:
                            cursors.append(found)
                except (OSError, TimeoutError, h11.ProtocolError) as exc:
                    status = type(exc).__name__
                    await conn.close()
                latency = (time.perf_counter() - due) * 1000
                run.latencies.setdefault(kind, []).append(latency)
                run.by_second.setdefault(int(due - started), []).append(latency)
                run.statuses[status] = run.statuses.get(status, 0) + 1
                run.errors += status != "200"
                queue.task_done()
        finally:
            await conn.close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    run.sent = int(rate * seconds)
    started = time.perf_counter()  # read by the workers: due times count from here
    cpu = time.process_time()
    for i in range(run.sent):
        due = started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        kind, path, params = requests_mix(rng, cursors)
        await queue.put((due, kind, path + ("?" + urlencode(params) if params else "")))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(queue.join(), 30)
    run.elapsed = time.perf_counter() - started
    run.client_cpu = time.process_time() - cpu
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    answered = sum(run.statuses.values())
    run.errors += run.sent - answered  # still waiting after 30 s
    return run


def measure(server_args: list[str], port: int, probe: str, rate: float, seconds: float, seed: int) -> Run:
    server = start_server(server_args, port, probe)
    try:
        before = cpu_seconds(server.pid)
        run = asyncio.run(drive(f"http://127.0.0.1:{port}", rate, seconds, seed))
        run.server_cpu = cpu_seconds(server.pid) - before
    finally:
        stop_server(server)
    return run


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def report(label: str, run: Run, *, per_kind: bool) -> None:
    every = run.every
    if per_kind:
        for kind, values in sorted(run.latencies.items()):
            print(f"  {kind:7s} {len(values):6d} requests  p50 {pct(values, 50):7.1f} ms  p99 {pct(values, 99):7.1f} ms"
                  f"  mean {statistics.fmean(values):7.1f} ms")
    if per_kind:
        print("  p99 by second: " + " ".join(f"{pct(run.by_second[t], 99):.0f}" for t in sorted(run.by_second)))
        later = [v for t, values in run.by_second.items() if t >= 5 for v in values]
        print(f"  from second 5 on (cache warming up before): p50 {pct(later, 50):.1f} ms, p99 {pct(later, 99):.1f} ms"
              " (for information: the goal counts every request)")
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(run.statuses.items()) if k != "200") or "none"
    print(f"{label}: {len(every)} requests, achieved {run.achieved:.1f} req/s of {run.rate:g}, "
          f"p50 {pct(every, 50):.1f} ms, p99 {pct(every, 99):.1f} ms, errors {run.errors} ({statuses}), "
          f"cache hits {run.hits / max(len(every), 1):.0%}; server CPU {run.server_cpu / run.elapsed:.2f} cores, "
          f"client CPU {run.client_cpu / max(len(every), 1) * 1000:.2f} ms/request ({run.client_cpu / run.elapsed:.2f} "
          "cores)")


def profile(path: Path, count: int, seed: int) -> None:
    """Where one uncached request's time goes, per kind: the query alone, then the whole request
    through the app (Starlette's TestClient: routing, validation, the query, the JSON), in-process."""
    from fastapi.testclient import TestClient

    from detente.api import create_app
    from detente.config import ServeSettings
    from detente.query import EventFilter
    from detente.query.pages import event_page_json

    rng = random.Random(seed)
    queries: dict[str, list[float]] = {}
    whole: dict[str, list[float]] = {}
    settings = ServeSettings(cache_size=0, rate_limit=0)
    with open_store(path, read_only=True) as db, TestClient(create_app(path, settings=settings)) as client:
        cursors = [c for c in [db.event_page(EventFilter(limit=50)).next_cursor] if c]
        for _ in range(count):
            kind, url, params = requests_mix(rng, cursors)
            label = kind + ("(cursor)" if "cursor" in params else "")
            start = time.perf_counter()
            if kind == "events":
                flt: dict[str, Any] = {k: (dt.date.fromisoformat(v) if k in ("since", "until") else v)
                                       for k, v in params.items() if k != "cursor"}
                event_page_json(db, EventFilter(**flt), cursor=params.get("cursor"))
            elif kind == "series":
                db.dyad_series(url.split("/")[3], freq=params["freq"]).to_pylist()
            else:
                db.stats()
            queries.setdefault(label, []).append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            response = client.get(url, params=params)
            whole.setdefault(label, []).append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} {params}: {response.status_code} {response.text[:200]}")
            if kind == "events" and len(cursors) < 50 and response.json().get("next_cursor"):
                cursors.append(response.json()["next_cursor"])
    for label in sorted(queries):
        q, w = queries[label], whole[label]
        print(f"profile {label:15s} {len(q):4d} requests: query alone p50 {pct(q, 50):6.2f} ms, "
              f"whole request p50 {pct(w, 50):6.2f} ms (p99 {pct(w, 99):6.2f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--rates", default="50,100,200", help="target requests per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to send at each rate (at most 300)")
    parser.add_argument("--db", type=Path, help="reuse (or build) this store instead of a temporary one")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=int, default=2048, help="serve.cache_size (0: no response cache)")
    parser.add_argument("--workers", type=int, default=1, help="serve.workers (server processes)")
    parser.add_argument("--concurrency", type=int, default=None, help="serve.max_concurrency [default: config]")
    parser.add_argument("--no-floor", action="store_true", help="skip the client's floor (no-op server)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="first time N uncached requests in-process: the query alone vs the whole request")
    args = parser.parse_args()
    seconds = min(args.seconds, 300.0)
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    overrides: dict[str, Any] = {"serve.cache_size": args.cache, "serve.workers": args.workers,
                                 "serve.rate_limit": 2 * max(rates), "serve.rate_burst": int(2 * max(rates))}
    if args.concurrency:
        overrides["serve.max_concurrency"] = args.concurrency
    print(f"server settings: {json.dumps(overrides)} (others: default_config.toml); {os.cpu_count()} CPUs; "
          f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "api_load.duckdb"
        if not path.exists():
            start = time.perf_counter()
            build(path, args.events)
            print(f"built {args.events:,} events in {time.perf_counter() - start:.1f} s")
        if args.profile:
            profile(path, min(args.profile, 10_000), args.seed)
        if not args.no_floor:
            port = free_port()
            floor = measure([NOOP_SERVER, str(port)], port, "/", max(rates), seconds, args.seed)
            report(f"client floor (no-op app, same uvicorn) at {max(rates):g} req/s", floor, per_kind=False)
        for rate in rates:
            port = free_port()
            run = measure([SERVER, str(path), str(port), json.dumps(overrides)], port, "/openapi.json", rate, seconds,
                          args.seed)
            report(f"detente at {rate:g} req/s", run, per_kind=True)
            results.append(run)
    for run in results:
        every = run.every
        met = pct(every, 99) <= 100 and run.errors == 0
        print(f"summary: {run.rate:g} req/s target, {run.achieved:.0f} achieved, p50 {pct(every, 50):.1f} ms, "
              f"p99 {pct(every, 99):.1f} ms, {run.errors} errors, {run.hits / max(len(every), 1):.0%} cache hits"
              + (f"; goal p99 <= 100 ms and 0 errors: {'met' if met else 'NOT met'}" if run.rate >= 200 else ""))


if __name__ == "__main__":
    main()
