"""JSON bodies: compact, UTF-8, dates as ISO 8601; no response model re-validates them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from starlette.responses import Response


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def dumps(data: Any) -> str:
    """Compact JSON text of ``data`` (dates as ISO 8601)."""
    return json.dumps(data, ensure_ascii=False, default=_default, separators=(",", ":"))


def json_response(data: Any, status: int = 200) -> Response:
    """``data`` as a compact JSON response."""
    return Response(dumps(data), status_code=status, media_type="application/json")


def raw_json_response(body: str, status: int = 200) -> Response:
    """A body that already is JSON text (built from the store's JSON records without parsing them)."""
    return Response(body, status_code=status, media_type="application/json")
