"""Time expressions -> calendar dates, anchored on the publication date, direction from tense.

"spoke Thursday" is the past Thursday (or the day itself), "will meet Thursday" the coming
one; "Jan. 10" in a late-December article about upcoming talks is next year's. Each result
has a precision: day, month or year.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

Direction = Literal["past", "future"] | None

__all__ = ["ResolvedDate", "resolve_date"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedDate:
    date: dt.date
    precision: str  # day | month | year


_WEEKDAYS = {name: i for i, name in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3, "few": 3}
_MONTH_RE = r"(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december)\.?"


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").strip()
    if re.match(r"^(for|over|within|after)\s", text):  # durations and spans, not dates
        return ""
    text = re.sub(r"'s$", "", text)
    text = re.sub(r"^(on|in|by|from|until|till|since|at|during|for|of|the)\s+", "", text)
    text = re.sub(r"^(on|in|the)\s+", "", text)
    return re.sub(r"\s+", " ", text).strip(" ,.")


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _nearest_year(month: int, day: int | None, anchor: dt.date, direction: Direction) -> dt.date | None:
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(dt.date(year, month, day or 1))
        except ValueError:
            continue
    if not candidates:
        return None
    def last_day(c: dt.date) -> dt.date:
        return _add_months(c, 1) - dt.timedelta(days=1) if day is None else c

    if direction == "future":
        # A month counts as ahead while any of it is still to come.
        ahead = [c for c in candidates if last_day(c) >= anchor]
        candidates = ahead or candidates
    elif direction == "past":
        behind = [c for c in candidates if c <= anchor]
        candidates = behind or candidates
    return min(candidates, key=lambda c: abs((c - anchor).days))


def resolve_date(text: str, anchor: dt.date, *, direction: Direction = None) -> ResolvedDate | None:
    """Resolve one time expression against ``anchor`` (the publication date).

    Args:
        text: the expression, e.g. "on Thursday", "Jan. 10", "next month", "two days ago".
        anchor: the publication date.
        direction: "past" or "future" from the clause's tense, or None when unknown.

    Returns:
        The date and its precision, or None when the text is not a resolvable date.
    """
    return _resolve(_norm(text), anchor, direction)


@functools.lru_cache(maxsize=4096)
def _resolve(t: str, anchor: dt.date, direction: Direction) -> ResolvedDate | None:
    if not t or re.fullmatch(r"(?:\d+|a|an|one|two|three|four|five|six|several|a few|many)\s+"
                             r"(?:second|minute|hour|day|week|month|year)s?", t):
        return None
    day = ResolvedDate
    if t in ("today", "tonight", "this morning", "this afternoon", "this evening", "now"):
        return day(date=anchor, precision="day")
    if t in ("yesterday", "last night", "yesterday morning", "yesterday afternoon", "yesterday evening"):
        return day(date=anchor - dt.timedelta(days=1), precision="day")
    if t in ("tomorrow", "tomorrow morning", "tomorrow night", "tomorrow evening"):
        return day(date=anchor + dt.timedelta(days=1), precision="day")
    m = re.fullmatch(r"(last|next|this|coming|past)?\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                     r"(?:'s)?(?:\s+(morning|afternoon|evening|night))?", t)
    if m:
        which, weekday = m.group(1), _WEEKDAYS[m.group(2)]
        back = (anchor.weekday() - weekday) % 7
        fwd = (weekday - anchor.weekday()) % 7
        if which in ("last", "past"):
            return day(date=anchor - dt.timedelta(days=back or 7), precision="day")
        if which in ("next", "coming"):
            return day(date=anchor + dt.timedelta(days=fwd or 7), precision="day")
        if direction == "future":
            return day(date=anchor + dt.timedelta(days=fwd), precision="day")
        return day(date=anchor - dt.timedelta(days=back), precision="day")
    m = re.fullmatch(r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few|few)"
                     r"\s+(day|week|month|year)s?\s+(ago|earlier|before|later|from now|hence)", t)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1)]
        unit, sign = m.group(2), (-1 if m.group(3) in ("ago", "earlier", "before") else 1)
        if unit == "day":
            return day(date=anchor + dt.timedelta(days=sign * n), precision="day")
        if unit == "week":
            return day(date=anchor + dt.timedelta(weeks=sign * n), precision="day")
        if unit == "month":
            return day(date=_add_months(anchor, sign * n), precision="month")
        return day(date=dt.date(anchor.year + sign * n, 1, 1), precision="year")
    m = re.fullmatch(r"(last|next|this|coming|past|earlier this|later this|early next|late last|late this|early this)"
                     r"\s+(week|weekend|month|year)", t)
    if m:
        which, unit = m.group(1), m.group(2)
        step = -1 if which in ("last", "past", "late last") else (1 if which in ("next", "coming", "early next") else 0)
        if unit in ("week", "weekend"):
            base = anchor + dt.timedelta(weeks=step)
            start = base - dt.timedelta(days=base.weekday())
            if unit == "weekend":
                start += dt.timedelta(days=5)
            return day(date=start, precision="day" if unit == "weekend" else "week" if False else "day")
        if unit == "month":
            return day(date=_add_months(dt.date(anchor.year, anchor.month, 1), step), precision="month")
        return day(date=dt.date(anchor.year + step, 1, 1), precision="year")
    m = re.fullmatch(r"(?:(early|mid|late|the end of|the start of|the beginning of|end of|start of)[- ]+)?" + _MONTH_RE +
                     r"(?:\s+(\d{1,2})(?:st|nd|rd|th)?)?(?:,?\s+(\d{4}))?", t)
    if m:
        part, month = m.group(1), _MONTHS[m.group(2)]
        dom = int(m.group(3)) if m.group(3) else None
        year = int(m.group(4)) if m.group(4) else None
        if dom is not None and not 1 <= dom <= 31:
            return None
        if year is not None:
            try:
                value = dt.date(year, month, dom or 1)
            except ValueError:
                return None
        else:
            found = _nearest_year(month, dom, anchor, direction)
            if found is None:
                return None
            value = found
        if dom is None and part in ("mid",):
            value = value.replace(day=15)
        elif dom is None and part in ("late", "the end of", "end of"):
            value = value.replace(day=25)
        return day(date=value, precision="day" if dom else "month")
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r"(?:,?\s+(\d{4}))?", t)
    if m:
        dom, month = int(m.group(1)), _MONTHS[m.group(2)]
        if m.group(3):
            try:
                return day(date=dt.date(int(m.group(3)), month, dom), precision="day")
            except ValueError:
                return None
        found = _nearest_year(month, dom, anchor, direction)
        return day(date=found, precision="day") if found else None
    m = re.fullmatch(r"(?:(early|mid|late)[- ]+)?(\d{4})", t)
    if m and 1900 <= int(m.group(2)) <= 2100:
        return day(date=dt.date(int(m.group(2)), 1, 1), precision="year")
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t)
    if m:
        try:
            return day(date=dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), precision="day")
        except ValueError:
            return None
    if re.search(r"\d|" + _MONTH_RE, t):
        return _dateparser(t, anchor, direction)
    return None


def _dateparser(t: str, anchor: dt.date, direction: Direction) -> ResolvedDate | None:
    import dateparser

    settings = {
        "RELATIVE_BASE": dt.datetime(anchor.year, anchor.month, anchor.day, 12),
        "PREFER_DATES_FROM": {"past": "past", "future": "future"}.get(direction or "", "current_period"),
        "RETURN_TIME_AS_PERIOD": True,
    }
    parser = dateparser.date.DateDataParser(languages=["en"], settings=settings)
    try:
        data = parser.get_date_data(t)
    except (ValueError, OverflowError, TypeError):
        return None
    if data is None or data.date_obj is None:
        return None
    period = data.period or "day"
    precision = {"day": "day", "week": "day", "month": "month", "year": "year"}.get(period, "day")
    value = data.date_obj.date()
    if precision == "month":
        value = value.replace(day=1)
    elif precision == "year":
        value = value.replace(month=1, day=1)
    return ResolvedDate(date=value, precision=precision)
