"""Query latency on 10M synthetic events: a dyad daily series, top actors, a filtered event page.

    python benchmarks/query.py [--events 10000000] [--db PATH]

Builds the events in a fresh DuckDB store (detente's own schema), then times each query
(median of 5 runs) and prints milliseconds (goal <= 200 ms), then one summary line.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from detente.query import EventFilter, open_store

CODES = ["USA", "RUS", "UKR", "CHN", "FRA", "DEU", "GBR", "IRN", "ISR", "TUR", "IND", "PAK", "NATO", "EU", "UNO"]


def build(db: object, n: int) -> None:
    con = db.store.con  # type: ignore[attr-defined]
    codes = "[" + ", ".join(f"'{c}'" for c in CODES) + "]"
    con.execute(f"""
        INSERT INTO events (id, article_id, sentence_index, source_code, source_country, target_code,
                            target_country, cameo_code, cameo_root, goldstein, quad_class, plover_event, status,
                            date, reciprocal, confidence)
        SELECT 'e' || i, 'a' || (i // 20), 0, s, s, t, t, root || '0', root,
               round(random() * 20 - 10, 1), CASE WHEN root::INT <= 5 THEN 1 WHEN root::INT <= 9 THEN 2
               WHEN root::INT <= 14 THEN 3 ELSE 4 END, 'CONSULT', 'occurred',
               DATE '2015-01-01' + (i % 3650)::INT, false, 0.7
        FROM (SELECT i, {codes}[1 + (hash(i) % {len(CODES)})::INT] AS s,
                     {codes}[1 + (hash(i * 7) % {len(CODES)})::INT] AS t,
                     lpad((1 + hash(i * 13) % 20)::VARCHAR, 2, '0') AS root
              FROM range({n}) r(i))
    """)
    con.execute("""
        INSERT INTO event_actors (event_id, role, position, code, country, goldstein, date, reciprocal, multi)
        SELECT id, 'source', 0, source_code, source_country, goldstein, date, reciprocal, false FROM events
        UNION ALL SELECT id, 'target', 0, target_code, target_country, goldstein, date, reciprocal, false FROM events
    """)
    con.execute("INSERT INTO articles (id, text) SELECT DISTINCT article_id, 'synthetic' FROM events")


def timed(fn: object, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "query.duckdb"
        db = open_store(path)
        start = time.perf_counter()
        build(db, args.events)
        print(f"built {args.events:,} events in {time.perf_counter() - start:.1f} s")
        results = {
            "dyad daily series USA-RUS": timed(lambda: db.dyad_series("USA-RUS", freq="day")),
            "top 20 actors": timed(lambda: db.top_actors(limit=20)),
            "event page (RUS, CAMEO 19, 2020, 50 rows)": timed(lambda: db.events(EventFilter(
                actor="RUS", cameo="19", since=__import__("datetime").date(2020, 1, 1),
                until=__import__("datetime").date(2020, 12, 31), limit=50))),
        }
        for name, ms in results.items():
            print(f"{name}: {ms:.0f} ms (goal <= 200 ms)")
        db.close()
    print("summary: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in results.items()))


if __name__ == "__main__":
    main()
