"""Fetched pages on disk: ``HOST/SLUG-HASH.html`` plus a ``SLUG-HASH.meta.json`` sidecar that
``detente ingest`` reads (url, outlet, title, published), and the URL-list batch behind ``detente fetch``."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ..errors import Errors, FetchError, InputError
from ._client import Fetcher, Page

logger = logging.getLogger(__name__)

__all__ = ["FetchOutcome", "fetch_urls", "read_url_list", "save_page", "saved_page"]

_EXTENSIONS = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt"}


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchOutcome:
    """What happened to one URL: ``fetched`` (saved to ``path``), ``already`` (saved by an earlier
    run) or ``failed`` (``code`` and ``message`` say why)."""

    url: str
    status: Literal["fetched", "already", "failed"]
    path: str | None = None
    code: str | None = None
    message: str | None = None


def _stem(url: str) -> Path:
    parts = urlsplit(url)
    host = re.sub(r"[^a-z0-9.-]+", "_", (parts.netloc or "unknown").lower())
    segments = [seg for seg in parts.path.split("/") if seg]
    last = segments[-1] if segments else "index"
    slug = re.sub(r"[^A-Za-z0-9]+", "-", last.rsplit(".", 1)[0]).strip("-")[:60] or "index"
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=6).hexdigest()
    return Path(host) / f"{slug}-{digest}"


def _sidecar(url: str, out_dir: Path) -> Path:
    return out_dir / _stem(url).with_name(_stem(url).name + ".meta.json")


def saved_page(url: str, out_dir: str | Path) -> Path | None:
    """The file an earlier run saved ``url`` to, or None. The sidecar is written last, so a page
    whose sidecar exists is complete."""
    sidecar = _sidecar(url, Path(out_dir))
    if not sidecar.exists():
        return None
    try:
        name = json.loads(sidecar.read_text(encoding="utf-8")).get("file")
    except (OSError, ValueError):
        return None
    path = sidecar.with_name(str(name)) if name else None
    return path if path is not None and path.exists() else None


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def save_page(page: Page, out_dir: str | Path, *, meta: dict[str, Any] | None = None) -> Path:
    """Write a fetched page and its sidecar under ``out_dir``; return the page's path.

    The sidecar holds ``url`` (after redirects), ``requested_url``, ``outlet`` and ``host`` (the
    host without ``www.``), ``fetched_at``, ``status``, ``content_type`` and ``bytes``, plus
    ``meta`` (a feed item's ``title`` and ``published``, for instance).
    """
    stem = Path(out_dir) / _stem(page.url)
    stem.parent.mkdir(parents=True, exist_ok=True)
    media = page.content_type.split(";", 1)[0].strip().lower()
    path = stem.with_name(stem.name + _EXTENSIONS.get(media, ".xml"))
    host = (urlsplit(page.final_url).hostname or "").lower().removeprefix("www.")
    sidecar = {"url": page.final_url, "requested_url": page.url, "outlet": host, "host": host,
               "fetched_at": page.fetched_at.isoformat(), "status": page.status,
               "content_type": page.content_type, "bytes": len(page.body), "file": path.name}
    sidecar.update({k: v for k, v in (meta or {}).items() if v not in (None, "")})
    _write_atomic(path, page.body)
    _write_atomic(_sidecar(page.url, Path(out_dir)),
                  (json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path


def read_url_list(path: str | Path) -> Iterator[tuple[str, str]]:
    """(URL, ``file:line``) for each line of a URL list; blank lines and ``#`` comments are skipped.

    Raises:
        InputError: the file does not exist (E213).
        FetchError: it cannot be read as UTF-8 text (E1011).
    """
    source = Path(path)
    if not source.is_file():
        raise InputError(Errors.E213.format(path=path), code="E213")
    try:
        lines = source.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchError(Errors.E1011.format(path=path, detail=exc), code="E1011") from exc
    for number, line in enumerate(lines, start=1):
        url = line.strip()
        if url and not url.startswith("#"):
            yield url, f"{path}:{number}"


def _check_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(Errors.E1007.format(where=where, value=url), code="E1007")


def fetch_urls(urls: Iterable[tuple[str, str] | str], out_dir: str | Path, *, fetcher: Fetcher
               ) -> Iterator[FetchOutcome]:
    """Fetch each URL into ``out_dir`` (skipping those saved before) and yield what happened.

    A URL that fails is reported with its FetchError's code and message; the batch goes on.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for entry in urls:
        url, where = (entry, entry) if isinstance(entry, str) else entry
        try:
            _check_url(url, where)
            saved = saved_page(url, out)
            if saved is not None:
                yield FetchOutcome(url=url, status="already", path=str(saved))
                continue
            page = fetcher.get(url)
            yield FetchOutcome(url=url, status="fetched", path=str(save_page(page, out)))
        except FetchError as exc:
            logger.warning("%s", exc)
            yield FetchOutcome(url=url, status="failed", code=exc.code, message=str(exc))
