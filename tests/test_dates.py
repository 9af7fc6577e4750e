"""Relative dates resolve against the publication date, with a precision; never against the clock."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.dates import parse_published, resolve_date, span_dates

FRIDAY = dt.date(2022, 9, 23)


def test_weekday_before_publication_is_the_most_recent_one() -> None:
    resolved = resolve_date("late on Thursday night", FRIDAY)
    assert resolved is not None
    assert (resolved.start, resolved.precision) == ("2022-09-22", "day")


def test_weekday_of_publication_is_the_publication_day() -> None:
    resolved = resolve_date("Friday morning", FRIDAY)
    assert resolved is not None and resolved.start == "2022-09-23"


def test_last_week_is_the_monday_to_sunday_week_before() -> None:
    resolved = resolve_date("last week", FRIDAY)
    assert resolved is not None
    assert (resolved.start, resolved.end, resolved.precision) == ("2022-09-12", "2022-09-18", "week")


def test_yesterday_and_month_expressions() -> None:
    assert resolve_date("yesterday", FRIDAY).start == "2022-09-22"  # type: ignore[union-attr]
    assert resolve_date("earlier this month", FRIDAY).start == "2022-09"  # type: ignore[union-attr]
    assert resolve_date("last month", FRIDAY).start == "2022-08"  # type: ignore[union-attr]


def test_absolute_years_and_months_need_no_publication_date() -> None:
    assert resolve_date("in 1991", None).start == "1991"  # type: ignore[union-attr]
    resolved = resolve_date("in September 2022", None)
    assert resolved is not None and (resolved.start, resolved.precision) == ("2022-09", "month")
    assert resolve_date("on August 20, 2024", None).start == "2024-08-20"  # type: ignore[union-attr]


def test_relative_dates_stay_unresolved_without_a_publication_date() -> None:
    assert resolve_date("on Thursday", None) is None
    assert resolve_date("last week", None) is None


def test_a_month_without_a_year_is_the_last_such_month_before_publication() -> None:
    resolved = resolve_date("in February", dt.date(2024, 8, 22))
    assert resolved is not None and resolved.start == "2024-02"
    resolved = resolve_date("in November", dt.date(2024, 8, 22))
    assert resolved is not None and resolved.start == "2023-11"


def test_started_and_until_make_one_span() -> None:
    start = resolve_date("Thursday", FRIDAY)
    end = resolve_date("Friday morning", FRIDAY)
    assert start and end
    span = span_dates([start], [end])
    assert span is not None and (span.start, span.end, span.precision) == ("2022-09-22", "2022-09-23", "day")


def test_malformed_publication_dates_count_as_unknown() -> None:
    assert parse_published("23/09/2022") is None
    assert parse_published("2022-09-23") == FRIDAY


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("29 and 30 November 2022", "2022-11-29", "2022-11-30"),
        ("between 3 and 5 May 2023", "2023-05-03", "2023-05-05"),
        ("12-13 September 2022", "2022-09-12", "2022-09-13"),
        ("from 12 to 14 September", "2023-09-12", "2023-09-14"),
    ],
)
def test_a_run_of_days_in_one_month_is_a_range_of_days(text: str, start: str, end: str) -> None:
    resolved = resolve_date(text, dt.date(2023, 10, 1))
    assert resolved is not None and (resolved.start, resolved.end) == (start, end)


def test_a_day_with_a_clock_time_is_one_day_not_a_range() -> None:
    resolved = resolve_date("3 May 2023 at 19:00", dt.date(2023, 10, 1))
    assert resolved is not None and (resolved.start, resolved.end) == ("2023-05-03", "2023-05-03")
