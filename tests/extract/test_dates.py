"""Time expressions resolved against the publication date, direction from tense."""

from __future__ import annotations

import datetime as dt

import pytest

from detente.extract.dates import resolve_date

THU = dt.date(2021, 12, 30)  # a Thursday
TUE = dt.date(2024, 2, 13)  # a Tuesday

CASES = [
    # text, anchor, direction, expected date, precision
    ("on Thursday", THU, "past", "2021-12-30", "day"),
    ("Thursday", THU, None, "2021-12-30", "day"),
    ("on Monday", THU, "past", "2021-12-27", "day"),
    ("on Monday", THU, "future", "2022-01-03", "day"),
    ("last Thursday", THU, None, "2021-12-23", "day"),
    ("next Thursday", THU, None, "2022-01-06", "day"),
    ("this Friday", THU, "future", "2021-12-31", "day"),
    ("Friday", TUE, "future", "2024-02-16", "day"),
    ("Friday", TUE, "past", "2024-02-09", "day"),
    ("Sunday's", TUE, "past", "2024-02-11", "day"),
    ("today", TUE, None, "2024-02-13", "day"),
    ("yesterday", TUE, None, "2024-02-12", "day"),
    ("tomorrow", TUE, None, "2024-02-14", "day"),
    ("last night", TUE, None, "2024-02-12", "day"),
    ("Jan. 10", THU, "future", "2022-01-10", "day"),
    ("Jan. 10", THU, None, "2022-01-10", "day"),
    ("on Jan. 12", THU, None, "2022-01-12", "day"),
    ("January 13", THU, None, "2022-01-13", "day"),
    ("Dec. 7", THU, "past", "2021-12-07", "day"),
    ("on December 7", THU, None, "2021-12-07", "day"),
    ("7 December", THU, None, "2021-12-07", "day"),
    ("the 7th of December", THU, None, "2021-12-07", "day"),
    ("March 3", TUE, "future", "2024-03-03", "day"),
    ("March 3, 2022", TUE, None, "2022-03-03", "day"),
    ("Nov. 30", dt.date(2022, 1, 5), "past", "2021-11-30", "day"),
    ("Nov. 30", dt.date(2022, 1, 5), None, "2021-11-30", "day"),
    ("in January", THU, "future", "2022-01-01", "month"),
    ("early January", THU, None, "2022-01-01", "month"),
    ("mid-March", TUE, "future", "2024-03-15", "month"),
    ("late November", THU, "past", "2021-11-25", "month"),
    ("in 2014", TUE, None, "2014-01-01", "year"),
    ("2014", TUE, None, "2014-01-01", "year"),
    ("next month", THU, None, "2022-01-01", "month"),
    ("next month's", THU, None, "2022-01-01", "month"),
    ("last month", TUE, None, "2024-01-01", "month"),
    ("this month", TUE, None, "2024-02-01", "month"),
    ("next year", TUE, None, "2025-01-01", "year"),
    ("last year", TUE, None, "2023-01-01", "year"),
    ("earlier this year", TUE, None, "2024-01-01", "year"),
    ("next week", TUE, None, "2024-02-19", "day"),
    ("last week", TUE, None, "2024-02-05", "day"),
    ("two days ago", TUE, None, "2024-02-11", "day"),
    ("3 days ago", TUE, None, "2024-02-10", "day"),
    ("a week ago", TUE, None, "2024-02-06", "day"),
    ("two weeks ago", TUE, None, "2024-01-30", "day"),
    ("three months ago", TUE, None, "2023-11-01", "month"),
    ("two years ago", TUE, None, "2022-01-01", "year"),
    ("2022-01-10", TUE, None, "2022-01-10", "day"),
    ("on Wednesday morning", TUE, "future", "2024-02-14", "day"),
    ("Saturday night", TUE, "past", "2024-02-10", "day"),
    ("this weekend", TUE, None, "2024-02-17", "day"),
    ("Feb. 29", dt.date(2024, 2, 1), None, "2024-02-29", "day"),
    # More weekday forms, anchored on a Tuesday.
    ("on Tuesday", TUE, "past", "2024-02-13", "day"),
    ("Tuesday", TUE, "future", "2024-02-13", "day"),
    ("next Tuesday", TUE, None, "2024-02-20", "day"),
    ("last Tuesday", TUE, None, "2024-02-06", "day"),
    ("coming Monday", TUE, None, "2024-02-19", "day"),
    ("this Sunday", TUE, "future", "2024-02-18", "day"),
    ("Monday evening", TUE, "past", "2024-02-12", "day"),
    ("on Thursday afternoon", TUE, "future", "2024-02-15", "day"),
    ("Wednesday", THU, "past", "2021-12-29", "day"),
    ("Friday", THU, None, "2021-12-24", "day"),
    # Month and day across the year boundary, both ways.
    ("Dec. 28", dt.date(2022, 1, 3), None, "2021-12-28", "day"),
    ("Jan. 3", dt.date(2021, 12, 20), "future", "2022-01-03", "day"),
    ("January 3", dt.date(2021, 12, 20), "past", "2021-01-03", "day"),
    ("Sept. 11", dt.date(2016, 9, 20), None, "2016-09-11", "day"),
    ("Sep 30", dt.date(2016, 9, 20), None, "2016-09-30", "day"),
    ("Oct. 7", dt.date(2023, 10, 9), "past", "2023-10-07", "day"),
    ("on Nov. 14", dt.date(2023, 11, 10), None, "2023-11-14", "day"),
    ("August 13", dt.date(2001, 9, 1), "past", "2001-08-13", "day"),
    ("13 August 2001", TUE, None, "2001-08-13", "day"),
    ("the 1st of May", dt.date(2019, 4, 20), "future", "2019-05-01", "day"),
    # Months, seasons of a month, years.
    ("in March", TUE, "future", "2024-03-01", "month"),
    ("in March", TUE, "past", "2023-03-01", "month"),
    ("late January", TUE, "past", "2024-01-25", "month"),
    ("next month", TUE, "future", "2024-03-01", "month"),
    ("mid-2019", TUE, None, "2019-01-01", "year"),
    ("in early 2022", TUE, None, "2022-01-01", "year"),
    ("this year", TUE, None, "2024-01-01", "year"),
    ("later this year", TUE, None, "2024-01-01", "year"),
    # Relative days and weeks.
    ("five days ago", TUE, None, "2024-02-08", "day"),
    ("two days later", TUE, None, "2024-02-15", "day"),
    ("a day earlier", TUE, None, "2024-02-12", "day"),
    ("three weeks from now", TUE, None, "2024-03-05", "day"),
    ("tomorrow morning", TUE, None, "2024-02-14", "day"),
    ("yesterday afternoon", TUE, None, "2024-02-12", "day"),
    ("this morning", TUE, None, "2024-02-13", "day"),
    ("tonight", TUE, None, "2024-02-13", "day"),
]


@pytest.mark.parametrize(("text", "anchor", "direction", "expected", "precision"), CASES)
def test_resolve_date(text: str, anchor: dt.date, direction: str | None, expected: str, precision: str) -> None:
    resolved = resolve_date(text, anchor, direction=direction)  # type: ignore[arg-type]
    assert resolved is not None, text
    assert (resolved.date.isoformat(), resolved.precision) == (expected, precision)


def test_date_table_is_large() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("text", ["", "the talks", "for 50 minutes", "Feb. 30", "recently", "two hours",
                                  "over the past decade", "within days"])
def test_resolve_date_refuses_non_dates(text: str) -> None:
    assert resolve_date(text, TUE) is None
