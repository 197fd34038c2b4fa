"""Daily rations (requests, mutual-help posts) counted by the keyed hash of the QQ.

Counting today's cases by `youth_qq` stops working the moment /退出 全部
anonymises them: someone could leave, come back and start again. The count
kept here survives erasure and holds no QQ (only `optout.qq_hash`); rows older
than two days are deleted by the daily upkeep.
"""

from datetime import timedelta

from models import DailyUse
from plugins.contacts.optout import qq_hash
from plugins.core import clock
from plugins.core.sql import execute


async def used_today(qq: int, kind: str) -> int:
    row = await DailyUse.get_or_none(key_hash=qq_hash(qq), day=clock.today(), kind=kind)
    return row.count if row else 0


async def count_use(qq: int, kind: str, conn=None) -> None:
    """One more use today (an upsert, inside the caller's transaction when `conn` is given)."""
    await execute(
        "INSERT INTO daily_use (key_hash, day, kind, count) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (key_hash, day, kind) DO UPDATE SET count = daily_use.count + 1",
        qq_hash(qq), clock.today(), kind,
        conn=conn,
    )


async def purge_old() -> int:
    return await DailyUse.filter(day__lt=clock.today() - timedelta(days=2)).delete()
