"""Relative and absolute date expressions resolved against a document's publication date.

"late on Thursday night" in an article published on Friday 2022-09-23 is 2022-09-22 (day);
"last week" is the Monday-to-Sunday week before the publication week (week precision, start and end
given as days); "earlier this month" is the publication month; "in 1991" is 1991 (year). Without a
publication date, relative expressions stay unresolved: they are never guessed from the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WORD = re.compile(r"[a-z]+|\d+")


@dataclass(frozen=True)
class ResolvedDate:
    """A resolved date expression: ISO strings at the given precision (start may equal end)."""

    start: str
    end: str
    precision: str


def parse_published(value: str | None) -> dt.date | None:
    """The publication date of a document as a date, or None when unknown or malformed."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _day(d: dt.date) -> ResolvedDate:
    return ResolvedDate(d.isoformat(), d.isoformat(), "day")


def _month(year: int, month: int) -> ResolvedDate:
    text = f"{year:04d}-{month:02d}"
    return ResolvedDate(text, text, "month")


def _week(monday: dt.date) -> ResolvedDate:
    return ResolvedDate(monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat(), "week")


_RANGE_WORDS = frozenset({"and", "to", "through", "until", "till", "between"})


def _days(year: int, month: int, days: list[int], words: list[str]) -> ResolvedDate | None:
    """One day of a month, or a run of days ('29 and 30 November', '12-13 May', 'from 3 to 5 June')."""
    try:
        first = dt.date(year, month, days[0])
        last = dt.date(year, month, days[-1]) if len(days) == 2 else first
    except ValueError:
        return None
    ranged = len(days) == 2 and last > first and (set(words) & _RANGE_WORDS or len(words) == len(days) + 2)
    if not ranged:
        return _day(first)
    return ResolvedDate(first.isoformat(), last.isoformat(), "day")


def resolve_date(text: str, published: dt.date | None) -> ResolvedDate | None:
    """Resolve one date expression ("on Thursday", "last week", "in September 2022") or return None."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    numbers = [int(w) for w in words if w.isdigit()]
    years = [n for n in numbers if 1800 <= n <= 2100]
    months = [MONTHS[w] for w in words if w in MONTHS and not (w == "may" and not numbers)]
    days = [n for n in numbers if 1 <= n <= 31]
    if years and months:
        if days:
            return _days(years[0], months[0], days, words)
        return _month(years[0], months[0])
    if years and not months:
        if len(words) == 1 or not (set(words) & {"last", "this", "next", "ago"}):
            text_year = f"{years[0]:04d}"
            return ResolvedDate(text_year, text_year, "year")
    if published is None:
        return None
    if months:
        year = published.year if months[0] <= published.month else published.year - 1
        if days:
            return _days(year, months[0], days, words)
        return _month(year, months[0])
    for index, name in enumerate(WEEKDAYS):
        if name in words:
            back = (published.weekday() - index) % 7
            if "last" in words and back == 0:
                back = 7
            return _day(published - dt.timedelta(days=back))
    if "yesterday" in words:
        return _day(published - dt.timedelta(days=1))
    if "today" in words or "tonight" in words:
        return _day(published)
    this_monday = published - dt.timedelta(days=published.weekday())
    if "week" in words or "weekend" in words:
        if "last" in words or "past" in words or "previous" in words:
            return _week(this_monday - dt.timedelta(days=7))
        if "this" in words or "earlier" in words:
            return _week(this_monday)
    if "month" in words:
        if "last" in words or "previous" in words:
            first = published.replace(day=1) - dt.timedelta(days=1)
            return _month(first.year, first.month)
        if "this" in words or "earlier" in words:
            return _month(published.year, published.month)
    if "year" in words:
        if "last" in words or "previous" in words:
            return ResolvedDate(str(published.year - 1), str(published.year - 1), "year")
        if "this" in words or "earlier" in words:
            return ResolvedDate(str(published.year), str(published.year), "year")
    return None


def span_dates(starts: list[ResolvedDate], ends: list[ResolvedDate]) -> ResolvedDate | None:
    """Combine the dates a text gives for when something started and until when it went on."""
    if not starts and not ends:
        return None
    first = starts[0] if starts else ends[0]
    last = ends[-1] if ends else first
    precision = first.precision if first.precision == last.precision else "day"
    if first.precision != last.precision:
        precision = max((first.precision, last.precision), key=("day", "week", "month", "year").index)
    return ResolvedDate(first.start, last.end, precision)
