"""One registry per plug point, built on ``catalogue`` with entry points.

Plugins register through the entry-point groups ``detente_ingesters``,
``detente_extractors`` and ``detente_exporters``; the built-ins register the same
way (by decorating at import of their module), so the plugin path always runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import catalogue

from .errors import Errors, RegistryError

F = TypeVar("F", bound=Callable[..., Any])


class _Registry:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._reg = catalogue.create("detente", kind, entry_points=True)

    def register(self, name: str) -> Callable[[F], F]:
        """Decorator: register ``func`` under ``name`` (namespaced and versioned, e.g. detente.rules.v1)."""

        def wrap(func: F) -> F:
            self._reg.register(name, func=func)
            return func

        return wrap

    def get(self, name: str) -> Any:
        _load_builtins()
        try:
            return self._reg.get(name)
        except catalogue.RegistryError:
            available = ", ".join(sorted(self._reg.get_all())) or "(none)"
            raise RegistryError(
                Errors.E301.format(kind=self.kind[:-1], name=name, available=available), code="E301"
            ) from None

    def names(self) -> list[str]:
        _load_builtins()
        return sorted(self._reg.get_all())

    def get_all(self) -> dict[str, Any]:
        _load_builtins()
        return dict(self._reg.get_all())


ingesters = _Registry("ingesters")
extractors = _Registry("extractors")
exporters = _Registry("exporters")

_BUILTINS = ("detente.ingest", "detente.extract", "detente.extract.hybrid", "detente.export")


def _load_builtins() -> None:
    import importlib

    for module in _BUILTINS:
        importlib.import_module(module)
