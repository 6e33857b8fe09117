"""``detente train``: fine-tune the learned coder."""

from __future__ import annotations

from . import app  # noqa: F401
