"""Daily upkeep: member sync per bot account, the monthly snapshot, retention."""

import asyncio
from datetime import timedelta

from nonebot.adapters.onebot.v11 import Bot
from nonebot.log import logger
from tortoise.expressions import Q

from models import BoundGroup
from plugins.contacts import groups, links, stats, usage
from plugins.core import clock
from plugins.core.bots import connected_bots
from plugins.core.sql import values


async def sync_bot_groups(bot: Bot, *, stale_only: bool = False) -> int:
    """Sync the bound groups this account is in; returns how many were refreshed."""
    query = BoundGroup.filter(bot_id=int(bot.self_id))
    if stale_only:
        cutoff = clock.now() - timedelta(days=1)
        query = query.filter(Q(synced_at__isnull=True) | Q(synced_at__lt=cutoff))
    done = 0
    for group_id in await values(query, "group_id"):
        if await groups.sync_group(bot, group_id) is not None:
            done += 1
    return done


async def sync_connected() -> None:
    """The daily member sync, for the accounts connected to this process."""
    for bot in connected_bots():
        try:
            await sync_bot_groups(bot)
        except Exception as e:
            logger.opt(exception=e).warning("daily member sync failed")


async def upkeep() -> None:
    """Once a day across all processes: the month's snapshot and retention."""
    await stats.snapshot_month()
    await links.expire_stale()
    await usage.purge_old()


def catch_up(bot: Bot) -> None:
    """After a (re)connection, refresh groups not synced for a day, in the background."""

    async def run() -> None:
        try:
            await sync_bot_groups(bot, stale_only=True)
        except Exception as e:
            logger.opt(exception=e).warning("member sync after connection failed")

    asyncio.get_running_loop().create_task(run())
