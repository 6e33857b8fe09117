"""The dashboard pages: each calls the shared queries and renders one template. Every list is limited."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ..api._routes import Db
from ..errors import ConfigError, DetenteError, Errors, RequestError
from ..model import STATUSES
from ..query import EventFilter, parse_dyad
from ..query.brief import safe_url
from . import _charts

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Query(max_length=200)]
NAV = (("/", "Overview"), ("/dyad", "Dyad"), ("/events", "Events"), ("/network", "Network"), ("/map", "Map"),
       ("/quotes", "Quotes"), ("/calendar", "Calendar"), ("/brief", "Brief"), ("/docs", "API"))


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["safe_url"] = safe_url
    env.filters["g"] = lambda v: "" if v is None else f"{float(v):+.1f}"
    env.filters["day"] = lambda v: "" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)[:10])
    env.globals["qs"] = _qs
    env.globals["nav"] = NAV
    env.globals["tone"] = _charts.tone
    return env


def _qs(**params: Any) -> str:
    """A query string of the non-empty parameters (the template escapes it for the attribute)."""
    kept = {k: v for k, v in params.items() if v not in (None, "", False)}
    return ("?" + urlencode(kept)) if kept else ""


def page(template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("path", "")
    return HTMLResponse(_env().get_template(template).render(**context), status_code=status)


def _day(value: str, name: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ConfigError(Errors.E102.format(key=name, detail=f"expects a date such as 2022-01-10, got {value!r}"),
                          code="E102") from None


def _sentence(record: dict[str, Any], cap: int = 240) -> str:
    text = " ".join(str((record.get("sentence") or {}).get("text") or "").split())
    return text if len(text) <= cap else text[: cap - 1].rstrip() + "…"


def _row(record: dict[str, Any]) -> dict[str, Any]:
    cameo = record.get("cameo") or {}
    plover = record.get("plover") or {}

    def codes(side: str) -> str:
        return ", ".join(str(a.get("code") or a.get("name") or a.get("text") or "?") for a in record.get(side) or [])

    return {"id": record.get("id"), "date": record.get("date"), "source": codes("source"),
            "target": codes("target"), "cameo": cameo.get("code"),
            "cameo_name": str(cameo.get("name") or "").removesuffix(", not specified below"),
            "goldstein": cameo.get("goldstein"), "plover": plover.get("event"), "status": record.get("status"),
            "sentence": _sentence(record), "place": (record.get("place") or {}).get("name")}


@router.get("/", response_class=HTMLResponse)
def overview(db: Db) -> HTMLResponse:
    stats = db.stats()
    return page("overview.html", path="/", title="Overview", stats=stats,
                dyads=db.network(limit=10, by="country"), actors=db.top_actors(limit=10).to_pylist(),
                latest=[_row(r) for r in db.event_page(EventFilter(limit=15)).events])


def _series(db: Any, pair: str, freq: str, since: dt.date | None, until: dt.date | None) -> tuple[str, list[Any]]:
    """The pair's series per day, week or month, every period filled; ``auto`` (or a series too long to
    draw) takes the finest step that keeps the chart under about 160 (at most 1,500) bars."""
    steps = ("day", "week", "month")
    most = 160 if freq not in steps else 1500
    for step in steps[steps.index(freq) if freq in steps else 0:]:
        rows = _charts.fill_periods(db.dyad_series(pair, freq=step, since=since, until=until).to_pylist(), step)
        if len(rows) <= most or step == "month":
            return step, rows
    raise AssertionError("unreachable")


@router.get("/dyad", response_class=HTMLResponse)
def dyad(db: Db, pair: Text = "", since: Text = "", until: Text = "",
         freq: Annotated[str, Query(pattern="^(auto|day|week|month)$")] = "auto", cursor: Text = "") -> HTMLResponse:
    form = {"pair": pair, "since": since, "until": until, "freq": freq}
    if not pair.strip():
        return page("dyad.html", path="/dyad", title="Dyad", form=form, pair=None,
                    dyads=db.network(limit=20, by="country"))
    try:
        a, b = parse_dyad(pair)
        start, end = _day(since, "since"), _day(until, "until")
        used, rows = _series(db, f"{a}-{b}", freq, start, end)
        events = db.event_page(EventFilter(dyad=f"{a}-{b}", either_way=True, since=start, until=end, limit=25),
                               cursor=cursor or None)
        brief = db.brief(f"{a}-{b}", since=start, until=end)
    except DetenteError as exc:
        return page("dyad.html", status=400, path="/dyad", title="Dyad", form=form, pair=None, error=str(exc),
                    dyads=[])
    return page("dyad.html", path="/dyad", title=f"Dyad {a}–{b}", form=form, pair=(a, b), freq=used,
                chart=_charts.timeline(rows), periods=len(rows), total=sum(int(r["events"]) for r in rows),
                events=[_row(r) for r in events.events], next_cursor=events.next_cursor, brief=brief,
                quads=_charts.QUADS)


@router.get("/events", response_class=HTMLResponse)
def events(db: Db, actor: Text = "", dyad: Text = "", cameo: Text = "", plover: Text = "", status: Text = "",
           since: Text = "", until: Text = "", article: Text = "", either_way: Text = "",
           limit: Annotated[int, Query(ge=1, le=200)] = 50, cursor: Annotated[str, Query(max_length=1000)] = "",
           ) -> HTMLResponse:
    form = {"actor": actor, "dyad": dyad, "cameo": cameo, "plover": plover, "status": status, "since": since,
            "until": until, "article": article, "either_way": either_way, "limit": limit}
    context: dict[str, Any] = {"path": "/events", "title": "Events", "form": form, "statuses": STATUSES,
                               "rows": [], "next_cursor": None, "error": None, "cursor": cursor}
    try:
        if status and status.lower() not in STATUSES:
            raise ConfigError(Errors.E102.format(key="status", detail=f"{status!r} is not a status"), code="E102")
        flt = EventFilter(actor=actor or None, dyad=dyad or None, cameo=cameo or None, plover=plover or None,
                          status=status or None, since=_day(since, "since"), until=_day(until, "until"),
                          article=article or None, either_way=bool(either_way), limit=limit)
        result = db.event_page(flt, cursor=cursor or None)
    except DetenteError as exc:
        context["error"] = str(exc)
        return page("events.html", status=400, **context)
    context.update(rows=[_row(r) for r in result.events], next_cursor=result.next_cursor)
    return page("events.html", **context)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(db: Db, event_id: str) -> HTMLResponse:
    found = db.event(event_id)
    if found is None:
        raise RequestError(Errors.E903.format(kind="event", key=event_id), code="E903", status=404)
    text: str = found["article"]["text"]
    span = found["highlight"]["sentence"]
    trigger = found["highlight"]["trigger"]
    if trigger:
        parts = {"before": text[: span["start"]], "lead": text[span["start"]: trigger["start"]],
                 "trigger": text[trigger["start"]: trigger["end"]], "tail": text[trigger["end"]: span["end"]],
                 "after": text[span["end"]:]}
    else:
        parts = {"before": text[: span["start"]], "lead": text[span["start"]: span["end"]], "trigger": "",
                 "tail": "", "after": text[span["end"]:]}
    return page("event.html", path="/events", title="Event", event=found, row=_row(found), parts=parts)


@router.get("/network", response_class=HTMLResponse)
def network(db: Db, since: Text = "", until: Text = "",
            by: Annotated[str, Query(pattern="^(code|country)$")] = "country",
            limit: Annotated[int, Query(ge=1, le=150)] = 40) -> HTMLResponse:
    edges = db.network(limit=limit, since=_day(since, "since"), until=_day(until, "until"), by=by)
    return page("network.html", path="/network", title="Network", edges=edges, chart=_charts.network(edges),
                form={"since": since, "until": until, "by": by, "limit": limit})


@router.get("/map", response_class=HTMLResponse)
def world(db: Db, since: Text = "", until: Text = "",
          limit: Annotated[int, Query(ge=1, le=1000)] = 500) -> HTMLResponse:
    places = db.places(limit=limit, since=_day(since, "since"), until=_day(until, "until")).to_pylist()
    return page("map.html", path="/map", title="Map", places=places, chart=_charts.world_map(places),
                form={"since": since, "until": until, "limit": limit})


@router.get("/quotes", response_class=HTMLResponse)
def quotes(db: Db, actor: Text = "", since: Text = "",
           limit: Annotated[int, Query(ge=1, le=500)] = 100) -> HTMLResponse:
    rows = db.quotes(actor=actor or None, since=_day(since, "since"), limit=limit).to_pylist()
    return page("quotes.html", path="/quotes", title="Quotes", rows=rows,
                form={"actor": actor, "since": since, "limit": limit})


@router.get("/calendar", response_class=HTMLResponse)
def calendar(db: Db, start: Annotated[str, Query(alias="from", max_length=40)] = "",
             end: Annotated[str, Query(alias="to", max_length=40)] = "", actor: Text = "", dyad: Text = "",
             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> HTMLResponse:
    entries = db.calendar(start=_day(start, "from"), end=_day(end, "to"), actor=actor or None, dyad=dyad or None,
                          limit=limit)
    return page("calendar.html", path="/calendar", title="Calendar", entries=entries,
                form={"from": start, "to": end, "actor": actor, "dyad": dyad, "limit": limit})


@router.get("/brief", response_class=HTMLResponse)
def brief(db: Db, dyad: Text = "", since: Text = "", until: Text = "") -> HTMLResponse:
    form = {"dyad": dyad, "since": since, "until": until}
    if not dyad.strip():
        return page("brief.html", path="/brief", title="Brief", form=form, brief=None)
    result = db.brief(dyad, since=_day(since, "since"), until=_day(until, "until"))
    return page("brief.html", path="/brief", title=f"Brief {result.side_a}–{result.side_b}", form=form,
                brief=result)


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The API reference, rendered here from the OpenAPI schema (no CDN, no script)."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p.get("name"), "in": p.get("in"), "required": p.get("required", False),
                       "description": p.get("description") or "",
                       "type": _type(p.get("schema") or {})} for p in op.get("parameters", [])]
            endpoints.append({"method": method.upper(), "path": path, "summary": op.get("summary") or "",
                              "description": op.get("description") or "", "params": params,
                              "body": "requestBody" in op})
    return page("docs.html", path="/docs", title="API", endpoints=endpoints, info=spec.get("info", {}))


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    kind = str(schema.get("type", ""))
    if schema.get("format"):
        kind += f" ({schema['format']})"
    bounds = [f"{k.replace('imum', '')} {schema[k]}" for k in ("minimum", "maximum") if k in schema]
    return kind + (f", {', '.join(bounds)}" if bounds else "")
