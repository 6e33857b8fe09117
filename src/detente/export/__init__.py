"""Exports: GDELT 2.0 event table, PLOVER JSON lines, and Parquet / CSV of our own schema.

Each exporter is registered by name and writes to a binary or text stream.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import IO, Any

from ..errors import DetenteError
from ..registry import exporters

__all__ = ["GDELT_COLUMNS", "export"]

#: The GDELT 2.0 event table's 61 columns, in order.
GDELT_COLUMNS = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code", "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode", "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code", "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone", "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID", "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID", "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID", "DATEADDED", "SOURCEURL"]

_EVENT_SQL = """
SELECT e.record, e.sentence_index, a.url, a.outlet, a.title, a.published, a.language, a.ingested_at{extra}
FROM events e JOIN articles a ON a.id = e.article_id {where}
ORDER BY e.date NULLS LAST, e.article_id, e.sentence_index, e.trigger_start
"""


def _source_counts(db: Any) -> str:
    """Columns for GDELT's NumArticles / NumSources: the article's copies and distinct sources
    (store migration 0003), or 1 and 1 for a store without them."""
    found = db.store.con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'articles' "
                                 "AND column_name IN ('num_articles', 'num_sources')").fetchall()
    if found and found[0][0] == 2:
        return ", coalesce(a.num_articles, 1), coalesce(a.num_sources, 1)"
    return ", 1, 1"


def _rows(db: Any, where: str, params: list[Any], extra: str = "") -> Iterator[tuple[dict[str, Any], tuple[Any, ...]]]:
    cursor = db.store.con.execute(_EVENT_SQL.format(where=where, extra=extra), params)
    while True:
        chunk = cursor.fetchmany(2000)
        if not chunk:
            return
        for row in chunk:
            yield json.loads(row[0]), row[1:]


def _country_code(code: str | None) -> str:
    from ..actors import ActorDictionary

    if not code or len(code) != 3:
        return ""
    try:
        return ActorDictionary.load().cameo_code(code)
    except DetenteError:
        return code


def _gdelt_actor(actors: list[dict[str, Any]]) -> list[str]:
    if not actors:
        return [""] * 10
    a = actors[0]
    country = a.get("country") or ""
    sector = a.get("sector") or ""
    state = len(country) == 3 and country.isalpha() and country.isupper()
    cc = _country_code(country) if state else ""
    known = "" if state else country
    code = (cc or known) + (sector if sector and sector != country else "")
    return [code, (a.get("name") or a.get("text") or "").upper(), cc, known, "", "", "",
            sector if sector not in ("", "IGO") else "", "", ""]


def _fraction(day: dt.date) -> str:
    return f"{day.year + (day.timetuple().tm_yday - 1) / 365.0:.4f}"


@exporters.register("gdelt")
def export_gdelt(db: Any, stream: IO[str], *, where: str = "", params: list[Any] | None = None) -> int:
    """GDELT 2.0 event table layout: 61 tab-separated columns, no header; unknown columns empty."""
    count = 0
    rows = _rows(db, where, params or [], _source_counts(db))
    for number, (e, (sentence_index, url, *_rest, num_articles, num_sources)) in enumerate(rows, start=1):
        day = dt.date.fromisoformat(e["date"]) if e.get("date") else None
        place = e.get("place") or {}
        code = e["cameo"]["code"]
        cols = [str(number), day.strftime("%Y%m%d") if day else "", day.strftime("%Y%m") if day else "",
                str(day.year) if day else "", _fraction(day) if day else ""]
        cols += _gdelt_actor(e["source"]) + _gdelt_actor(e["target"])
        cols += ["1" if sentence_index == 0 else "0", code, code[:3], code[:2], str(e["cameo"]["quad_class"]),
                 "" if e["cameo"]["goldstein"] is None else f"{e['cameo']['goldstein']}",
                 # NumMentions, NumSources, NumArticles: each copy of the article mentions the event once.
                 str(num_articles), str(num_sources), str(num_articles), ""]
        cols += [""] * 16
        if place:
            cols += ["4" if place.get("lat") is not None else "1", place.get("name") or "", "", "", "",
                     "" if place.get("lat") is None else str(place["lat"]),
                     "" if place.get("lon") is None else str(place["lon"]), ""]
        else:
            cols += [""] * 8
        cols += [dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S"), url or ""]
        stream.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cols) + "\n")
        count += 1
    return count


def _plover_entity(a: dict[str, Any]) -> dict[str, Any]:
    return {"code": a.get("country") or "", "sector": a.get("sector") or "", "entity_text": a.get("text"),
            "identifier_text": a.get("name"), "start": a.get("start"), "end": a.get("end")}


@exporters.register("plover")
def export_plover(db: Any, stream: IO[str], *, where: str = "", params: list[Any] | None = None) -> int:
    """PLOVER JSON lines after the PLOVER manual's data fields."""
    from .. import __version__

    count = 0
    now = dt.datetime.now(dt.UTC)
    for e, (sentence_index, url, outlet, title, _published, language, _ingested) in _rows(db, where, params or []):
        if not e["plover"]["event"]:
            continue
        record = {
            "id": e["id"], "has_event": True, "date": e.get("date"), "time": None,
            "actor": [_plover_entity(a) for a in e["source"]],
            "recipient": [_plover_entity(a) for a in e["target"]],
            "event": [e["plover"]["event"]], "event_text": [e["trigger"]["text"]],
            "quad_code": e["cameo"]["quad_class"], "event_scale": e["cameo"]["goldstein"],
            "mode": [e["plover"]["mode"]] if e["plover"]["mode"] else [],
            "context": e["plover"]["context"],
            "event_loc": ({"extracted_place": e["place"]["name"], "lat": e["place"]["lat"], "lon": e["place"]["lon"],
                           "country_code": e["place"]["country"]} if e.get("place") else None),
            "link": e["article_id"], "text": e["sentence"]["text"],
            "text_info": {"sequence": sentence_index, "start": e["sentence"]["start"], "end": e["sentence"]["end"]},
            "cite_info": {"url": url, "title": title, "publication": outlet, "language": language,
                          "coder": f"detente {__version__} ({e['extractor']})"},
            "coder": e["extractor"], "coded_date": now.date().isoformat(),
            "coded_time": now.strftime("%H:%M:%S"),
            "comment": f"status={e['status']}; cameo={e['cameo']['code']}; evidence={e['evidence']}",
            "status": e["status"], "cameo": e["cameo"]["code"],
        }
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


_FLAT_SQL = """
SELECT e.* EXCLUDE (record), a.url, a.outlet, a.published
FROM events e JOIN articles a ON a.id = e.article_id {where}
ORDER BY e.date NULLS LAST, e.article_id, e.sentence_index, e.trigger_start
"""


@exporters.register("parquet")
def export_parquet(db: Any, path: str, *, where: str = "", params: list[Any] | None = None) -> int:
    """Events (our schema, one row each) to a Parquet file."""
    import pyarrow.parquet as pq

    table = db.store.con.execute(_FLAT_SQL.format(where=where), params or []).to_arrow_table()
    pq.write_table(table, path)
    return int(table.num_rows)


@exporters.register("csv")
def export_csv(db: Any, path: str, *, where: str = "", params: list[Any] | None = None) -> int:
    """Events (our schema, one row each) to CSV with a header."""
    import pyarrow.csv as pacsv

    table = db.store.con.execute(_FLAT_SQL.format(where=where), params or []).to_arrow_table()
    pacsv.write_csv(table, path)
    return int(table.num_rows)


def export(db: Any, fmt: str, destination: str | IO[str], *, where: str = "", params: list[Any] | None = None
           ) -> int:
    """Write events in ``fmt`` (gdelt, plover, parquet, csv) and return how many rows were written."""
    writer = exporters.get(fmt)
    return int(writer(db, destination, where=where, params=params))
