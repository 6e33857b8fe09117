"""Shared fixtures. Tests that need the spaCy model use the session-scoped ``pipeline``."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def pipeline():  # type: ignore[no-untyped-def]
    from detente import Pipeline

    return Pipeline()


@pytest.fixture
def shared_samples() -> Path:
    path = SHARED / "samples"
    if not (path / "seed-article.txt").exists():
        pytest.skip(f"../shared/samples is absent ({path}); the seed-article checks need it")
    return path
