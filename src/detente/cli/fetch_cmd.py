"""``detente fetch`` and ``detente watch``."""

from __future__ import annotations

from . import app  # noqa: F401
