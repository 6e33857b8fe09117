"""The JSON endpoints under /api: thin wrappers around :class:`detente.query.Database`."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response

from ..errors import ConfigError, Errors, RequestError
from ..model import STATUSES
from ..query import MAX_PAGE, Database, EventFilter, parse_dyad
from ..query.pages import event_page_json
from ._backend import Backend
from ._json import dumps, json_response, raw_json_response
from .schemas import ErrorResponse, IngestRequest, to_articles

__all__ = ["Db", "backend", "get_db", "json_response", "router"]

router = APIRouter(prefix="/api", responses={
    400: {"model": ErrorResponse, "description": "A bad value (E1xx)."},
    422: {"model": ErrorResponse, "description": "Invalid parameters or body (E102)."},
})


def backend(request: Request) -> Backend:
    value: Backend = request.app.state.backend
    return value


async def get_db(request: Request) -> AsyncIterator[Database]:
    """A cursor for this request, closed after it. Made on the event loop (microseconds): a sync
    dependency would cost two extra trips through the thread pool per request."""
    db = backend(request).cursor()
    try:
        yield db
    finally:
        db.close()


Db = Annotated[Database, Depends(get_db)]
Code = Annotated[str | None, Query(max_length=40, description="Actor code, e.g. RUS, USAGOV, NATO.")]
Dyad = Annotated[str | None, Query(max_length=40, description="Source-target pair, e.g. USA-RUS.")]
Since = Annotated[dt.date | None, Query(description="On or after this date (YYYY-MM-DD).")]
Until = Annotated[dt.date | None, Query(description="On or before this date (YYYY-MM-DD).")]


def _status(value: str | None) -> str | None:
    if value is not None and value.lower() not in STATUSES:
        raise ConfigError(Errors.E102.format(key="status", detail=f"{value!r} is not one of {', '.join(STATUSES)}"),
                          code="E102")
    return value


@router.get("/events", summary="Events, filtered, a page at a time")
def events(db: Db, actor: Code = None, dyad: Dyad = None,
           cameo: Annotated[str | None, Query(max_length=4, description="CAMEO code prefix, e.g. 04.")] = None,
           plover: Annotated[str | None, Query(max_length=40, description="PLOVER event, e.g. CONSULT.")] = None,
           status: Annotated[str | None, Query(max_length=20, description="occurred, scheduled, ...")] = None,
           since: Since = None, until: Until = None,
           article: Annotated[str | None, Query(max_length=200, description="Article id or record id.")] = None,
           either_way: Annotated[bool, Query(description="With dyad: both directions.")] = False,
           limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
           cursor: Annotated[str | None, Query(max_length=1000, description="next_cursor of the last page.")] = None,
           ) -> Response:
    """Events in their public JSON shape, newest first; pass next_cursor back as cursor for the next page."""
    flt = EventFilter(actor=actor, dyad=dyad, cameo=cameo, plover=plover, status=_status(status), since=since,
                      until=until, article=article, either_way=either_way, limit=limit)
    # The stored JSON records go out as they are: parsing and re-encoding a page cost more than its query.
    return raw_json_response(event_page_json(db, flt, cursor=cursor))


@router.get("/events/{event_id}", summary="One event with its article and the sentence to highlight",
            responses={404: {"model": ErrorResponse, "description": "No such event (E903)."}})
def event(db: Db, event_id: Annotated[str, Path(max_length=200)]) -> Response:
    """The event, article (id, title, url, outlet, published, text) and highlight offsets into the text."""
    found = db.event(event_id)
    if found is None:
        raise RequestError(Errors.E903.format(kind="event", key=event_id), code="E903", status=404)
    return json_response(found)


@router.get("/articles", summary="Articles with their event counts")
def articles(db: Db, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> Response:
    return json_response({"articles": db.articles(limit=limit).to_pylist()})


@router.get("/actors", summary="The most active actors")
def actors(db: Db, since: Since = None, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20) -> Response:
    return json_response({"actors": db.top_actors(limit=limit, since=since).to_pylist()})


@router.get("/network", summary="The actor network: directed edges with counts and mean Goldstein")
def network(db: Db, since: Since = None, until: Until = None,
            by: Annotated[Literal["code", "country"], Query(description="Actor codes or their countries.")] = "code",
            limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> Response:
    edges = db.network(limit=limit, since=since, until=until, by=by)
    return json_response({"edges": [asdict(e) for e in edges]})


@router.get("/places", summary="Event places with coordinates")
def places(db: Db, since: Since = None, until: Until = None,
           limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500) -> Response:
    return json_response({"places": db.places(limit=limit, since=since, until=until).to_pylist()})


@router.get("/dyads/{pair}/series", summary="Counts by quad class and mean Goldstein per period for a pair")
def dyad_series(request: Request, db: Db, pair: Annotated[str, Path(max_length=40, description="e.g. USA-RUS")],
                freq: Literal["day", "week", "month"] = "day", since: Since = None,
                until: Until = None) -> Response:
    """Both directions of the pair; q1..q4 are the quad classes (verbal/material cooperation/conflict)."""
    # A-B and B-A have one series (both directions count): one query and one cached result serve both.
    a, b = sorted(parse_dyad(pair))
    results = backend(request).results
    key = f"series:{a}-{b}:{freq}:{since}:{until}"
    generation = results.generation
    found = results.get(key)
    if found is not None:
        series = found[1].decode()
    else:
        series = dumps(db.dyad_series_rows(f"{a}-{b}", freq=freq, since=since, until=until))
        results.put(key, b"application/json", series.encode(), generation)
    return raw_json_response(f'{{"dyad":{dumps(pair.upper())},"freq":{dumps(freq)},"series":{series}}}')


@router.get("/quotes", summary="Quotes with their speakers")
def quotes(db: Db, actor: Code = None, since: Since = None,
           limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> Response:
    return json_response({"quotes": db.quotes(actor=actor, since=since, limit=limit).to_pylist()})


@router.get("/calendar", summary="Scheduled and intended occasions by date")
def calendar(db: Db, since: Since = None, until: Until = None, actor: Code = None, dyad: Dyad = None,
             limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> Response:
    entries = db.calendar(start=since, end=until, actor=actor, dyad=dyad, limit=limit)
    return json_response({"entries": [e.to_dict() for e in entries]})


@router.get("/brief", summary="An extractive brief on a pair of actors (Markdown and structured)")
def brief(db: Db, dyad: Annotated[str, Query(max_length=40, description="e.g. USA-RUS")], since: Since = None,
          until: Until = None,
          format: Annotated[Literal["json", "md"], Query(description="json, or md for the Markdown alone")] = "json",
          ) -> Response:
    """Four sections: Why it matters, What they're saying, The other side, What's next; each line cites its article."""
    result = db.brief(dyad, since=since, until=until)
    if format == "md":
        return Response(result.markdown(), media_type="text/markdown; charset=utf-8")
    return json_response(result.to_dict())


@router.get("/stats", summary="Counts of articles, events, quotes and failures")
def stats(db: Db) -> Response:
    return json_response(db.stats())


@router.post("/ingest", summary="Code and store articles (only with --allow-writes and the bearer token)",
             responses={401: {"model": ErrorResponse, "description": "No bearer token (E901)."},
                        403: {"model": ErrorResponse, "description": "Writes disabled or wrong token (E902)."}})
def ingest(request: Request, body: IngestRequest,
           authorization: Annotated[str | None, Header(description="Bearer TOKEN")] = None) -> Response:
    """Codes each article with the pipeline and stores it with its events and quotes (idempotent by article id)."""
    back = backend(request)
    token: str | None = request.app.state.token
    if not back.allow_writes or not token:
        raise RequestError(Errors.E902.format(detail="writes are disabled: start the server with "
                                                     "--allow-writes --token TOKEN"), code="E902", status=403)
    if not authorization:
        raise RequestError(Errors.E901.format(what="POST /api/ingest"), code="E901", status=401)
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise RequestError(Errors.E902.format(detail="the bearer token is wrong"), code="E902", status=403)
    articles = to_articles(body)
    pipeline = back.pipeline()
    results = list(pipeline.code_articles(articles, batch_size=len(articles)))
    with back.write_lock, back.db() as db:
        run_id = db.store.start_run(pipeline.settings, ["POST /api/ingest"])
        db.store.write_results(results, run_id=run_id)
        counts = {"articles": len(results), "events": sum(len(r.events) for r in results),
                  "quotes": sum(len(r.quotes) for r in results), "failed": sum(1 for r in results if r.failures)}
        db.store.finish_run(run_id, counts)
        back.clear_caches()
    return json_response({"ok": True, **counts, "run_id": run_id,
                          "article_ids": [r.article.id for r in results],
                          "failures": [f.message for r in results for f in r.failures]})
