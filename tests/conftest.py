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


# A small store for the API, dashboard and plot/brief tests: USA-RUS events over three weeks, a
# scheduled meeting, quotes by both sides, and one hostile article whose text and metadata try to run script.
HOSTILE_TITLE = "<b>Hostile</b> <script>alert(4)</script>"
WEB_TEXTS = [
    ("Sanctions over the border build-up", "https://news.example/sanctions", "2022-01-05",
     "The United States imposed sanctions on Russia in Moscow on Monday. "
     "Russia condemned the United States in Geneva on Tuesday. "
     '"We will respond firmly," Russian Foreign Minister Sergei Lavrov said. '
     'U.S. Secretary of State Antony Blinken said: "Russia must withdraw its troops." '
     "The United States and Russia will hold talks in Geneva on Jan. 10."),
    (HOSTILE_TITLE, "javascript:alert(3)", "2022-01-06",
     "Russia attacked Ukraine <img src=x onerror=alert(2)> in Kyiv on Monday. "
     "Officials posted <script>alert(1)</script> on a site. See javascript:alert(3) for more."),
    ("Gas and accusations", "https://wire.example/gas", "2022-01-20",
     "Russia threatened to cut gas supplies to Europe. The United States accused Russia of aggression on Wednesday. "
     "Russian President Vladimir Putin met U.S. President Joe Biden in Geneva on Thursday. "
     '"Nobody wants a war," Putin said.'),
    ("Trade in Beijing", None, "2022-02-04", "China and France signed a trade agreement in Beijing on Friday."),
]


@pytest.fixture(scope="session")
def web_db(pipeline, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """A DuckDB store coded from WEB_TEXTS (closed again: open it read-only)."""
    import datetime as dt

    from detente.store import Store

    path = tmp_path_factory.mktemp("web") / "web.duckdb"
    results = [pipeline.code_text(text, published=dt.date.fromisoformat(day), title=title, url=url)
               for title, url, day, text in WEB_TEXTS]
    with Store(path) as store:
        store.write_results(results)
    return path
