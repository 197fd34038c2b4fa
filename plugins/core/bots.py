"""The QQ accounts connected to this process, and the record of all accounts."""

import nonebot
from nonebot.adapters.onebot.v11 import Bot

from models import BotAccount
from plugins.core import clock


def connected_bots() -> list[Bot]:
    return [b for b in nonebot.get_bots().values() if isinstance(b, Bot)]


async def remember_bot(self_id: int) -> None:
    """Upsert the account, so counts can exclude bots and the outbox can pick a sender."""
    now = clock.now()
    updated = await BotAccount.filter(self_id=self_id).update(last_seen=now)
    if not updated:
        await BotAccount.get_or_create(self_id=self_id, defaults={"first_seen": now, "last_seen": now})
