"""Whose friend each QQ account is, kept in memory: the outbox asks for every private message.

QQ delivers a plain private message only to a friend; anyone else is reached
through a temporary session in a group both are in, or not at all (see
service.py). The list is loaded with `get_friend_list` when an account
connects and again after a day, and kept current between loads by
`notice.friend_add` and by the friend requests the bot approves itself. A plain
private send that QQ refuses marks the list stale, so the next round reloads it.

An account whose implementation does not answer `get_friend_list` (or fails to)
has an unknown list: the outbox then sends as before, through a shared group
when there is one (NapCat sends to a friend as C2C even when given a group_id:
`createContext` in packages/napcat-onebot/action/msg/SendMsg.ts checks isBuddy
first) and as a plain private message otherwise.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from nonebot.adapters.onebot.v11 import Bot
from nonebot.exception import ActionFailed
from nonebot.log import logger

from plugins.core import clock

REFRESH = timedelta(days=1)
RETRY = timedelta(minutes=5)


@dataclass
class _List:
    friends: set[int] | None  # None: the implementation did not tell
    loaded_at: datetime
    stale: bool = False


_lists: dict[int, _List] = {}
_everyone = False


async def ensure(bot: Bot) -> None:
    """Load the account's friend list when it has none, is stale or is a day old."""
    if _everyone:
        return
    bot_id = int(bot.self_id)
    now = clock.now()
    current = _lists.get(bot_id)
    if current is not None and not current.stale and timedelta(0) <= now - current.loaded_at < REFRESH:
        return
    try:
        rows = await bot.call_api("get_friend_list")
        friends = {int(r["user_id"]) for r in rows or [] if str(r.get("user_id", "")).isdigit()}
    except ActionFailed as e:  # the implementation does not tell: unknown for the day
        logger.info(f"friend list of {bot_id} not available: {e!r}")
        friends = None
    except Exception as e:  # no answer: unknown, asked again in a few minutes
        logger.warning(f"friend list of {bot_id} not loaded: {e!r}")
        _lists[bot_id] = _List(None, now - REFRESH + RETRY)
        return
    _lists[bot_id] = _List(friends, now)


def status(bot_id: int, qq: int) -> bool | None:
    """True: a friend; False: not a friend; None: the account's list is unknown."""
    if _everyone:
        return True
    current = _lists.get(bot_id)
    if current is None or current.friends is None:
        return None
    return qq in current.friends


def added(bot_id: int, qq: int) -> None:
    """`qq` became the account's friend (approved here, or notice.friend_add)."""
    current = _lists.get(bot_id)
    if current is not None and current.friends is not None:
        current.friends.add(qq)


def mark_stale(bot_id: int) -> None:
    """Reload before the next use (the account reconnected, or QQ refused a friend)."""
    current = _lists.get(bot_id)
    if current is not None:
        current.stale = True


def reset(*, everyone: bool = False) -> None:
    """Forget every list. `everyone=True` (unit tests): every person is every account's friend."""
    global _everyone
    _lists.clear()
    _everyone = everyone


def seed(bot_id: int, friends: set[int] | None) -> None:
    """Set an account's list without asking the implementation (tests)."""
    global _everyone
    _everyone = False
    _lists[bot_id] = _List(set(friends) if friends is not None else None, clock.now())
