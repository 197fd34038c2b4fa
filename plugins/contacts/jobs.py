"""Daily upkeep: member sync per bot account, the monthly snapshot, retention.

Member sync is paced: per account at most CONTACTS_SYNC_PER_MINUTE member-list
calls in any minute, whether at start-up, after a reconnection or in the daily
run, so 20,000 bound groups never mean 20,000 calls at once. Groups go oldest-
synced first (never-synced first of all) and each sync stamps `synced_at`, so a
run cut short by a restart resumes where it stopped. One run per account at a
time: a new run (reconnection, daily) replaces the one still going.
"""

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta

from nonebot.adapters.onebot.v11 import Bot
from nonebot.log import logger
from tortoise.expressions import Q

from models import BoundGroup
from plugins.contacts import groups, links, stats, usage
from plugins.contacts.config import settings
from plugins.core import clock
from plugins.core.bots import connected_bots

WINDOW = timedelta(minutes=1)

wait: Callable[[float], Awaitable[object]] = asyncio.sleep
"""How the pacer waits (tests advance the controlled clock instead)."""


class Pacer:
    """At most `per_minute()` calls in any minute, by the bot's clock, each call counted from
    when it finished: its request reached the OneBot side somewhere between its start and its
    end, so no minute there holds more either. Counted from their starts, a first request that
    was slow to arrive let a 61st one into its minute (bench/dashboard.py: at most 61 member-list
    calls in any 60 s at the simulator, on both databases)."""

    def __init__(self, per_minute: Callable[[], int]) -> None:
        self.per_minute = per_minute
        self.calls: deque[datetime] = deque()
        self.running = 0

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for a free slot, hold it for the call, count the call from its end."""
        while True:
            now = clock.now()
            while self.calls and now - self.calls[0] >= WINDOW:
                self.calls.popleft()
            if len(self.calls) + self.running < max(1, self.per_minute()):
                break
            await wait(max(0.01, (self.calls[0] + WINDOW - now).total_seconds()) if self.calls else 0.05)
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1
            self.calls.append(clock.now())


_pacers: dict[str, Pacer] = {}
_runs: dict[str, asyncio.Task] = {}


def pacer(self_id: str) -> Pacer:
    if self_id not in _pacers:
        _pacers[self_id] = Pacer(lambda: settings().contacts_sync_per_minute)
    return _pacers[self_id]


def reset() -> None:
    """Forget pacing and running syncs (a restart; tests)."""
    for task in _runs.values():
        task.cancel()
    _runs.clear()
    _pacers.clear()


async def due_groups(bot_id: int, cutoff: datetime) -> list[int]:
    """This account's bound groups not synced after `cutoff`, oldest-synced first."""
    rows = await BoundGroup.filter(Q(synced_at__isnull=True) | Q(synced_at__lte=cutoff), bot_id=bot_id).values_list(
        "group_id", "synced_at"
    )
    rows.sort(key=lambda r: (r[1] is not None, r[1] or cutoff, r[0]))
    return [r[0] for r in rows]


async def sync_bot_groups(bot: Bot, *, stale_only: bool = False) -> int:
    """Sync the bound groups this account is in, paced; returns how many were refreshed.

    stale_only: only those not synced for CONTACTS_RESYNC_AFTER_HOURS (after a reconnection);
    otherwise every group not synced since this run began (the daily run)."""
    bot_id = int(bot.self_id)
    cutoff = clock.now()
    if stale_only:
        cutoff -= timedelta(hours=settings().contacts_resync_after_hours)
    pace = pacer(bot.self_id)
    done = 0
    for group_id in await due_groups(bot_id, cutoff):
        if not await BoundGroup.exists(group_id=group_id, bot_id=bot_id):
            continue  # unbound or moved to another account meanwhile
        async with pace.slot():
            synced = await groups.sync_group(bot, group_id)
        if synced is not None:
            done += 1
    return done


def start(bot: Bot, *, stale_only: bool) -> asyncio.Task:
    """Run `sync_bot_groups` in the background, replacing this account's run still going."""
    running = _runs.get(bot.self_id)
    if running is not None and not running.done():
        running.cancel()

    async def run() -> None:
        try:
            await sync_bot_groups(bot, stale_only=stale_only)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            logger.opt(exception=e).warning("member sync failed")

    task = asyncio.get_running_loop().create_task(run())
    _runs[bot.self_id] = task
    return task


async def sync_connected() -> None:
    """The daily member sync, for the accounts connected to this process (in the background)."""
    for bot in connected_bots():
        start(bot, stale_only=False)


async def upkeep() -> None:
    """Once a day across all processes: the month's snapshot and retention."""
    await stats.snapshot_month()
    await links.expire_stale()
    await usage.purge_old()


def catch_up(bot: Bot) -> None:
    """After a (re)connection, refresh groups not synced lately, in the background."""
    start(bot, stale_only=True)
