"""Schema migrations kept as files: ``NNNN_name.py`` modules, each with a ``SQL`` string.

:data:`detente.store.MIGRATIONS` lists the early migrations inline and appends these, so the
store applies every migration once, in name order, and records it in ``schema_migrations``.
"""

from __future__ import annotations

import importlib
import re
from importlib import resources

__all__ = ["file_migrations"]

_NAME_RE = re.compile(r"^(\d{4}_\w+)\.py$")


def file_migrations() -> list[tuple[str, str]]:
    """(name, SQL) of every migration module in this package, sorted by name."""
    found = []
    for entry in resources.files(__name__).iterdir():
        match = _NAME_RE.match(entry.name)
        if match:
            module = importlib.import_module(f"{__name__}.{match.group(1)}")
            found.append((match.group(1), str(module.SQL)))
    return sorted(found)
