"""Throughput: bare spaCy nlp.pipe versus the full `detente ingest`, measured in the same run.

    python benchmarks/throughput.py [--articles 2000] [--workers 1 2]

Prints articles/s and words/s for both and the ratio (goal >= 0.90) for each worker count,
then one summary line.

    python benchmarks/throughput.py --hybrid [--hybrid-only] [--hybrid-articles 100] [--model-dir DIR]

adds the learned coder (needs the ml extra): the rules coder and ``detente.hybrid.v1`` code the same
articles in this process (parse + extract, one worker), articles/s for both and their ratio. Without
--model-dir a small model is trained in the run first (the classifier's cost does not depend on how
well it was trained).
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


def coder_overhead(path: Path, articles: int, batch_size: int) -> tuple[float, float]:
    """Seconds to parse ``articles`` with spaCy, then to run the rules coder (actors, events, quotes) on the
    same parsed documents, in this process: what the coder adds to bare parsing, without I/O or start-up."""
    from detente.extract.quotes import extract_quotes
    from detente.pipeline import Pipeline, make_article

    pipeline = Pipeline()
    coder = pipeline.coder
    rows = [json.loads(line) for line, _ in zip(path.open(), range(articles), strict=False)]
    items = [make_article(r["text"]) for r in rows]
    warm = coder.nlp("Kenya and Uganda held talks in Nairobi.")
    coder.extractor(warm, items[0], coder.extractor.actors_for(warm, items[0]))  # loads the gazetteer
    start = time.perf_counter()
    docs = list(coder.nlp.pipe([a.text for a in items], batch_size=batch_size))
    parse = time.perf_counter() - start
    start = time.perf_counter()
    for doc, article in zip(docs, items, strict=True):
        actors = coder.extractor.actors_for(doc, article)
        coder.extractor(doc, article, actors)
        extract_quotes(doc, article, actors)
    return parse, time.perf_counter() - start


def hybrid_vs_rules(path: Path, articles: int, model_dir: Path | None, tmp: Path) -> tuple[float, float]:
    """Articles/s of the rules coder and of the hybrid coder on the first ``articles`` of the corpus."""
    import datetime as dt

    from detente.config import load_config
    from detente.pipeline import Pipeline, make_article

    if model_dir is None:
        from detente.learn import TrainOptions, train

        model_dir = tmp / "model"
        tiny = Path(__file__).resolve().parents[1] / "tests" / "learn" / "tiny_cameo_class.tsv"
        train([f"cameo_class={tiny}"], model_dir, options=TrainOptions(epochs=1, holdout=0.0))
    rows = [json.loads(line) for line, _ in zip(path.open(), range(articles), strict=False)]
    items = [make_article(r["text"], published=dt.date(2024, 1, 15)) for r in rows]
    rates = []
    for overrides in ({"extract.extractor": "detente.rules.v1"},
                      {"extract.extractor": "detente.hybrid.v1", "learn.model_dir": str(model_dir)}):
        pipeline = Pipeline(load_config(overrides={**overrides, "extract.quotes": "false", "parse.workers": 1}))
        pipeline.code_text("Warm-up: Kenya and Uganda held talks.")  # load spaCy and the model before timing
        start = time.perf_counter()
        for _ in pipeline.code_articles(items):
            pass
        rates.append(len(items) / (time.perf_counter() - start))
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--coder-articles", type=int, default=300,
                        help="Articles for the in-process parse-vs-coder measurement (0 skips it).")
    parser.add_argument("--event-share", type=float, default=0.25,
                        help="Share of event sentences in the corpus (1.0: the event-dense stress corpus).")
    parser.add_argument("--hybrid", action="store_true", help="Also time detente.hybrid.v1 against the rules.")
    parser.add_argument("--hybrid-articles", type=int, default=100)
    parser.add_argument("--hybrid-only", action="store_true", help="Skip the spaCy/ingest comparison.")
    parser.add_argument("--model-dir", type=Path, default=None, help="A model from detente train (else trained here).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        words = write_jsonl(corpus, args.articles, event_share=args.event_share)
        print(f"corpus: {args.articles} articles, {words} words ({words / args.articles:.0f} words/article, "
              f"event share {args.event_share})")
        if args.coder_articles and not args.hybrid_only:
            n = min(args.coder_articles, args.articles)
            parse, code = coder_overhead(corpus, n, args.batch_size)
            print(f"coder overhead, 1 process, {n} articles: spaCy parse {parse:.1f} s, rules coder {code:.1f} s "
                  f"(+{100 * code / parse:.0f}% of parse time; goal <= 10%), parse/(parse+coder) ratio "
                  f"{parse / (parse + code):.2f}")
        ratios = []
        for workers in [] if args.hybrid_only else args.workers:
            bare = bare_spacy(corpus, workers, args.batch_size)
            full = full_ingest(corpus, workers, Path(tmp) / f"w{workers}.duckdb")
            ratio = bare / full
            ratios.append((workers, ratio))
            print(f"workers={workers}: bare spaCy {args.articles / bare:.1f} articles/s {words / bare:.0f} words/s | "
                  f"detente ingest {args.articles / full:.1f} articles/s {words / full:.0f} words/s | "
                  f"ratio {ratio:.2f} (goal >= 0.90)")
        summary = ", ".join(f"workers={w} ingest/spaCy ratio {r:.2f}" for w, r in ratios)
        if args.hybrid or args.hybrid_only:
            rules, hybrid = hybrid_vs_rules(corpus, min(args.hybrid_articles, args.articles), args.model_dir,
                                            Path(tmp))
            print(f"coder only, 1 worker, {min(args.hybrid_articles, args.articles)} articles: detente.rules.v1 "
                  f"{rules:.2f} articles/s | detente.hybrid.v1 {hybrid:.2f} articles/s | ratio {hybrid / rules:.2f}")
            summary = ", ".join(p for p in (summary, f"hybrid/rules ratio {hybrid / rules:.2f}") if p)
    print("summary: " + summary)


if __name__ == "__main__":
    main()
