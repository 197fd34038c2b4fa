"""The QQ accounts connected to this process, and the record of all accounts."""

import nonebot
from nonebot.adapters.onebot.v11 import Bot

from plugins.core import clock
from plugins.core.sql import execute


def connected_bots() -> list[Bot]:
    return [b for b in nonebot.get_bots().values() if isinstance(b, Bot)]


def is_superuser(bot: Bot, qq: int) -> bool:
    """Listed in SUPERUSERS (plain, or as "onebot:<qq>")."""
    su = bot.config.superusers
    return str(qq) in su or f"onebot:{qq}" in su


async def remember_bot(self_id: int) -> None:
    """Record the account (one atomic upsert, no transaction), so counts can exclude bots."""
    now = clock.now()
    await execute(
        "INSERT INTO bot_account (self_id, first_seen, last_seen) VALUES (?, ?, ?) "
        "ON CONFLICT (self_id) DO UPDATE SET last_seen = excluded.last_seen",
        self_id,
        now,
        now,
    )
