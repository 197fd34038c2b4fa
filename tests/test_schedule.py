"""Daily tasks: once a day after their time, caught up after downtime, once across processes."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from models import JobRun
from plugins.core import clock, schedule

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def task():
    runs: list[datetime] = []
    failures = {"left": 0}

    async def work() -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("database restarting")
        runs.append(clock.now())

    schedule.daily("test_task", time(4, 30))(work)
    yield runs, failures
    schedule._tasks[:] = [t for t in schedule._tasks if t.name != "test_task"]


async def test_runs_once_a_day_after_its_time(task) -> None:
    runs, _ = task
    clock.set_now(datetime(2026, 12, 1, 4, 29, tzinfo=SH))
    assert "test_task:2026-12-01" not in await schedule.tick()
    clock.set_now(datetime(2026, 12, 1, 4, 30, tzinfo=SH))
    assert "test_task:2026-12-01" in await schedule.tick()
    clock.set_now(datetime(2026, 12, 1, 23, 0, tzinfo=SH))
    await schedule.tick()
    assert len(runs) == 1
    # The bot was down on 2 December at 04:30: the run happens when it is back.
    clock.set_now(datetime(2026, 12, 2, 9, 15, tzinfo=SH))
    assert "test_task:2026-12-02" in await schedule.tick()
    assert len(runs) == 2


async def test_two_processes_run_it_once(task) -> None:
    runs, _ = task
    clock.set_now(datetime(2026, 12, 1, 5, 0, tzinfo=SH))
    await schedule.tick()
    schedule.reset()  # a second process knows nothing of the first one's runs
    await schedule.tick()
    assert len(runs) == 1
    assert await JobRun.filter(key="test_task:2026-12-01").count() == 1


async def test_a_failed_run_is_retried(task) -> None:
    runs, failures = task
    failures["left"] = 1
    clock.set_now(datetime(2026, 12, 1, 5, 0, tzinfo=SH))
    await schedule.tick()
    assert runs == [] and not await JobRun.exists(key="test_task:2026-12-01")
    await schedule.tick()
    assert len(runs) == 1


async def test_periodic_checks_follow_the_clock() -> None:
    seen: list[datetime] = []

    async def check() -> None:
        seen.append(clock.now())

    schedule.every("test_check", 600)(check)
    try:
        clock.set_now(datetime(2026, 12, 1, 10, 0, tzinfo=SH))
        assert "test_check" in await schedule.tick()
        clock.set_now(datetime(2026, 12, 1, 10, 9, tzinfo=SH))
        assert "test_check" not in await schedule.tick()
        clock.set_now(datetime(2026, 12, 1, 10, 10, tzinfo=SH))
        assert "test_check" in await schedule.tick()
        assert len(seen) == 2
    finally:
        schedule._periodic[:] = [p for p in schedule._periodic if p.name != "test_check"]


async def test_a_run_that_goes_past_midnight_still_works_for_the_day_it_started() -> None:
    """Sunday's late run must not do Monday's work (e.g. send Monday's card before its time)."""
    seen = []

    async def late() -> None:
        clock.set_now(datetime(2026, 11, 30, 0, 5, tzinfo=SH))  # the run takes us past midnight
        seen.append((schedule.run_day(), clock.today()))

    schedule.daily("late_task", time(23, 50))(late)
    try:
        clock.set_now(datetime(2026, 11, 29, 23, 55, tzinfo=SH))
        assert "late_task:2026-11-29" in await schedule.tick()
    finally:
        schedule._tasks[:] = [t for t in schedule._tasks if t.name != "late_task"]
    assert seen == [(datetime(2026, 11, 29).date(), datetime(2026, 11, 30).date())]
    assert schedule.run_day() == clock.today()  # outside a daily task: today


@pytest.fixture
def warnings_logged():
    from nonebot.log import logger

    records: list[str] = []
    sink = logger.add(lambda m: records.append(m.record["message"]), level="WARNING",
                      filter=lambda r: r["name"] == "plugins.core.schedule")
    yield records
    logger.remove(sink)


async def test_a_slow_background_job_is_named_in_the_log_and_a_failing_one_too(
    warnings_logged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    readings = iter([100.0, 102.5, 200.0, 200.1])  # real time read before and after each run
    monkeypatch.setattr(schedule._time, "perf_counter", lambda: next(readings))
    ran: list[str] = []

    async def refresh() -> None:
        ran.append("refresh")

    async def broken() -> None:
        raise RuntimeError("no such table")

    await schedule.job("cache_refresh", refresh)()
    await schedule.job("broken", broken)()
    assert ran == ["refresh"]
    assert warnings_logged == ["scheduled task cache_refresh took 2.5 s", "job broken failed"]


async def test_a_job_does_not_run_or_complain_while_the_database_is_closed(
    warnings_logged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from plugins.core import db

    calls: list[str] = []

    async def query() -> None:
        calls.append("query")
        monkeypatch.setattr(db, "_open", False)  # shut down under it
        raise RuntimeError("Cannot operate on a closed database.")

    await schedule.job("awaiting", query)()
    await schedule.job("awaiting", query)()  # closed: not run at all
    assert calls == ["query"]
    assert warnings_logged == []
