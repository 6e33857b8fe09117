"""The one error shape of the app, for routes, exception handlers and middleware alike."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response

from ._json import json_response


def error_response(request: Request, *, code: str, message: str, status: int,
                   errors: Sequence[str] = (), headers: dict[str, str] | None = None) -> Response:
    """The one error shape; dashboard pages (not /api) asked for by a browser get it as an HTML page."""
    if not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", ""):
        from ..web import render_error

        response: Response = render_error(code=code, message=message, status=status, errors=errors)
    else:
        response = json_response({"ok": False, "error": {"code": code, "message": message, "status": status,
                                                         "errors": list(errors)}}, status)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
