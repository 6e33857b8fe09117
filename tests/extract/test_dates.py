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
]


@pytest.mark.parametrize(("text", "anchor", "direction", "expected", "precision"), CASES)
def test_resolve_date(text: str, anchor: dt.date, direction: str | None, expected: str, precision: str) -> None:
    resolved = resolve_date(text, anchor, direction=direction)  # type: ignore[arg-type]
    assert resolved is not None, text
    assert (resolved.date.isoformat(), resolved.precision) == (expected, precision)


@pytest.mark.parametrize("text", ["", "the talks", "for 50 minutes", "Feb. 30", "recently"])
def test_resolve_date_refuses_non_dates(text: str) -> None:
    assert resolve_date(text, TUE) is None
