"""``detente plot``, ``detente brief`` and ``detente serve``'s guard for the optional extra."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.errors import MissingExtraError

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.mark.parametrize("command", ["serve", "plot", "brief"])
def test_commands_have_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.mark.parametrize("freq", ["day", "week"])
def test_plot_writes_a_png(web_db: Path, tmp_path: Path, freq: str) -> None:
    out = tmp_path / f"usa-rus-{freq}.png"
    result = runner.invoke(app, ["plot", "--dyad", "USA-RUS", "--db", str(web_db), "--freq", freq, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000


def test_plot_of_an_empty_period_still_draws(web_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.png"
    result = runner.invoke(app, ["plot", "--dyad", "USA-RUS", "--db", str(web_db), "--since", "2030-01-01",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_brief_prints_four_sections_with_citations(web_db: Path) -> None:
    result = runner.invoke(app, ["brief", "--dyad", "USA-RUS", "--db", str(web_db)])
    assert result.exit_code == 0, result.output
    text = result.output
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Why it matters", "## What they're saying", "## The other side", "## What's next"]
    assert text.startswith("# Brief: USA–RUS, all dates")
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(items) >= 4
    assert all("](<https://" in line for line in items)  # every line cites its article by title and link
    assert "[Sanctions over the border build-up](<https://news.example/sanctions>)" in text
    assert "“The United States imposed sanctions on Russia in Moscow on Monday.”" in text
    assert "“Russia must withdraw its troops.”" in text
    assert "2022-01-10 · USA–RUS: Consult (talks)" in text


def test_brief_with_period(web_db: Path) -> None:
    result = runner.invoke(app, ["brief", "--dyad", "USA-RUS", "--db", str(web_db), "--since", "2022-01-15",
                                 "--until", "2022-01-31"])
    assert result.exit_code == 0, result.output
    assert "2022-01-15 to 2022-01-31" in result.output
    assert "imposed sanctions" not in result.output
    assert "Nothing in the store." in result.output  # no talks scheduled after the 15th


def test_brief_bad_dyad(web_db: Path) -> None:
    result = runner.invoke(app, ["brief", "--dyad", "USA", "--db", str(web_db)])
    assert result.exit_code != 0
    assert "E102" in str(result.exception)


def test_serve_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "uvicorn" else real(name, *a))
    result = runner.invoke(app, ["serve", "--db", "nowhere.duckdb"])
    assert isinstance(result.exception, MissingExtraError)
    assert str(result.exception) == "[E801] detente serve needs the optional extra: pip install 'detente[web]'"


def test_serve_answers_on_localhost(web_db: Path) -> None:
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "detente.cli", "serve", "--db", str(web_db), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "detente serve did not answer within 60 s"
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert response.status_code == 200 and response.json()["counts"]["articles"] == 4
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    assert b"(read-only)" in stderr and f"http://127.0.0.1:{port}/".encode() in stderr


def test_plot_and_brief_on_the_demo_data(pipeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from detente.store import Store

    db = tmp_path / "detente.duckdb"
    with Store(db) as store:
        pipeline.run([Path(__file__).resolve().parents[2] / "examples"], store=store)
    out = tmp_path / "usa-rus.png"
    plotted = runner.invoke(app, ["plot", "--dyad", "USA-RUS", "--db", str(db), "-o", str(out)])
    assert plotted.exit_code == 0, plotted.output
    assert out.read_bytes()[:4] == b"\x89PNG"
    brief = runner.invoke(app, ["brief", "--dyad", "USA-RUS", "--db", str(db)])
    assert brief.exit_code == 0, brief.output
    for heading in ("Why it matters", "What they're saying", "The other side", "What's next"):
        assert heading in brief.output
