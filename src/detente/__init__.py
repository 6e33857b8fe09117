"""detente: political event data from news.

Who did what to whom, when, where, with what status, said by whom, and what comes next,
coded in CAMEO and PLOVER, stored in DuckDB.

Example::

    import detente
    result = detente.code_text("Russia amassed troops on its border with Ukraine on Monday.",
                               published="2022-02-10")
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from .config import Settings, load_config
from .errors import DetenteError
from .model import Actor, Article, Event, Failure, Quote, Result
from .pipeline import Pipeline, code_text
from .query import open_store
from .registry import exporters, extractors, ingesters

try:
    __version__ = version("detente")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Actor",
    "Article",
    "DetenteError",
    "Event",
    "Failure",
    "Pipeline",
    "Quote",
    "Result",
    "Settings",
    "__version__",
    "code_text",
    "exporters",
    "extractors",
    "ingesters",
    "load_config",
    "open_store",
]
