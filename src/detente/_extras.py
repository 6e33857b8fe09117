"""Optional extras: fail with one clear message when a feature's packages are not installed."""

from __future__ import annotations

import importlib.util

from .errors import Errors, MissingExtraError

__all__ = ["require_extra"]


def require_extra(feature: str, *modules: str, extra: str = "web") -> None:
    """Raise :class:`MissingExtraError` (E801) naming ``extra`` unless every module in ``modules`` imports."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingExtraError(Errors.E801.format(feature=feature, extra=extra), code="E801", missing=missing)
