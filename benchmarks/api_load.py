"""REST API latency under load: ~200k synthetic events, 200 requests/s for 20 s, from this machine only.

    python benchmarks/api_load.py [--events 200000] [--rate 200] [--seconds 20] [--db PATH]

Builds the events by SQL in a fresh store (detente's own schema, public JSON records included),
starts ``uvicorn`` on 127.0.0.1 in a subprocess, and sends an open-loop stream of requests at the
target rate with httpx: event pages with filters (some following a cursor), dyad series and stats.
Prints p50/p99 latency per endpoint and overall, the achieved rate and the error count, then one
summary line (goal: p99 <= 100 ms, 0 errors). Bounded in time and in count; stops the server at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
import sys, uvicorn
from detente.api import create_app
uvicorn.run(create_app(sys.argv[1], cache_size=int(sys.argv[3])), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning")
"""


def start_server(db: Path, port: int, cache: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port), str(cache)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


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


async def drive(base: str, rate: float, seconds: float, seed: int
                ) -> tuple[dict[str, list[float]], int, float, int, int]:
    rng = random.Random(seed)
    latencies: dict[str, list[float]] = {}
    errors = hits = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base, timeout=10.0, limits=limits) as client:
        cursors = []
        first = (await client.get("/api/events", params={"limit": 50})).json()
        if first.get("next_cursor"):
            cursors.append(first["next_cursor"])

        async def one(kind: str, path: str, params: dict[str, Any]) -> None:
            nonlocal errors, hits
            start = time.perf_counter()
            try:
                response = await client.get(path, params=params)
                ok = response.status_code == 200
                hits += response.headers.get("x-cache") == "hit"
                if ok and kind == "events" and len(cursors) < 50:
                    cursor = response.json().get("next_cursor")
                    if cursor:
                        cursors.append(cursor)
            except httpx.HTTPError:
                ok = False
            latencies.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
            if not ok:
                errors += 1

        total = int(rate * seconds)
        tasks = []
        started = time.perf_counter()
        for i in range(total):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(*requests_mix(rng, cursors))))
        _, pending = await asyncio.wait(tasks, timeout=30)
        for task in pending:
            task.cancel()
        elapsed = time.perf_counter() - started
    return latencies, errors + len(pending), elapsed, total, hits


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--rate", type=float, default=200.0, help="target requests per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to send (bounded: at most 300)")
    parser.add_argument("--db", type=Path, help="reuse (or build) this store instead of a temporary one")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=int, default=2048, help="the server's response cache size (0: off)")
    args = parser.parse_args()
    seconds = min(args.seconds, 300.0)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "api_load.duckdb"
        if not path.exists():
            start = time.perf_counter()
            build(path, args.events)
            print(f"built {args.events:,} events in {time.perf_counter() - start:.1f} s")
        port = free_port()
        server = start_server(path, port, args.cache)
        try:
            latencies, errors, elapsed, sent, hits = asyncio.run(
                drive(f"http://127.0.0.1:{port}", args.rate, seconds, args.seed))
        finally:
            stop_server(server)
    every = [v for values in latencies.values() for v in values]
    for kind, values in sorted(latencies.items()):
        print(f"{kind:7s} {len(values):6d} requests  p50 {pct(values, 50):7.1f} ms  p99 {pct(values, 99):7.1f} ms  "
              f"mean {statistics.fmean(values):7.1f} ms")
    achieved = len(every) / elapsed if elapsed else 0.0
    p50, p99 = pct(every, 50), pct(every, 99)
    met = p99 <= 100 and errors == 0
    print(f"all     {len(every):6d} requests  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
          f"achieved {achieved:.1f} req/s of {args.rate:g} target, errors {errors}, "
          f"cache hits {hits} ({hits / max(len(every), 1):.0%}; cache size {args.cache})")
    print(f"summary: {sent} requests in {elapsed:.1f} s ({achieved:.0f} req/s, target {args.rate:g}), "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, {errors} errors, {hits / max(len(every), 1):.0%} cache hits; "
          "goal p99 <= 100 ms and 0 errors: "
          f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
