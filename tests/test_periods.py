"""One calendar: every period round-trips through parse/format; quarters and local days are right
in Asia/Shanghai around midnight (hypothesis)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.core import clock, periods
from plugins.core.errors import UsageError

SH = ZoneInfo("Asia/Shanghai")
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
any_period = st.one_of(
    st.builds(periods.month, st.integers(2000, 2100), st.integers(1, 12)),
    st.builds(periods.quarter, st.integers(2000, 2100), st.integers(1, 4)),
    st.builds(periods.year, st.integers(2000, 2100)),
    st.just(periods.EVERYTHING),
)


@given(any_period)
def test_every_period_round_trips_through_its_key(period: periods.Period) -> None:
    assert periods.parse(period.key) == period
    assert periods.parse(periods.format_key(period)).label == period.label


@given(
    st.dates(min_value=date(2001, 1, 1), max_value=date(2100, 12, 31)),  # last year is a typed year too
    st.sampled_from(["本月", "上月", "本季度", "上季度", "今年", "去年", "全部"]),
)
def test_relative_words_name_the_period_containing_or_before_today(today: date, word: str) -> None:
    period = periods.parse(word, today)
    assert periods.parse(period.key, today) == period
    if word in ("本月", "本季度", "今年"):
        assert period.contains(today)
    elif word != "全部":
        assert period.after is not None and period.after <= today and not period.contains(today)


@given(days)
def test_the_quarter_of_a_day_contains_it_and_the_next_one_starts_after(day: date) -> None:
    first, last = periods.quarter_bounds(day)
    assert first <= day <= last
    assert first.day == 1 and first.month in (1, 4, 7, 10)
    assert periods.month_after_quarter(day) == last + timedelta(days=1)
    assert periods.quarter_key(day) == periods.quarter_containing(day).key


@given(st.integers(2000, 2099), st.integers(1, 4), st.integers(-120, 120))
def test_quarter_boundaries_fall_at_local_midnight_in_shanghai(year: int, number: int, seconds: int) -> None:
    clock.set_local_zone("Asia/Shanghai")
    period = periods.quarter(year, number)
    start = period.start
    assert start is not None and period.first is not None
    assert start == datetime(year, period.first.month, 1, tzinfo=SH).astimezone(UTC)
    instant = start + timedelta(seconds=seconds)  # a couple of minutes around that midnight
    local_day = clock.to_local(instant).date()
    assert period.contains(local_day) == (seconds >= 0)
    assert start.hour == 16  # 00:00 in Shanghai is 16:00 UTC the day before


@given(days)
def test_day_bounds_are_24_hours_of_local_time(day: date) -> None:
    start, end = periods.day_bounds(day)
    assert end - start == timedelta(hours=24)
    assert clock.to_local(start).date() == day and clock.to_local(end - timedelta(seconds=1)).date() == day


@pytest.mark.parametrize("text", ["明年", "2026Q5", "2026-13", "1999", "本周", "2026年13月"])
def test_words_that_are_not_periods_are_refused_with_what_to_type(text: str) -> None:
    with pytest.raises(UsageError) as e:
        periods.parse(text, date(2026, 11, 30))
    assert "期间可写" in str(e.value) or "月份须在" in str(e.value) or "年份须在" in str(e.value)


def test_typed_dates_and_the_year_shown_when_it_is_not_this_one() -> None:
    today = date(2026, 12, 28)
    assert periods.parse_day("01-05", today) == date(2027, 1, 5)  # late December: next January
    assert periods.parse_day("明天", today) == date(2026, 12, 29)
    assert periods.fmt_day(date(2026, 12, 5), today) == "12月5日"
    assert periods.fmt_day(date(2027, 1, 5), today) == "2027年1月5日"
    assert periods.parse("2026年第四季度", today) == periods.quarter(2026, 4)
