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


#: Content types of pages worth coding (a WARC also holds images, scripts, PDFs, robots.txt, ...).
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET_RE = re.compile(r"charset=[\"']?([\w-]+)", re.IGNORECASE)
_LANG_RE = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.IGNORECASE)


def _is_html(ctype: str) -> bool:
    return ctype.split(";", 1)[0].strip().lower() in _HTML_TYPES


def _declared_language(header: str | None, payload: bytes) -> str | None:
    """The page's declared language: HTTP Content-Language, else ``<html lang=...>``; None if neither.

    Used only to skip pages early: an undeclared or English page still goes through the text check."""
    if header:
        return header.split(",", 1)[0].strip().lower() or None
    match = _LANG_RE.search(payload[:4096])
    return match.group(1).decode("ascii").lower() if match else None


@ingesters.register("detente.warc.v1")
def read_warc(path: Path, opener: Opener, options: IngestOptions) -> Iterator[Item]:
    """HTML pages of a WARC file, streamed record by record (a multi-GB ``.warc.gz`` never sits in memory).

    Kept: ``response`` records with HTTP status 200 and an HTML content type, and ``resource``
    records of HTML. Everything else (requests, metadata, revisits, redirects, errors, images,
    scripts, PDFs) is passed over unread. Each page's declared language (Content-Language or
    ``<html lang>``) travels on the RawDocument, so a non-English page is skipped before its text
    is extracted. A record over the size cap is a Failure; a cut-off archive yields the records
    before the cut and one Failure.
    """
    from warcio.archiveiterator import ArchiveIterator

    where = str(path)
    count = 0
    end = 0
    try:
        with opener() as raw:
            fh = _Counting(raw)
            records = ArchiveIterator(fh)
            for record in records:
                item = _warc_page(record, where, count + 1, options)
                # The offset and length are known only once the record is read to its end (warcio
                # reads the rest when asked), so ask after reading the payload.
                end = records.get_record_offset() + records.get_record_length()
                if item is not None:
                    count += 1
                    yield item
            if fh.count - end > 4:
                raise InputError(Errors.E210.format(path=where, records=count,
                                                    detail=f"{fh.count - end} bytes after the last complete record"),
                                 code="E210")
    except InputError as exc:
        yield Failure(source=where, stage="ingest", code="E210", message=str(exc))
    except Exception as exc:  # warcio and gzip raise several unrelated types for a cut-off archive
        yield Failure(source=where, stage="ingest", code="E210", message=str(InputError(
            Errors.E210.format(path=where, records=count, detail=f"{type(exc).__name__}: {exc}"), code="E210")))


def _warc_page(record: Any, where: str, number: int, options: IngestOptions) -> Item | None:
    """The page in one WARC record, a Failure (over the size cap), or None (not an HTML page)."""
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None:
            return None
        ctype = headers.get_header("Content-Type") or ""
        if headers.get_statuscode() != "200" or not _is_html(ctype):
            return None
        content_language = headers.get_header("Content-Language")
    elif record.rec_type == "resource":
        ctype = record.rec_headers.get_header("Content-Type") or ""
        if not _is_html(ctype):
            return None
        content_language = None
    else:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    rwhere = f"{where}#{url or number}"
    payload = record.content_stream().read(options.max_bytes + 1)
    if getattr(record.raw_stream, "limit", 0):
        raise InputError(Errors.E210.format(path=where, records=number - 1, detail=f"record {url} is cut off"),
                         code="E210")
    if len(payload) > options.max_bytes:
        return Failure(source=rwhere, stage="ingest", code="E204", message=str(InputError(
            Errors.E204.format(path=rwhere, size=f"more than {options.max_bytes}", cap=options.max_bytes),
            code="E204")))
    match = _CHARSET_RE.search(ctype)
    charset = match.group(1) if match else "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:
        text = payload.decode("utf-8", errors="replace")
    return RawDocument(
        text=text, where=rwhere, html=True, url=url, outlet=options.outlet,
        published=options.published or _warc_date(record.rec_headers.get_header("WARC-Date"), rwhere),
        language=_declared_language(content_language, payload),
        source_path=where, source_id=record.rec_headers.get_header("WARC-Record-ID"),
    )


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
