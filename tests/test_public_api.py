"""The public surface: exactly these names, and the registries' contents."""

from __future__ import annotations

import types

import detente


def test_public_api_all() -> None:
    # Subpackages and modules appear as attributes once anything imports them; they are not public names.
    public = {name for name in dir(detente)
              if not name.startswith("_") and not isinstance(getattr(detente, name), types.ModuleType)}
    public -= {"annotations", "PackageNotFoundError", "version"}
    assert public == set(detente.__all__) - {"__version__"}


def test_registries() -> None:
    assert "detente.rules.v1" in detente.extractors.names()
    assert {"gdelt", "plover", "parquet", "csv"} <= set(detente.exporters.names())
    assert {"detente.text.v1", "detente.html.v1", "detente.jsonl.v1", "detente.csv.v1", "detente.feed.v1",
            "detente.warc.v1"} <= set(detente.ingesters.names())


def test_unknown_extractor_lists_available() -> None:
    import pytest

    from detente.errors import RegistryError

    with pytest.raises(RegistryError, match=r"No extractor named 'nope'. Available: .*detente.rules.v1"):
        detente.extractors.get("nope")
