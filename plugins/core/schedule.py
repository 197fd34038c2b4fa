"""Daily tasks that run once a day, after their local time, in one process of many.

A periodic tick (every `LIANQING_TICK_SECONDS`) asks the clock, so a task
missed while the bot was down runs soon after start-up, tests move time with
the controlled clock, and the `job_run` table's unique key keeps two bot
processes from both running a shared task.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import time, timedelta

from nonebot.log import logger
from tortoise.exceptions import IntegrityError

from models import JobRun
from plugins.core import clock
from plugins.core.bots import connected_bots

Task = Callable[[], Awaitable[object]]


@dataclass
class DailyTask:
    name: str
    at: time
    func: Task
    per_account: bool
    """Run once per day for each set of connected QQ accounts (e.g. syncing their groups)."""


_tasks: list[DailyTask] = []
_done: set[str] = set()


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
    """Run every task that is due today and not yet run; returns the keys it ran."""
    now = clock.now()
    today = clock.today()
    ran = []
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
        try:
            await task.func()
        except Exception as e:
            logger.opt(exception=e).warning(f"daily task {task.name} failed; it will be retried")
            await JobRun.filter(id=run.id).delete()
            continue
        await JobRun.filter(id=run.id).update(finished_at=clock.now())
        _done.add(key)
        ran.append(key)
    return ran


async def forget_old_runs(days: int = 60) -> None:
    await JobRun.filter(started_at__lt=clock.now() - timedelta(days=days)).delete()


def reset() -> None:
    """Forget which runs this process has seen (tests)."""
    _done.clear()
