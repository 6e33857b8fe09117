"""WARC at scale: streamed record by record, only HTML pages kept, non-English pages skipped and
counted (not failed), wire copy republished by several outlets coded once and linked."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO

import pytest

from detente.config import load_config
from detente.ingest import IngestOptions, RawDocument, iter_documents
from detente.ingest._feeds import read_warc
from detente.model import Failure
from detente.pipeline import Pipeline
from detente.store import Store

STORY = ("Ruritania and Freedonia agreed on Tuesday to reopen the border crossing at Zenda after three weeks of "
         "talks mediated by Grand Fenwick, the foreign ministry said in a statement. Trucks carrying food and "
         "fuel may pass from Wednesday, and both governments pledged to pull their troops back from the "
         "frontier by the end of the month. Opposition leaders in Freedonia called the deal too generous and "
         "urged supporters to gather outside parliament on Friday. Traders in Zenda said the closure had cost "
         "them most of the spring harvest.")
OTHER = ("The parliament of Grand Fenwick voted on Monday to raise the tax on imported wine, a measure the "
         "finance minister said would pay for new schools in the capital and for road repairs in the north. "
         "Wine merchants said they would challenge the law in court, and the opposition promised to repeal it "
         "after the next election.")
FRENCH = ("Le gouvernement de la Ruritanie a annoncé mardi la réouverture de la frontière avec la Freedonie "
          "après trois semaines de négociations. Les camions pourront passer dès mercredi, et les deux pays se "
          "sont engagés à retirer leurs troupes de la frontière avant la fin du mois.")
SPANISH = ("El gobierno de Ruritania anunció el martes la reapertura de la frontera con Freedonia después de "
           "tres semanas de negociaciones. Los camiones podrán pasar desde el miércoles y los dos países se "
           "comprometieron a retirar sus tropas de la frontera antes de fin de mes.")


def _html(title: str, text: str, lang: str | None = "en") -> bytes:
    attr = f' lang="{lang}"' if lang else ""
    body = "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s.strip())
    return (f"<!doctype html><html{attr}><head><title>{title}</title></head><body><nav>Home · World</nav>"
            f"<article><h1>{title}</h1>{body}</article></body></html>").encode()


def warc_record(rec_type: str, uri: str, block: bytes, content_type: str, number: int) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2024-03-05T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def http_response(body: bytes, ctype: str = "text/html; charset=utf-8", status: str = "200 OK",
                  extra: str = "") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode() + body


def write_warc(path: Path, records: list[tuple[str, str, bytes, str]]) -> None:
    """One gzip member per record, as crawlers write them."""
    with path.open("wb") as fh:
        for number, (rec_type, uri, block, ctype) in enumerate(records):
            fh.write(gzip.compress(warc_record(rec_type, uri, block, ctype, number), compresslevel=1))


def _page(uri: str, body: bytes, **kw: str) -> tuple[str, str, bytes, str]:
    return ("response", uri, http_response(body, **kw), "application/http; msgtype=response")


class _CountingOpener:
    """Opens a file and counts the compressed bytes read from it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read = 0

    def __call__(self) -> IO[bytes]:
        outer = self

        class Reader(io.FileIO):
            def read(self, size: int = -1, /) -> bytes:
                data = super().read(size)
                outer.read += len(data or b"")
                return data or b""

            def readinto(self, buffer: bytearray | memoryview, /) -> int:  # type: ignore[override]
                n = super().readinto(buffer) or 0
                outer.read += n
                return n

        class Closing(gzip.GzipFile):
            def close(self) -> None:
                raw = self.fileobj
                super().close()
                if raw is not None:
                    raw.close()

        return Closing(fileobj=Reader(self.path, "rb"), mode="rb")


def test_warc_reader_is_lazy(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    noise = bytes(range(256)) * 40
    records = []
    for i in range(1500):
        records.append(_page(f"https://img.example/{i}.png", noise, ctype="image/png"))
        records.append(_page(f"https://news.example/{i}", _html(f"Story {i}", OTHER)))
    write_warc(path, records)
    opener = _CountingOpener(path)
    stream = read_warc(path, opener, IngestOptions())
    first = next(stream)
    assert isinstance(first, RawDocument) and first.url == "https://news.example/0"
    # One record (and the reader's buffer) was read, not the file.
    assert opener.read < path.stat().st_size / 20
    second = next(stream)
    assert isinstance(second, RawDocument) and second.url == "https://news.example/1"
    rest = list(stream)
    assert len(rest) == 1498 and opener.read == path.stat().st_size


def test_warc_keeps_only_html_pages(tmp_path: Path) -> None:
    path = tmp_path / "mixed.warc.gz"
    request = b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n"
    write_warc(path, [
        ("warcinfo", "", b"software: test\r\n", "application/warc-fields"),
        ("request", "https://news.example/a", request, "application/http; msgtype=request"),
        _page("https://news.example/a", _html("A", STORY)),
        _page("https://news.example/moved", b"", status="301 Moved Permanently", extra="Location: /a\r\n"),
        _page("https://news.example/gone", _html("Gone", OTHER), status="404 Not Found"),
        _page("https://news.example/logo.png", b"\x89PNG\r\n", ctype="image/png"),
        _page("https://news.example/report.pdf", b"%PDF-1.4", ctype="application/pdf"),
        _page("https://news.example/app.js", b"var x = 1;", ctype="application/javascript"),
        _page("https://news.example/x", _html("X", OTHER), ctype="application/xhtml+xml"),
        ("resource", "https://news.example/saved", _html("Saved", OTHER), "text/html"),
        ("resource", "https://news.example/notes.txt", b"plain notes", "text/plain"),
        ("metadata", "https://news.example/a", b"outlinks: 3\r\n", "application/warc-fields"),
        ("revisit", "https://news.example/a", b"", "application/http; msgtype=response"),
    ])
    items = list(iter_documents([path]))
    assert [type(i).__name__ for i in items] == ["RawDocument"] * 3
    assert [i.url for i in items if isinstance(i, RawDocument)] == [
        "https://news.example/a", "https://news.example/x", "https://news.example/saved"]
    assert all(isinstance(i, RawDocument) and "</article>" in i.text for i in items)  # the payload, read


def test_warc_declared_language(tmp_path: Path) -> None:
    path = tmp_path / "langs.warc.gz"
    write_warc(path, [
        _page("https://a.example/1", _html("En", STORY, lang="en-GB")),
        _page("https://a.example/2", _html("Fr", FRENCH, lang="fr")),
        _page("https://a.example/3", _html("De", OTHER, lang=None), extra="Content-Language: de, en\r\n"),
        _page("https://a.example/4", _html("None", SPANISH, lang=None)),
    ])
    items = list(iter_documents([path]))
    assert [i.language for i in items if isinstance(i, RawDocument)] == ["en", "fr", "de", None]


@pytest.fixture(scope="module")
def blank() -> Pipeline:
    return Pipeline(load_config(overrides={"parse.model": "blank:en"}))


def test_warc_non_english_skipped_and_counted_not_failed(tmp_path: Path, blank: Pipeline) -> None:
    path = tmp_path / "langs.warc.gz"
    write_warc(path, [
        _page("https://a.example/1", _html("Border deal", STORY)),
        _page("https://a.example/2", _html("Frontière", FRENCH, lang="fr")),  # declared
        _page("https://a.example/3", _html("Frontera", SPANISH, lang=None)),  # detected from the text
        _page("https://a.example/4", _html("Wine tax", OTHER)),
    ])
    with Store(tmp_path / "s.duckdb") as store:
        summary = blank.run([path], store=store)
        counts = store.counts()
        runs = store.con.execute("SELECT counts FROM runs").fetchone()
    assert (summary.read, summary.new, summary.skipped_language, summary.failed) == (4, 2, 2, 0)
    assert counts["articles"] == 2 and counts["failures"] == 0
    assert runs is not None and '"skipped_language": 2' in runs[0]


def test_warc_non_english_kept_when_not_required(tmp_path: Path) -> None:
    path = tmp_path / "fr.warc.gz"
    write_warc(path, [_page("https://a.example/2", _html("Frontière", FRENCH, lang="fr"))])
    pipeline = Pipeline(load_config(overrides={"parse.model": "blank:en", "ingest.require_english": "false"}))
    with Store(tmp_path / "s.duckdb") as store:
        summary = pipeline.run([path], store=store)
        language = store.con.execute("SELECT language FROM articles").fetchall()
    assert summary.new == 1 and summary.skipped_language == 0 and language == [("fr",)]


def test_warc_wire_copy_coded_once_with_its_sources(tmp_path: Path, blank: Pipeline) -> None:
    path = tmp_path / "wire.warc.gz"
    write_warc(path, [
        _page("https://wire.example/zenda", _html("Zenda crossing to reopen", STORY)),
        _page("https://www.daily.example/world/zenda", _html("Border deal", "ZENDA. " + STORY)),
        _page("https://herald.example/2024/zenda", _html("Deal on Zenda", STORY.replace("Tuesday", "Tuesday night"))),
        _page("https://wire.example/wine", _html("Wine tax", OTHER)),
        _page("https://wire.example/zenda", _html("Zenda crossing to reopen", STORY)),  # exact repeat
    ])
    with Store(tmp_path / "s.duckdb") as store:
        summary = blank.run([path], store=store)
        rows = store.con.execute("SELECT url, num_articles, num_sources FROM articles ORDER BY url").fetchall()
        links = store.con.execute("SELECT url, similarity FROM article_sources ORDER BY url").fetchall()
        again = blank.run([path], store=store)
    assert (summary.new, summary.duplicates, summary.already_stored) == (2, 2, 1)
    assert rows == [("https://wire.example/wine", 1, 1), ("https://wire.example/zenda", 3, 3)]
    assert [u for u, _ in links] == ["https://herald.example/2024/zenda", "https://www.daily.example/world/zenda"]
    assert all(s >= 0.8 for _, s in links)
    assert (again.new, again.duplicates, again.already_stored) == (0, 0, 5)


def test_warc_truncated_keeps_records_before_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    write_warc(path, [_page(f"https://a.example/{i}", _html(f"S{i}", STORY)) for i in range(100)])
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.8)])
    items = list(iter_documents([path]))
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert 50 <= len(docs) < 80 and items[: len(docs)] == docs
    assert [d.url for d in docs] == [f"https://a.example/{i}" for i in range(len(docs))]
    failure = items[-1]
    assert isinstance(failure, Failure) and failure.code == "E210" and "cut.warc.gz" in failure.message
