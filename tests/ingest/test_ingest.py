"""Ingest: every input kind, stable ids, and every bad input as a Failure naming the file."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from detente.ingest import IngestOptions, RawDocument, iter_documents
from detente.model import Failure

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _items(*paths: str | Path, **opts: object) -> list[RawDocument | Failure]:
    return list(iter_documents([str(p) for p in paths], IngestOptions(**opts)))  # type: ignore[arg-type]


def test_ingest_text_with_sidecar() -> None:
    (doc,) = _items(FIXTURES / "ok.txt")
    assert isinstance(doc, RawDocument)
    assert doc.published is not None and doc.published.date().isoformat() == "2024-02-13"
    assert doc.outlet


def test_ingest_flags_override_sidecar() -> None:
    (doc,) = _items(FIXTURES / "ok.txt", outlet="Flag Outlet")
    assert isinstance(doc, RawDocument) and doc.outlet == "Flag Outlet"


def test_ingest_gzip_transparent() -> None:
    (doc,) = _items(FIXTURES / "gzipped.txt.gz")
    assert isinstance(doc, RawDocument) and len(doc.text.split()) > 10


def test_ingest_directory_skips_sidecars() -> None:
    items = _items(EXAMPLES)
    assert not any(str(getattr(i, "source_path", "") or "").endswith(".meta.json") for i in items)
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert len(docs) >= 20
    assert all(not isinstance(i, Failure) for i in items), [i for i in items if isinstance(i, Failure)]


def test_ingest_jsonl_keeps_record_ids(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "rec-7", "body": "Ruritania and Freedonia held talks on Monday."}) + "\n")
    (doc,) = _items(path)
    assert isinstance(doc, RawDocument) and doc.source_id == "rec-7" and doc.where == f"{path}:1"


def test_ingest_csv_field_mapping() -> None:
    items = _items(EXAMPLES / "briefs.csv", fields={"text": "story_body", "title": "headline", "published": "date"})
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert len(docs) == 3 and all(d.title and d.published for d in docs)


def test_ingest_rss_items() -> None:
    docs = _items(EXAMPLES / "world-desk.rss")
    assert len(docs) == 3 and all(isinstance(d, RawDocument) and d.published for d in docs)


def test_ingest_glob(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Ruritania recalled its ambassador from Freedonia on Monday.")
    assert len(_items(str(tmp_path / "*.txt"))) == 2


def test_ingest_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"Ruritania and Freedonia signed a trade agreement on Friday."

    class Stdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr("sys.stdin", Stdin)
    (doc,) = _items("-")
    assert isinstance(doc, RawDocument) and doc.text.startswith("Ruritania")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("empty.txt", "E201"),
        ("binary.txt", "E202"),
        ("latin1.txt", "E203"),
        ("notes.xyz", "E205"),
        ("does-not-exist.txt", "E213"),
    ],
)
def test_ingest_bad_file_is_failure_naming_it(name: str, code: str) -> None:
    (item,) = _items(FIXTURES / name)
    assert isinstance(item, Failure)
    assert item.code == code
    assert name in item.message


def test_ingest_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Ruritania talks. " * (50 * 1024 * 1024 // 17 + 1))  # about 50 MB
    (item,) = _items(path, max_bytes=20_000_000)
    assert isinstance(item, Failure) and item.code == "E204" and "huge.txt" in item.message


def test_ingest_malformed_jsonl_line_goes_on() -> None:
    items = _items(FIXTURES / "bad-lines.jsonl")
    assert [type(i).__name__ for i in items] == ["RawDocument", "Failure", "RawDocument"]
    bad = items[1]
    assert isinstance(bad, Failure) and bad.code == "E206" and "bad-lines.jsonl:2" in bad.message


def test_ingest_malformed_csv_row() -> None:
    items = _items(FIXTURES / "bad-rows.csv")
    failures = [i for i in items if isinstance(i, Failure)]
    assert any(f.code == "E207" and "bad-rows.csv:" in f.message for f in failures)


def test_ingest_truncated_feed_keeps_complete_items() -> None:
    items = _items(FIXTURES / "truncated.rss")
    assert any(isinstance(i, Failure) and i.code == "E209" for i in items)
    assert any(isinstance(i, RawDocument) for i in items)


def _warc_bytes() -> bytes:
    """Three HTML response records, written by hand (WARC/1.0)."""
    out = b""
    for n in range(3):
        html = (f"<html><head><title>Story {n}</title></head><body><article><p>Ruritania and Freedonia "
                f"held talks in Geneva on Monday about their border, officials said. Story {n}.</p>"
                "<p>The ministers agreed to meet again next month.</p></article></body></html>").encode()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/{n}\r\n"
                f"WARC-Date: 2024-01-0{n + 1}T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:{n:08d}>\r\n"
                f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n")
        out += head.encode() + http + b"\r\n\r\n"
    return out


def test_ingest_warc_html_responses(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(_warc_bytes()))
    docs = _items(path)
    assert len(docs) == 3 and all(isinstance(d, RawDocument) and d.html and d.url for d in docs)


def test_ingest_truncated_warc(tmp_path: Path) -> None:
    data = _warc_bytes()
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: int(len(data) * 0.8)])
    items = _items(path)
    assert any(isinstance(i, RawDocument) for i in items)
    failure = items[-1]
    assert isinstance(failure, Failure) and failure.code == "E210" and "cut.warc" in failure.message
