"""Scale: the same corpus through the local path and through Ray with 1 and 2 coder actors, in one run.

    python benchmarks/scale.py [--articles 240] [--workers 1 2] [--batch 32] [--repeat 1] [--address ADDRESS]

Prints articles/s for each and the ratio of the most workers to 1 worker (goal >= 1.8 for 2 vs 1 on a
2-core machine), and checks that every run coded the same number of events. Ray is started once
(not timed); each timed run includes starting the actors and loading spaCy in each, as a real run does
(wall-clock), and the rate after start-up (from the first committed batch to the last) is printed too,
beside this machine's own 2-vs-1 speed-up on pure CPU work measured in the same run. On a shared
machine, --repeat 2 alternates the Ray runs and keeps the best rate of each.
With --address auto (after `ray start --head` on a cluster) the workers spread over its nodes.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import write_jsonl


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_ratio(n: int = 20_000_000) -> float:
    """This machine's own 2-vs-1 speed-up on pure CPU work (two processes vs one doing both), right now."""
    from multiprocessing import get_context

    start = time.perf_counter()
    _spin(n), _spin(n)
    serial = time.perf_counter() - start
    with get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [1, 1])  # start the processes before timing
        start = time.perf_counter()
        pool.map(_spin, [n, n])
        parallel = time.perf_counter() - start
    return serial / parallel


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=240)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    # 32: few enough tasks that Ray's per-task work (the driver's scheduling loop, the registry) stays small
    # beside the coding, enough that two actors stay balanced to the end of a few hundred articles.
    parser.add_argument("--batch", type=int, default=32, help="articles per Ray batch (scale.batch_articles)")
    parser.add_argument("--address", default="local", help="local (a Ray of this machine), auto, or ray://...")
    parser.add_argument("--skip-local", action="store_true", help="leave out the single-process baseline")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the Ray runs; the best of each counts")
    args = parser.parse_args()

    import ray

    from detente.config import load_config
    from detente.pipeline import Pipeline
    from detente.scale import run_ray
    from detente.store import Store

    settings = load_config(overrides={"scale.batch_articles": args.batch})
    before = machine_ratio()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        words = write_jsonl(corpus, args.articles)
        print(f"corpus: {args.articles} articles, {words} words ({words / args.articles:.0f} words/article)")
        rates: dict[str, float] = {}
        steady: dict[str, float] = {}
        events: dict[str, int] = {}
        if not args.skip_local:
            start = time.perf_counter()
            with Store(Path(tmp) / "local.duckdb") as store, Pipeline(settings) as pipeline:
                summary = pipeline.run([corpus], store=store)
            seconds = time.perf_counter() - start
            rates["local"], events["local"] = summary.new / seconds, summary.events
            print(f"local (1 process): {rates['local']:.2f} articles/s ({seconds:.1f} s, {summary.events} events)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            if args.address == "local":
                ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level=logging.ERROR)
            else:
                ray.init(address=args.address, include_dashboard=False, logging_level=logging.ERROR)
        try:
            for round_, workers in ((r, w) for r in range(args.repeat) for w in args.workers):
                marks: list[tuple[float, int]] = []
                start = time.perf_counter()
                summary = run_ray([corpus], out=Path(tmp) / f"ray{workers}-{round_}", settings=settings,
                                  workers=workers,
                                  progress=lambda s, marks=marks: marks.append((time.perf_counter(), s.new)))
                seconds = time.perf_counter() - start
                name = f"ray x{workers}"
                events[name] = summary.events
                rates[name] = max(rates.get(name, 0.0), summary.new / seconds)
                # After start-up: from the first committed batch to the last (actors up, spaCy loaded).
                (t0, n0), (t1, n1) = marks[0], marks[-1]
                steady[name] = max(steady.get(name, 0.0), (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0)
                busy = ", ".join(f"{k} {v:.0f}" for k, v in summary.timings.items())
                print(f"ray, {workers} worker(s): {summary.new / seconds:.2f} articles/s ({seconds:.1f} s, "
                      f"{summary.events} events); after start-up {(n1 - n0) / max(t1 - t0, 1e-9):.2f} articles/s "
                      f"(actor seconds: {busy})")
        finally:
            ray.shutdown()
    after = machine_ratio()
    print(f"machine: two processes of pure CPU work ran {before:.2f}x (before) and {after:.2f}x (after) as fast "
          "as one: the ceiling for the ratio below while other work shares the cores")
    low, high = min(args.workers), max(args.workers)
    ratio = rates[f"ray x{high}"] / rates[f"ray x{low}"]
    same = len(set(events.values())) == 1
    settled = steady[f"ray x{high}"] / steady[f"ray x{low}"]
    line = (f"summary: ray {high} vs {low} worker(s) ratio {ratio:.2f} wall-clock, {settled:.2f} after start-up "
            "(goal >= 1.8 for 2 vs 1)")
    if "local" in rates:
        line += f"; ray 1 worker / local {rates[f'ray x{low}'] / rates['local']:.2f}"
    print(line + f"; same events in every run: {'yes' if same else 'NO ' + str(events)}")


if __name__ == "__main__":
    main()
