"""Record files: JSON lines, JSON arrays and CSV, one article per record."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import DetenteError, Errors, InputError
from ..model import Failure
from ..registry import ingesters
from ._base import (
    IngestOptions,
    Item,
    Opener,
    RawDocument,
    decode,
    parse_date,
    read_capped,
    read_sidecar,
    text_stream,
)

#: Our field names and the column names looked for, in order, when not mapped with --field.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "story", "article", "full_text"),
    "title": ("title", "headline"),
    "url": ("url", "link", "uri"),
    "published": ("published", "date", "publish_date", "published_at", "pubdate", "datetime", "timestamp"),
    "outlet": ("outlet", "source", "publisher", "site", "domain"),
    "id": ("id", "guid", "article_id", "doc_id"),
    "language": ("language", "lang"),
}


def _pick(record: Mapping[str, Any], name: str, fields: Mapping[str, str]) -> Any:
    if name in fields:
        return record.get(fields[name])
    lowered = {str(k).lower(): v for k, v in record.items()}
    for key in DEFAULT_FIELDS[name]:
        if lowered.get(key) not in (None, ""):
            return lowered[key]
    return None


def record_to_document(record: Mapping[str, Any], where: str, source_path: str,
                       options: IngestOptions) -> RawDocument:
    """Map one record to a RawDocument, raising InputError when it has no text."""
    text = _pick(record, "text", options.fields)
    if not isinstance(text, str) or not text.strip():
        looked = options.fields.get("text") or "|".join(DEFAULT_FIELDS["text"])
        raise InputError(Errors.E212.format(where=where, fields=looked), code="E212")
    if len(text.encode("utf-8")) > options.max_bytes:
        raise InputError(Errors.E204.format(path=where, size=len(text.encode("utf-8")), cap=options.max_bytes),
                         code="E204")

    def opt(name: str) -> str | None:
        value = _pick(record, name, options.fields)
        return None if value in (None, "") else str(value)

    html = text.lstrip().startswith("<") and "</" in text
    return RawDocument(
        text=text,
        where=where,
        html=html,
        url=options.url or opt("url"),
        outlet=options.outlet or opt("outlet"),
        title=options.title or opt("title"),
        published=options.published or parse_date(_pick(record, "published", options.fields), where),
        language=opt("language"),
        source_path=source_path,
        source_id=opt("id"),
    )


def _with_sidecar_fields(path: Path, options: IngestOptions) -> IngestOptions:
    """A record file's sidecar (``NAME.meta.json``) may map its columns: ``{"fields": {"text": "story_body"}}``.
    Mappings given on the command line win."""
    if str(path) == "-":
        return options
    fields = read_sidecar(path).get("fields")
    if not isinstance(fields, dict):
        return options
    merged = {str(k): str(v) for k, v in fields.items()}
    merged.update(options.fields)
    return replace(options, fields=merged)


def _failure(exc: DetenteError, where: str, stage: str = "ingest") -> Failure:
    return Failure(source=where, stage=stage, message=str(exc), code=exc.code)


@ingesters.register("detente.jsonl.v1")
def read_jsonl(path: Path, opener: Opener, options: IngestOptions) -> Iterator[Item]:
    """JSON lines, streamed: a bad line becomes a Failure and the file goes on."""
    options = _with_sidecar_fields(path, options)
    for number, line in text_stream(opener, str(path)):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise InputError(Errors.E206.format(path=path, line=number, detail=exc), code="E206") from exc
            if not isinstance(record, dict):
                raise InputError(Errors.E206.format(path=path, line=number, detail="not a JSON object"),
                                 code="E206")
            yield record_to_document(record, where, str(path), options)
        except InputError as exc:
            yield _failure(exc, where)


@ingesters.register("detente.json.v1")
def read_json(path: Path, opener: Opener, options: IngestOptions) -> Iterator[Item]:
    """A JSON array of records, one record, or ``{"articles": [...]}``."""
    options = _with_sidecar_fields(path, options)
    where = str(path)
    text = decode(read_capped(opener, where, options.max_bytes), where)
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", 0)
        raise InputError(Errors.E206.format(path=path, line=line, detail=exc), code="E206") from exc
    if isinstance(data, dict):
        records = data.get("articles") or data.get("items") or [data]
    else:
        records = data
    if not isinstance(records, list):
        raise InputError(Errors.E206.format(path=path, line=1, detail="expected a list of records"), code="E206")
    for index, record in enumerate(records):
        rwhere = f"{path}#{index}"
        try:
            if not isinstance(record, dict):
                raise InputError(Errors.E206.format(path=path, line=f"record {index}", detail="not an object"),
                                 code="E206")
            yield record_to_document(record, rwhere, str(path), options)
        except InputError as exc:
            yield _failure(exc, rwhere)


@ingesters.register("detente.csv.v1")
def read_csv(path: Path, opener: Opener, options: IngestOptions) -> Iterator[Item]:
    """CSV with a header row, streamed; quoted fields may hold commas and newlines."""
    options = _with_sidecar_fields(path, options)
    lines = (line for _, line in text_stream(opener, str(path)))
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(Errors.E201.format(path=path), code="E201") from None
    except csv.Error as exc:
        raise InputError(Errors.E207.format(path=path, line=1, detail=exc), code="E207") from exc
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield _failure(InputError(Errors.E207.format(path=path, line=start, detail=exc), code="E207"),
                           f"{path}:{start}")
            return
        where = f"{path}:{start}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            detail = f"expected {len(header)} fields, found {len(row)}"
            yield _failure(InputError(Errors.E207.format(path=path, line=start, detail=detail), code="E207"),
                           where)
            continue
        try:
            yield record_to_document(dict(zip(header, row, strict=True)), where, str(path), options)
        except InputError as exc:
            yield _failure(exc, where)
