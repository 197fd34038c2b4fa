"""Times are stored in UTC and compared as instants; local dates come from the clock."""

from datetime import UTC, date, datetime, timedelta

from models import Application
from plugins.core import clock
from tests.seed import seed_tree


async def test_time_window_query_uses_instants() -> None:
    tree = await seed_tree()
    # 2026-12-01 00:30 in Shanghai is 2026-11-30 16:30 UTC.
    clock.set_now(datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 12, 1)
    instants = [
        datetime(2026, 11, 30, 15, 59, tzinfo=UTC),  # 23:59 local on 30 Nov: outside
        datetime(2026, 11, 30, 16, 0, tzinfo=UTC),  # 00:00 local on 1 Dec: inside
        clock.now(),
    ]
    for i, at in enumerate(instants):
        await Application.create(
            qq=20000 + i, name="张三", org=tree.province, category="full_time", created_at=at
        )
    start_of_day = clock.local_datetime(clock.today())
    inside = await Application.filter(created_at__gte=start_of_day, created_at__lte=clock.now())
    assert sorted(a.qq for a in inside) == [20001, 20002]
    recent = await Application.filter(created_at__gte=clock.now() - timedelta(minutes=30))
    assert sorted(a.qq for a in recent) == [20001, 20002]
    stored = await Application.get(qq=20000)
    assert stored.created_at == instants[0]
    assert clock.fmt_local(stored.created_at) == "2026-11-30 23:59"


def test_frozen_clock_needs_aware_time() -> None:
    import pytest

    with pytest.raises(ValueError):
        clock.set_now(datetime(2026, 1, 1))


def test_moments_from_another_year_carry_the_year() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from plugins.core import clock

    sh = ZoneInfo("Asia/Shanghai")
    clock.set_now(datetime(2027, 1, 3, 9, 0, tzinfo=sh))
    try:
        assert clock.fmt_when(datetime(2027, 1, 2, 14, 30, tzinfo=sh)) == "01-02 14:30"
        assert clock.fmt_when(datetime(2026, 12, 5, 14, 30, tzinfo=sh)) == "2026-12-05 14:30"
    finally:
        clock.set_now(None)


def test_today_turns_at_local_midnight_in_either_direction_and_with_the_zone() -> None:
    # today() keeps the day it last computed while the clock stays inside that local day.
    try:
        clock.set_now(datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC))  # 23:59:59 in Shanghai
        assert clock.today() == date(2026, 11, 30)
        clock.set_now(datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # midnight
        assert clock.today() == date(2026, 12, 1)
        clock.set_now(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # a clock set back
        assert clock.today() == date(2026, 11, 30)
        clock.set_local_zone("America/New_York")  # 10:00 on the 30th there
        assert clock.today() == date(2026, 11, 30)
        clock.set_now(datetime(2026, 12, 1, 4, 59, tzinfo=UTC))
        assert clock.today() == date(2026, 11, 30)
        clock.set_now(datetime(2026, 12, 1, 5, 0, tzinfo=UTC))
        assert clock.today() == date(2026, 12, 1)
        # A day with a DST change is 25 hours long there.
        clock.set_now(datetime(2026, 11, 1, 4, 0, tzinfo=UTC))  # 00:00 EDT
        assert clock.today() == date(2026, 11, 1)
        clock.set_now(datetime(2026, 11, 2, 4, 59, tzinfo=UTC))  # 23:59 EST
        assert clock.today() == date(2026, 11, 1)
    finally:
        clock.set_local_zone("Asia/Shanghai")
        clock.set_now(None)
