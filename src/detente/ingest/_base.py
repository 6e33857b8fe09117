"""What ingesters produce: raw documents, before cleaning."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from ..errors import Errors, InputError
from ..model import Failure


@dataclass(frozen=True, slots=True, kw_only=True)
class RawDocument:
    """One article as read from its source, before cleaning.

    ``html`` tells the cleaner to extract the main text with trafilatura first.
    ``where`` names the file and position for error messages (``feed.jsonl:12``).
    """

    text: str
    where: str
    html: bool = False
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: dt.datetime | None = None
    language: str | None = None
    source_path: str | None = None
    source_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOptions:
    """How to read sources. ``fields`` maps our names (text, title, url, published, outlet, id)
    to a record's own column names."""

    max_bytes: int = 20_000_000
    fields: dict[str, str] = field(default_factory=dict)
    published: dt.datetime | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None


Item = RawDocument | Failure


class Ingester(Protocol):
    def __call__(self, path: Path, opener: Opener, options: IngestOptions) -> Iterator[Item]: ...


class Opener(Protocol):
    def __call__(self) -> IO[bytes]: ...


def parse_date(value: object, where: str) -> dt.datetime | None:
    """Parse a publication date given as ISO text, RFC 822 text or an epoch number."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(float(value), tz=dt.UTC).replace(tzinfo=None)
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise InputError(Errors.E216.format(where=where, value=text), code="E216") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def decode(data: bytes, where: str) -> str:
    """Decode bytes as UTF-8 (BOM allowed) or UTF-16 with a BOM; refuse binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(Errors.E203.format(path=where, detail=exc), code="E203") from exc
    if b"\x00" in data[:8192]:
        raise InputError(Errors.E202.format(path=where), code="E202")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        detail = f"invalid byte 0x{data[exc.start]:02x} at offset {exc.start}"
        raise InputError(Errors.E203.format(path=where, detail=detail), code="E203") from exc


def read_capped(opener: Opener, where: str, max_bytes: int) -> bytes:
    """Read a whole (possibly gzipped) file, refusing more than ``max_bytes``."""
    try:
        with opener() as fh:
            data = fh.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError, OSError) as exc:
        raise InputError(Errors.E215.format(path=where, detail=exc), code="E215") from exc
    if len(data) > max_bytes:
        raise InputError(Errors.E204.format(path=where, size=f"more than {max_bytes}", cap=max_bytes),
                         code="E204")
    if not data.strip():
        raise InputError(Errors.E201.format(path=where), code="E201")
    return data


def read_sidecar(path: Path) -> dict[str, object]:
    """Metadata from ``NAME.meta.json`` beside ``NAME.txt`` (or ``NAME.txt.gz``)."""
    name = path.name
    for suffix in (".gz", ".txt", ".text", ".html", ".htm", ".jsonl", ".json", ".csv", ".ndjson"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    meta = path.with_name(name + ".meta.json")
    if not meta.exists():
        return {}
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(Errors.E217.format(path=path, meta=meta.name, detail=exc), code="E217") from exc
    if not isinstance(data, dict):
        raise InputError(Errors.E217.format(path=path, meta=meta.name, detail="not a JSON object"),
                         code="E217")
    return data


def text_stream(opener: Opener, where: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) of a UTF-8 text stream, raising InputError on bad bytes."""
    try:
        with opener() as fh:
            reader = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="strict", newline="")
            yield from enumerate(reader, start=1)
    except UnicodeDecodeError as exc:
        raise InputError(Errors.E203.format(path=where, detail=exc), code="E203") from exc
    except (gzip.BadGzipFile, EOFError) as exc:
        raise InputError(Errors.E215.format(path=where, detail=exc), code="E215") from exc
