"""Private messages the bot sends on its own initiative (not as an answer).

Sent as plain text through a connected bot. Failures are logged, never raised:
the decision that caused the message is already saved.
"""

import nonebot
from nonebot.adapters.onebot.v11 import Bot
from nonebot.log import logger

from plugins.core.text import plain


def pick_bot(preferred: Bot | None = None) -> Bot | None:
    if preferred is not None:
        return preferred
    bots = [b for b in nonebot.get_bots().values() if isinstance(b, Bot)]
    return bots[0] if bots else None


async def notify(qq: int, text: str, *, bot: Bot | None = None) -> bool:
    """Send `text` to `qq` in a private chat; True when the implementation accepted it."""
    sender = pick_bot(bot)
    if sender is None:
        logger.warning("no bot connected; private notice not sent")
        return False
    try:
        await sender.send_private_msg(user_id=qq, message=plain(text))
    except Exception as e:
        logger.warning(f"private notice to a user failed: {e!r}")
        return False
    return True
