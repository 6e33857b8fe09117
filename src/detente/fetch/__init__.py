"""Fetch: polite HTTP for news pages and feeds (``detente fetch``, ``detente watch``).

robots.txt obeyed, a per-host rate limit, retries with backoff on timeouts, 429 and 5xx, a size
cap and a content-type check; pages are saved with a ``NAME.meta.json`` sidecar that ``detente
ingest`` reads. Settings: the ``[fetch]`` section of the config.
"""

from __future__ import annotations

from ._client import FEED_TYPES, PAGE_TYPES, Fetcher, Page
from ._pages import FetchOutcome, fetch_urls, read_url_list, save_page, saved_page
from ._watch import Watcher, WatchRound, parse_duration

__all__ = ["FEED_TYPES", "PAGE_TYPES", "FetchOutcome", "Fetcher", "Page", "WatchRound", "Watcher", "fetch_urls",
           "parse_duration", "read_url_list", "save_page", "saved_page"]
