"""RSS/Atom feeds (feedparser) and WARC files (warcio: HTML response records)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import Errors, InputError
from ..model import Failure
from ..registry import ingesters
from ._base import IngestOptions, Item, Opener, RawDocument, parse_date, read_capped


def _entry_text(entry: Any) -> tuple[str, bool]:
    for content in entry.get("content") or ():
        value = content.get("value") or ""
        if value.strip():
            return value, "html" in (content.get("type") or "html")
    summary = entry.get("summary") or entry.get("description") or ""
    return summary, bool(re.search(r"<[a-zA-Z/]", summary))


def _entry_date(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime(*value[:6])
    return None


@ingesters.register("detente.feed.v1")
def read_feed(path: Path, opener: Opener, options: IngestOptions) -> Iterator[Item]:
    """Items of an RSS or Atom file. A malformed or truncated feed yields its complete items
    and one Failure that says what is wrong."""
    import feedparser

    where = str(path)
    data = read_capped(opener, where, options.max_bytes)
    parsed = feedparser.parse(data)
    outlet = options.outlet or (parsed.feed.get("title") if parsed.get("feed") else None)
    entries = list(parsed.entries)
    if parsed.bozo:
        detail = str(parsed.get("bozo_exception") or "not well-formed")
        # The last item of a truncated feed is cut off: keep only items before the break.
        if entries:
            entries = entries[:-1]
        yield Failure(source=where, stage="ingest", code="E209",
                      message=str(InputError(Errors.E209.format(path=where, detail=detail), code="E209")))
    if not entries and not parsed.bozo:
        raise InputError(Errors.E209.format(path=where, detail="no items found"), code="E209")
    for index, entry in enumerate(entries):
        ewhere = f"{where}#item{index + 1}"
        text, html = _entry_text(entry)
        if not text.strip():
            yield Failure(source=ewhere, stage="ingest", code="E212",
                          message=str(InputError(Errors.E212.format(where=ewhere, fields="content|summary"),
                                                 code="E212")))
            continue
        yield RawDocument(
            text=text, where=ewhere, html=html, url=entry.get("link"), outlet=outlet,
            title=options.title or entry.get("title"),
            published=options.published or _entry_date(entry),
            source_path=where, source_id=entry.get("id"),
        )


@ingesters.register("detente.warc.v1")
def read_warc(path: Path, opener: Opener, options: IngestOptions) -> Iterator[Item]:
    """HTML response records of a WARC file, streamed record by record."""
    from warcio.archiveiterator import ArchiveIterator

    where = str(path)
    count = 0
    end = 0
    try:
        with opener() as raw:
            fh = _Counting(raw)
            records = ArchiveIterator(fh)
            for record in records:
                end = records.get_record_offset() + records.get_record_length()
                if record.rec_type != "response":
                    continue
                headers = record.http_headers
                ctype = (headers.get_header("Content-Type") if headers else "") or ""
                status = headers.get_statuscode() if headers else "200"
                if "html" not in ctype.lower() or status != "200":
                    continue
                count += 1
                url = record.rec_headers.get_header("WARC-Target-URI")
                rwhere = f"{where}#{url or count}"
                payload = record.content_stream().read(options.max_bytes + 1)
                if getattr(record.raw_stream, "limit", 0):
                    raise InputError(Errors.E210.format(path=where, records=count - 1,
                                                        detail=f"record {url} is cut off"), code="E210")
                if len(payload) > options.max_bytes:
                    yield Failure(source=rwhere, stage="ingest", code="E204", message=str(InputError(
                        Errors.E204.format(path=rwhere, size=len(payload), cap=options.max_bytes),
                        code="E204")))
                    continue
                charset = "utf-8"
                match = re.search(r"charset=([\w-]+)", ctype)
                if match:
                    charset = match.group(1)
                try:
                    text = payload.decode(charset, errors="replace")
                except LookupError:
                    text = payload.decode("utf-8", errors="replace")
                crawled = record.rec_headers.get_header("WARC-Date")
                yield RawDocument(
                    text=text, where=rwhere, html=True, url=url, outlet=options.outlet,
                    published=options.published or _warc_date(crawled, rwhere),
                    source_path=where, source_id=record.rec_headers.get_header("WARC-Record-ID"),
                )
            if fh.count - end > 4:
                raise InputError(Errors.E210.format(path=where, records=count,
                                                    detail=f"{fh.count - end} bytes after the last complete record"),
                                 code="E210")
    except InputError as exc:
        yield Failure(source=where, stage="ingest", code="E210", message=str(exc))
    except Exception as exc:  # warcio and gzip raise several unrelated types for a cut-off archive
        yield Failure(source=where, stage="ingest", code="E210", message=str(InputError(
            Errors.E210.format(path=where, records=count, detail=f"{type(exc).__name__}: {exc}"), code="E210")))


class _Counting(io.RawIOBase):
    """A byte stream that counts what was read, to tell a complete WARC from a cut-off one."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def _warc_date(value: str | None, where: str) -> dt.datetime | None:
    try:
        return parse_date(value, where)
    except InputError:
        return None
