"""The FastAPI app: API routes, dashboard pages, one error shape, security headers, optional CORS,
request limits, a bounded number of requests computing at once, and the response cache.

Middleware, outermost first: security headers, CORS (only with origins), size and rate limits,
the response cache (hits answer here), the concurrency slots, then the routes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..config import ServeSettings
from ..errors import (
    ConfigError,
    DetenteError,
    Errors,
    InputError,
    MissingExtraError,
    RequestError,
    StoreError,
)
from ._backend import Backend
from ._cache import CacheMiddleware
from ._errors import error_response
from ._limits import GuardMiddleware, RateLimiter, SlotMiddleware, Slots
from ._routes import router

logger = logging.getLogger(__name__)

#: Sent with every response. No script runs on these pages at all: the dashboard is plain HTML and SVG.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self' data:; "
                                 b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
_CODE_PREFIX = re.compile(r"^\[E\d{3}\] ")


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (a plain ASGI middleware: no per-request task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _render(request: Request, code: str, message: str, status: int, headers: dict[str, str]) -> Response:
    return error_response(request, code=code, message=message, status=status, headers=headers)


def _status(exc: DetenteError) -> int:
    if isinstance(exc, RequestError):
        return exc.status
    if isinstance(exc, (ConfigError, InputError)):
        return 400
    if isinstance(exc, MissingExtraError):
        return 501
    if isinstance(exc, StoreError):
        return 503
    return 500


def _field(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc) or "request"


def build_app(db_path: str | Path | None, *, allow_writes: bool, token: str | None,
              cors_origins: tuple[str, ...], settings: ServeSettings) -> FastAPI:
    if allow_writes and not token:
        raise ConfigError(Errors.E102.format(key="allow_writes", detail="writes need a bearer token (--token)"),
                          code="E102")
    back = Backend(db_path, allow_writes=allow_writes, cache_size=settings.cache_size)
    back.root()  # fail now, not on the first request, when the store cannot be opened
    if settings.warm_up:
        back.warm_up()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        back.close()

    app = FastAPI(title="detente", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Political event data: events, actors, dyads, quotes, calendar and briefs. "
                              "Errors: {\"ok\": false, \"error\": {\"code\", \"message\", \"status\", \"errors\"}}.")
    app.state.backend = back
    app.state.token = token
    app.state.settings = settings
    slots = Slots(settings.max_concurrency, max_waiting=settings.max_queue, timeout=settings.queue_timeout)
    app.state.slots = slots

    @app.exception_handler(DetenteError)
    async def detente_error(request: Request, exc: DetenteError) -> Response:
        status = _status(exc)
        if status >= 500:
            logger.error("%s %s: %s", request.method, request.url.path, exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return error_response(request, code=exc.code, message=_CODE_PREFIX.sub("", str(exc)), status=status,
                              headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [f"{_field(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()]
        message = f"Invalid request: {errors[0]}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
        return error_response(request, code="E102", message=message, status=422, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404:
            detail = "no such endpoint or page; the API is listed at /docs"
        return error_response(request, code="E904", status=exc.status_code,
                              message=Errors.E904.format(method=request.method, path=request.url.path,
                                                         detail=detail))

    app.include_router(router)
    from ..web import mount

    mount(app)
    app.add_middleware(SlotMiddleware, slots=slots, render=_render)
    app.add_middleware(CacheMiddleware, cache=back.cache)
    app.add_middleware(GuardMiddleware, limiter=RateLimiter(settings.rate_limit, settings.rate_burst),
                       max_body_bytes=settings.max_body_bytes, max_url_bytes=settings.max_url_bytes,
                       render=_render)
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(SecurityHeaders)
    return app
