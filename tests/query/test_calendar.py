"""The calendar: scheduled and intended events by date, one entry per occasion, and its iCalendar file."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from detente.errors import ConfigError
from detente.query import CalendarEntry, open_store
from detente.store import Store

pytestmark = pytest.mark.slow

D = dt.date
TEXTS = [
    ("Talks set for Geneva", "https://news.example/geneva-talks", D(2021, 12, 30),
     "The United States and Russia will hold talks in Geneva on Jan. 10, officials said on Thursday. "
     "The NATO-Russia Council will meet on Jan. 12 in Brussels."),
    ("A busy January", "https://wire.example/january", D(2021, 12, 31),
     "Russia and the United States will hold talks in Geneva on Jan. 10. "
     "The OSCE Permanent Council will meet in Vienna on Jan. 13."),
    ("Berlin looks east", "https://paper.example/berlin", D(2021, 12, 30),
     "Germany intends to meet Chinese officials next month. "
     "Russia and the United States held talks in Geneva on Monday."),
]


@pytest.fixture(scope="module")
def db_path(pipeline: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("calendar") / "cal.duckdb"
    results = [pipeline.code_text(text, published=published, title=title, url=url)
               for title, url, published, text in TEXTS]
    with Store(path) as store:
        store.write_results(results)
    return path


@pytest.fixture(scope="module")
def entries(db_path: Path) -> list[CalendarEntry]:
    with open_store(db_path, read_only=True) as db:
        return db.calendar()


def _by_date(entries: list[CalendarEntry]) -> dict[dt.date, list[CalendarEntry]]:
    out: dict[dt.date, list[CalendarEntry]] = {}
    for e in entries:
        out.setdefault(e.date, []).append(e)
    return out


def test_calendar_lists_scheduled_occasions_by_date(entries: list[CalendarEntry]) -> None:
    dates = [e.date for e in entries]
    assert dates == sorted(dates)
    days = _by_date(entries)
    assert {D(2022, 1, 10), D(2022, 1, 12), D(2022, 1, 13)} <= set(days)
    assert D(2021, 12, 27) not in days  # the talks that were held are not on the calendar
    assert all(e.status in ("scheduled", "intended") for e in entries)
    (talks,) = days[D(2022, 1, 10)]
    assert set(talks.participants) == {"USA", "RUS"}
    assert talks.plover_event == "CONSULT" and talks.cameo_code.startswith("04")
    assert talks.title in ("USA–RUS: Consult (talks)", "RUS–USA: Consult (talks)")
    assert {"NATO", "RUS"} <= set(days[D(2022, 1, 12)][0].participants)
    assert "OSCE" in days[D(2022, 1, 13)][0].participants


def test_calendar_merges_reports_of_the_same_occasion(entries: list[CalendarEntry]) -> None:
    (talks,) = _by_date(entries)[D(2022, 1, 10)]
    assert len(talks.event_ids) == 2  # one from each article, sources and targets swapped
    assert len(set(talks.event_ids)) == 2
    # The first report (published first) gives the sentence, title and link.
    assert talks.sentence == "The United States and Russia will hold talks in Geneva on Jan. 10, officials said on Thursday."
    assert talks.article_title == "Talks set for Geneva"
    assert talks.url == "https://news.example/geneva-talks"


def test_calendar_month_precision(entries: list[CalendarEntry]) -> None:
    month = [e for e in entries if e.date_precision == "month"]
    assert month and month[0].date == D(2022, 1, 1)
    assert {"DEU"} <= set(month[0].participants)


def test_calendar_from_and_to(db_path: Path) -> None:
    with open_store(db_path, read_only=True) as db:
        later = db.calendar(start=D(2022, 1, 11))
        window = db.calendar(start=D(2022, 1, 10), end=D(2022, 1, 12))
        limited = db.calendar(limit=2)
        with pytest.raises(ConfigError, match="after"):
            db.calendar(start=D(2022, 2, 1), end=D(2022, 1, 1))
    assert later and min(e.date for e in later) >= D(2022, 1, 12)
    assert {e.date for e in window} == {D(2022, 1, 10), D(2022, 1, 12)}
    assert [e.date for e in limited] == [D(2022, 1, 1), D(2022, 1, 10)]


def test_calendar_actor(db_path: Path) -> None:
    with open_store(db_path, read_only=True) as db:
        usa = db.calendar(actor="USA")
        nato = db.calendar(actor="nato")
        with pytest.raises(ConfigError, match="--actor"):
            db.calendar(actor="R; DROP TABLE events")
    assert [e.date for e in usa] == [D(2022, 1, 10)]
    assert len(usa[0].event_ids) == 2
    assert nato and all("NATO" in e.participants for e in nato)
    assert {e.date for e in nato} == {D(2022, 1, 12)}


def test_to_ics_round_trips(entries: list[CalendarEntry]) -> None:
    from icalendar import Calendar

    from detente.export.ics import PRODID, to_ics

    data = to_ics(entries, name="test calendar")
    assert data == to_ics(entries, name="test calendar")  # deterministic
    cal = Calendar.from_ical(data)
    assert str(cal["PRODID"]) == PRODID and str(cal["VERSION"]) == "2.0"
    events = cal.walk("VEVENT")
    assert len(events) == len(entries)
    assert len({str(ev["UID"]) for ev in events}) == len(events)
    for ev, entry in zip(events, entries, strict=True):
        start = ev.decoded("DTSTART")
        assert type(start) is dt.date  # all-day
        assert ev.decoded("DTEND") == start + dt.timedelta(days=1)
        assert str(ev["SUMMARY"]) == entry.title
        assert str(ev["UID"]).endswith("@detente")
        assert entry.sentence in str(ev["DESCRIPTION"])
        assert isinstance(ev.decoded("DTSTAMP"), dt.datetime)
    talks = next(ev for ev in events if ev.decoded("DTSTART") == D(2022, 1, 10))
    assert "https://news.example/geneva-talks" in str(talks["DESCRIPTION"])
    assert talks.decoded("DTSTAMP") == dt.datetime(2021, 12, 30, tzinfo=dt.UTC)
    approx = next(ev for ev in events if "(date approximate: month)" in str(ev["DESCRIPTION"]))
    assert approx.decoded("DTSTART") == D(2022, 1, 1)


def test_to_ics_uid_depends_on_event_ids_only() -> None:
    from detente.export.ics import entry_uid

    one = CalendarEntry(date=D(2022, 3, 5), date_precision="day", title="A: Consult", participants=("A",),
                        cameo_code="040", plover_event="CONSULT", status="scheduled", sentence="s", article_id="a",
                        article_title=None, url=None, event_ids=("e1", "e2"))
    two = replace(one, title="other", event_ids=("e2", "e1"))
    three = replace(one, event_ids=("e1",))
    assert entry_uid(one) == entry_uid(two) != entry_uid(three)
