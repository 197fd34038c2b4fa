"""Work driven by the clock: daily tasks and periodic checks.

A tick (every `LIANQING_TICK_SECONDS`) asks the clock, so a task missed while
the bot was down runs soon after start-up and tests move time with the
controlled clock instead of sleeping.

- `daily`: once a day after its local time, in one process of many (the
  `job_run` table's unique key keeps two bot processes from both running it);
- `every`: a check run at most every N seconds of clock time in each process;
  such checks must be idempotent (conditional updates, outbox dedup keys).
"""

import time as _time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from nonebot.log import logger
from tortoise.exceptions import IntegrityError

from models import JobRun
from plugins.core import clock, db, metrics
from plugins.core.bots import connected_bots

Task = Callable[[], Awaitable[object]]


@dataclass
class DailyTask:
    name: str
    at: time
    func: Task
    per_account: bool
    """Run once per day for each set of connected QQ accounts (e.g. syncing their groups)."""


@dataclass
class PeriodicTask:
    name: str
    seconds: float
    func: Task


_tasks: list[DailyTask] = []
_periodic: list[PeriodicTask] = []
_last_run: dict[str, datetime] = {}
_done: set[str] = set()
_run_day: ContextVar[date | None] = ContextVar("run_day", default=None)


def run_day() -> date:
    """The local day a daily task runs for: the day of the tick that started it, even when
    the run goes on past midnight (Sunday's Monday-card run must not become Monday's,
    sent before its time). Outside a daily task: today."""
    return _run_day.get() or clock.today()


SLOW_SECONDS = 2.0


def _note_slow(name: str, started: float) -> None:
    """Warn of a task that took longer than SLOW_SECONDS (real time). On SQLite, chat shares the
    bot's one connection with these tasks: an operator looking for a slow reply finds the task here."""
    took = _time.perf_counter() - started
    if took > SLOW_SECONDS:
        logger.warning(f"scheduled task {name} took {took:.1f} s")


def job(name: str, func: Task) -> Task:
    """An interval job of the APScheduler (caches refreshed every 30 s …): skipped while the
    database is closed, timed like the tick's tasks, and quiet when the database was closed
    under it at shutdown (it raised 'Cannot operate on a closed database' into the log)."""

    async def run() -> None:
        if not db.is_open():
            return
        started = _time.perf_counter()
        try:
            await func()
        except Exception as e:
            if db.is_open():
                logger.opt(exception=e).warning(f"job {name} failed")
        _note_slow(name, started)

    run.__name__ = run.__qualname__ = name
    return run


def every(name: str, seconds: float) -> Callable[[Task], Task]:
    def decorator(func: Task) -> Task:
        _periodic.append(PeriodicTask(name, seconds, func))
        return func

    return decorator


def daily(name: str, at: time, *, per_account: bool = False) -> Callable[[Task], Task]:
    def decorator(func: Task) -> Task:
        _tasks.append(DailyTask(name, at, func, per_account))
        return func

    return decorator


def _key(task: DailyTask, day: str) -> str | None:
    if not task.per_account:
        return f"{task.name}:{day}"
    accounts = sorted(b.self_id for b in connected_bots())
    return f"{task.name}:{day}:{','.join(accounts)}" if accounts else None


async def tick() -> list[str]:
    """Run due periodic checks, then every daily task due today and not yet run.

    Returns the names / keys of what ran."""
    metrics.tick_started()  # real time, not the clock: /healthz reports a stalled scheduler
    now = clock.now()
    today = clock.today()
    ran = []
    for check in list(_periodic):
        last = _last_run.get(check.name)
        if last is not None and timedelta(0) <= now - last < timedelta(seconds=check.seconds):
            continue
        _last_run[check.name] = now
        started = _time.perf_counter()
        try:
            await check.func()
            ran.append(check.name)
        except Exception as e:
            logger.opt(exception=e).warning(f"periodic check {check.name} failed")
        _note_slow(check.name, started)
    for task in list(_tasks):
        if now < clock.local_datetime(today, task.at.hour, task.at.minute):
            continue
        key = _key(task, today.isoformat())
        if key is None or key in _done:
            continue
        try:
            run = await JobRun.create(key=key, started_at=now)
        except IntegrityError:
            _done.add(key)  # another process has it
            continue
        token = _run_day.set(today)
        started = _time.perf_counter()
        try:
            await task.func()
        except Exception as e:
            logger.opt(exception=e).warning(f"daily task {task.name} failed; it will be retried")
            await JobRun.filter(id=run.id).delete()
            continue
        finally:
            _run_day.reset(token)
            _note_slow(key, started)
        await JobRun.filter(id=run.id).update(finished_at=clock.now())
        _done.add(key)
        ran.append(key)
    return ran


async def forget_old_runs(days: int = 60) -> None:
    await JobRun.filter(started_at__lt=clock.now() - timedelta(days=days)).delete()


def reset() -> None:
    """Forget which runs this process has seen (tests)."""
    _done.clear()
    _last_run.clear()
