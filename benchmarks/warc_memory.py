"""Peak memory while one large `.warc.gz` streams through `detente ingest`: it must stay flat.

    python benchmarks/warc_memory.py [--size-mb 1024] [--model blank:en] [--keep crawl.warc.gz]

Generates a crawl-like WARC (one gzip member per record) of about ``--size-mb`` MB: HTML news pages
with inline scripts (wire copy from ``_corpus.py``), request records, large binary image responses
(passed over unread, as real crawls are mostly such bytes), pages in French, Spanish and German
(half declare ``<html lang>``, half are caught by the text check) and wire stories republished by
other outlets with a new headline and a changed word. Then runs `detente ingest` on it in a fresh
process and samples the process's peak RSS (VmHWM) when its read position in the file passes 25%,
50% and 100%. The 25% figure is the baseline: growth = peak at 100% / peak at 25% (flat = 1.0-1.2).
It also checks the counts: non-English pages skipped and copies linked, against what was planted.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import ACTORS, RUNNER, article

OUTLETS = [f"{name}.example" for name in ("wire", "daily", "herald", "courier", "tribune", "post", "globe",
                                          "observer", "chronicle", "gazette", "times", "record")]
FOREIGN = {
    "fr": ["Le ministre des affaires étrangères de {A} a rencontré son homologue à {cap} pour discuter de la frontière.",
           "Les deux gouvernements ont signé un accord sur l'énergie lors de la visite du président.",
           "Des milliers de manifestants se sont rassemblés devant le parlement, selon la police.",
           "La banque centrale a annoncé une hausse des taux pour lutter contre l'inflation.",
           "Les négociations doivent reprendre la semaine prochaine dans la capitale."],
    "es": ["El ministro de exteriores de {A} se reunió con su homólogo en {cap} para hablar de la frontera.",
           "Los dos gobiernos firmaron un acuerdo sobre energía durante la visita del presidente.",
           "Miles de manifestantes se concentraron ante el parlamento, según la policía.",
           "El banco central anunció una subida de los tipos para frenar la inflación.",
           "Las negociaciones se reanudarán la próxima semana en la capital."],
    "de": ["Der Außenminister von {A} hat seinen Amtskollegen in {cap} getroffen, um über die Grenze zu sprechen.",
           "Die beiden Regierungen haben während des Besuchs ein Abkommen über Energie unterzeichnet.",
           "Tausende Demonstranten versammelten sich nach Angaben der Polizei vor dem Parlament.",
           "Die Zentralbank hat eine Zinserhöhung angekündigt, um die Inflation zu bekämpfen.",
           "Die Verhandlungen sollen in der nächsten Woche in der Hauptstadt fortgesetzt werden."],
}


def _record(rec_type: str, uri: str, block: bytes, ctype: str, number: int, date: str, level: int = 1) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{number:012d}>\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return gzip.compress(head + block + b"\r\n\r\n", compresslevel=level)


def _response(body: bytes, ctype: str) -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def _page(rng: random.Random, title: str, text: str, lang: str | None) -> bytes:
    script = base64.b64encode(rng.randbytes(12_000)).decode()  # inline app state, as real pages carry
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    attr = f' lang="{lang}"' if lang else ""
    links = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(30))
    return (f"<!doctype html><html{attr}><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<script>window.__STATE__=\"{script}\";</script></head><body><header><nav><ul>{links}</ul></nav>"
            f"</header><main><article><h1>{title}</h1>{paragraphs}</article></main>"
            "<footer><p>Subscribe to our newsletter.</p></footer></body></html>").encode()


def _foreign(rng: random.Random, lang: str) -> str:
    sentences = []
    for _ in range(rng.randint(25, 45)):
        a, _adj, cap = rng.choice(ACTORS)
        sentences.append(rng.choice(FOREIGN[lang]).format(A=a, cap=cap))
    return "\n\n".join(" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4))


def write_warc(path: Path, size: int, *, seed: int = 11, html_share: float = 0.12, foreign: float = 0.1,
               copies: float = 0.1) -> dict[str, int]:
    """Write about ``size`` bytes of WARC; return what was planted."""
    rng = random.Random(seed)
    planted = {"pages": 0, "english": 0, "foreign": 0, "copies": 0, "images": 0, "records": 0}
    recent: list[tuple[str, str]] = []
    html_bytes = other_bytes = 0
    number = 0
    with path.open("wb") as fh:
        while html_bytes + other_bytes < size:
            number += 1
            day = f"2022-{1 + number % 12:02d}-{1 + number % 28:02d}T10:00:00Z"
            host = rng.choice(OUTLETS)
            roll = rng.random()
            if html_bytes <= html_share * (html_bytes + other_bytes):
                if roll < foreign:
                    lang = rng.choice(list(FOREIGN))
                    title, text = f"Nouvelles {number}", _foreign(rng, lang)
                    declared: str | None = lang if rng.random() < 0.5 else None
                    planted["foreign"] += 1
                elif roll < foreign + copies and recent:
                    source_title, source_text = rng.choice(recent)
                    # Republished elsewhere: its own headline, one word changed.
                    title, text, declared = f"{source_title} (update)", source_text.replace(" said", " stated", 1), "en"
                    planted["copies"] += 1
                else:
                    record = article(rng, number)
                    title, text, declared = record["title"], record["text"], "en"
                    recent = [*recent[-199:], (title, text)]
                    planted["english"] += 1
                uri = f"https://{host}/2022/story-{number}.html"
                request = f"GET /2022/story-{number}.html HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
                data = _record("request", uri, request, "application/http; msgtype=request", number, day)
                data += _record("response", uri, _response(_page(rng, title, text, declared), "text/html; charset=utf-8"),
                                "application/http; msgtype=response", number, day)
                html_bytes += len(data)
                planted["pages"] += 1
                planted["records"] += 2
            else:
                uri = f"https://img.{host}/photos/{number}.jpg"
                data = _record("response", uri, _response(os.urandom(rng.randint(60_000, 260_000)), "image/jpeg"),
                               "application/http; msgtype=response", number, day, level=0)  # JPEG: no gain
                other_bytes += len(data)
                planted["images"] += 1
                planted["records"] += 1
            fh.write(data)
    return planted


def _proc_status(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])  # kB
    except OSError:
        pass
    return out


def _position(pid: int, target: Path) -> int | None:
    """The process's read offset in ``target`` (from /proc/PID/fdinfo), or None if it is not open."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == str(target):
                    for line in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines():
                        if line.startswith("pos:"):
                            return int(line.split()[1])
            except OSError:
                continue
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="WARC size to generate (MB)")
    parser.add_argument("--model", default="blank:en", help="spaCy pipeline for coding (blank:en: plumbing only)")
    parser.add_argument("--keep", type=Path, help="write the WARC here and keep it (and reuse it if it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warc = (args.keep or Path(tmp) / "crawl.warc.gz").resolve()
        planted_file = warc.with_name(warc.name + ".planted.json")
        start = time.perf_counter()
        if args.keep and warc.exists() and planted_file.exists():
            planted = json.loads(planted_file.read_text())
            print(f"reusing {warc}")
        else:
            planted = write_warc(warc, args.size_mb * 1_000_000)
            planted_file.write_text(json.dumps(planted))
        size = warc.stat().st_size
        print(f"WARC: {size / 1e6:.0f} MB, {planted['records']} records: {planted['pages']} HTML pages "
              f"({planted['english']} English stories, {planted['copies']} republished copies, {planted['foreign']} "
              f"not English), {planted['images']} images; written in {time.perf_counter() - start:.0f} s")
        db = Path(tmp) / "warc.duckdb"
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", RUNNER, "ingest", str(warc), "--db", str(db),
                                 "--model", args.model, "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        marks: dict[int, tuple[int, float]] = {}
        while proc.poll() is None:
            position = _position(proc.pid, warc)
            status = _proc_status(proc.pid)
            if position is not None and "VmHWM" in status:
                for mark in (25, 50, 75):
                    if mark not in marks and position >= size * mark / 100:
                        marks[mark] = (status["VmHWM"], time.perf_counter() - started)
                        print(f"  {mark:3d}% read: peak RSS {status['VmHWM'] / 1024:.0f} MB "
                              f"(now {status.get('VmRSS', 0) / 1024:.0f} MB), {marks[mark][1]:.0f} s", flush=True)
            time.sleep(0.25)
        _out, err = proc.communicate()
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"ingest failed ({proc.returncode}):\n{err}")
        marks[100] = (int(err.strip().splitlines()[-1]), seconds)
        print(f"  100% read: peak RSS {marks[100][0] / 1024:.0f} MB, {seconds:.0f} s")
        from detente.store import Store

        with Store(db, read_only=True) as store:
            counts = json.loads(store.con.execute("SELECT counts FROM runs").fetchall()[-1][0])
            linked = store.con.execute("SELECT count(*) FROM article_sources").fetchall()[0][0]
    pages = counts["read"]
    print(f"ingest: {pages} pages read, {counts['new']} coded, {counts['duplicates']} copies linked "
          f"(planted {planted['copies']}; {linked} in article_sources), {counts['skipped_language']} skipped as not "
          f"English (planted {planted['foreign']}), {counts['failed']} failed; {pages / seconds:.1f} pages/s, "
          f"{size / 1e6 / seconds:.1f} MB/s")
    base = marks.get(25, marks[100])[0]
    if size < 200_000_000:
        print("note: in a file this small the 25% mark may come before the first batch is coded (libraries not "
              "yet loaded), which inflates the ratio; measure with 200 MB or more")
    print("summary: peak RSS " + ", ".join(f"{m}%: {kb / 1024:.0f} MB" for m, (kb, _s) in sorted(marks.items()))
          + f"; 100%/25% = {marks[100][0] / base:.2f} (flat = 1.00-1.20)")


if __name__ == "__main__":
    main()
