"""Throughput: bare spaCy nlp.pipe versus the full `detente ingest`, measured in the same run.

    python benchmarks/throughput.py [--articles 2000] [--workers 1 2]

Prints articles/s and words/s for both and the ratio (goal >= 0.90) for each worker count,
then one summary line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import write_jsonl


def bare_spacy(path: Path, workers: int, batch_size: int) -> float:
    from detente.parse import load_nlp

    nlp = load_nlp()
    texts = (json.loads(line)["text"] for line in path.open())
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=workers):
        pass
    return time.perf_counter() - start


def full_ingest(path: Path, workers: int, db: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "detente.cli", "ingest", str(path), "--db", str(db), "--workers",
                    str(workers), "-q"], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        words = write_jsonl(corpus, args.articles)
        print(f"corpus: {args.articles} articles, {words} words ({words / args.articles:.0f} words/article)")
        ratios = []
        for workers in args.workers:
            bare = bare_spacy(corpus, workers, args.batch_size)
            full = full_ingest(corpus, workers, Path(tmp) / f"w{workers}.duckdb")
            ratio = bare / full
            ratios.append((workers, ratio))
            print(f"workers={workers}: bare spaCy {args.articles / bare:.1f} articles/s {words / bare:.0f} words/s | "
                  f"detente ingest {args.articles / full:.1f} articles/s {words / full:.0f} words/s | "
                  f"ratio {ratio:.2f} (goal >= 0.90)")
    print("summary: " + ", ".join(f"workers={w} ingest/spaCy ratio {r:.2f}" for w, r in ratios))


if __name__ == "__main__":
    main()
