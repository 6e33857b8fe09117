"""Ingest: files, directories, globs, stdin, gzip -> RawDocument (or Failure), streamed.

Each file kind has a registered ingester; the extension picks it.
"""

from __future__ import annotations

import glob
import gzip
import io
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, cast

from ..errors import DetenteError, Errors, InputError
from ..model import Failure
from ..registry import ingesters
from . import _feeds, _files, _records  # noqa: F401  (register the built-ins)
from ._base import IngestOptions, Item, Opener, RawDocument, parse_date

logger = logging.getLogger(__name__)

__all__ = ["EXTENSIONS", "IngestOptions", "Item", "RawDocument", "iter_documents", "parse_date"]

#: File extension -> registered ingester name.
EXTENSIONS: dict[str, str] = {
    ".txt": "detente.text.v1",
    ".text": "detente.text.v1",
    ".md": "detente.text.v1",
    ".html": "detente.html.v1",
    ".htm": "detente.html.v1",
    ".jsonl": "detente.jsonl.v1",
    ".ndjson": "detente.jsonl.v1",
    ".json": "detente.json.v1",
    ".csv": "detente.csv.v1",
    ".rss": "detente.feed.v1",
    ".atom": "detente.feed.v1",
    ".xml": "detente.feed.v1",
    ".warc": "detente.warc.v1",
}


def _kind(path: Path) -> tuple[str | None, bool]:
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    suffix = Path(name).suffix
    return EXTENSIONS.get(suffix), gz


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | Failure]:
    for raw in paths:
        text = str(raw)
        if text == "-":
            yield Path("-")
            continue
        path = Path(text)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or child.name.endswith(".meta.json"):
                    continue
                yield child
        elif path.exists():
            yield path
        elif any(ch in text for ch in "*?["):
            matches = sorted(glob.glob(text, recursive=True))
            for match in matches:
                if not match.endswith(".meta.json") and Path(match).is_file():
                    yield Path(match)
            if not matches:
                yield Failure(source=text, stage="ingest", code="E213",
                              message=str(InputError(Errors.E213.format(path=text), code="E213")))
        else:
            yield Failure(source=text, stage="ingest", code="E213",
                          message=str(InputError(Errors.E213.format(path=text), code="E213")))


def _sniff_stdin(data: bytes) -> str:
    head = data.lstrip()[:500].lower()
    if head.startswith(b"{"):
        return "detente.jsonl.v1"
    if head.startswith(b"[") :
        return "detente.json.v1"
    if head.startswith(b"warc/"):
        return "detente.warc.v1"
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        return "detente.feed.v1"
    if head.startswith(b"<"):
        return "detente.html.v1"
    return "detente.text.v1"


def iter_documents(paths: Iterable[str | Path], options: IngestOptions | None = None) -> Iterator[Item]:
    """Stream RawDocuments (and Failures) from files, directories, globs or ``-`` (stdin).

    Nothing is read before it is needed, so a corpus never has to fit in memory. A bad file
    or record becomes a Failure naming it; the stream goes on.
    """
    options = options or IngestOptions()
    for entry in _expand(paths):
        if isinstance(entry, Failure):
            yield entry
            continue
        path = entry
        opener: Opener
        if str(path) == "-":
            data = sys.stdin.buffer.read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            name = _sniff_stdin(data)

            def opener(data: bytes = data) -> IO[bytes]:
                return io.BytesIO(data)
        else:
            kind, gz = _kind(path)
            if kind is None:
                supported = ", ".join(sorted(EXTENSIONS)) + " (optionally .gz)"
                ext = path.suffix or "(none)"
                yield Failure(source=str(path), stage="ingest", code="E205", message=str(
                    InputError(Errors.E205.format(path=path, ext=ext, supported=supported), code="E205")))
                continue
            name = kind
            if gz:
                def opener(path: Path = path) -> IO[bytes]:
                    return cast(IO[bytes], gzip.open(path, "rb"))
            else:
                def opener(path: Path = path) -> IO[bytes]:
                    return path.open("rb")
        reader = ingesters.get(name)
        try:
            yield from reader(path, opener, options)
        except DetenteError as exc:
            logger.warning("cannot read %s: %s", path, exc)
            yield Failure(source=str(path), stage="ingest", message=str(exc), code=exc.code)
        except OSError as exc:
            yield Failure(source=str(path), stage="ingest", code="E213", message=f"[E213] {path}: {exc}")
