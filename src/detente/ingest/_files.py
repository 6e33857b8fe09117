"""Single-document files: plain text (with a sidecar) and HTML pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..registry import ingesters
from ._base import IngestOptions, Item, Opener, RawDocument, decode, parse_date, read_capped, read_sidecar


def _meta_str(meta: dict[str, object], key: str) -> str | None:
    value = meta.get(key)
    return str(value) if value not in (None, "") else None


@ingesters.register("detente.text.v1")
def read_text(path: Path, opener: Opener, options: IngestOptions) -> Iterator[Item]:
    """A ``.txt`` article; metadata from ``NAME.meta.json`` and/or the command-line flags."""
    where = str(path)
    text = decode(read_capped(opener, where, options.max_bytes), where)
    meta = read_sidecar(path) if path.name != "-" else {}
    published = options.published or parse_date(meta.get("published") or meta.get("date"), where)
    yield RawDocument(
        text=text,
        where=where,
        url=options.url or _meta_str(meta, "url"),
        outlet=options.outlet or _meta_str(meta, "outlet") or _meta_str(meta, "source"),
        title=options.title or _meta_str(meta, "title"),
        published=published,
        language=_meta_str(meta, "language"),
        source_path=where,
        source_id=_meta_str(meta, "id"),
    )


@ingesters.register("detente.html.v1")
def read_html(path: Path, opener: Opener, options: IngestOptions) -> Iterator[Item]:
    """An HTML page; the cleaner extracts main text, title, date and url with trafilatura."""
    where = str(path)
    text = decode(read_capped(opener, where, options.max_bytes), where)
    meta = read_sidecar(path) if path.name != "-" else {}
    yield RawDocument(
        text=text,
        where=where,
        html=True,
        url=options.url or _meta_str(meta, "url"),
        outlet=options.outlet or _meta_str(meta, "outlet"),
        title=options.title or _meta_str(meta, "title"),
        published=options.published or parse_date(meta.get("published"), where),
        source_path=where,
    )
