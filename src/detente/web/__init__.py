"""The dashboard: server-rendered HTML pages with inline SVG charts, served by the API app.

Templates (Jinja2, autoescape always on) and static files live beside this module; nothing loads
from a CDN and no script runs: the pages are plain HTML, CSS and SVG. Article and user text is
always escaped, and only http(s) URLs become links. ``detente.web.plot`` draws PNG plots (matplotlib).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse

__all__ = ["mount", "render_error"]


def mount(app: FastAPI) -> None:
    """Add the dashboard pages, ``/docs`` and ``/static`` to ``app``."""
    from pathlib import Path

    from starlette.staticfiles import StaticFiles

    from ._views import router

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")


def render_error(*, code: str, message: str, status: int, errors: Sequence[str] = ()) -> HTMLResponse:
    """An error as an HTML page (for browsers on dashboard pages)."""
    from ._views import page

    return page("error.html", status=status, title=f"Error {status}", code=code, message=message,
                errors=list(errors))
