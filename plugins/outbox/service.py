"""Enqueue unsolicited messages and deliver them within budget and outside quiet hours.

Every plugin sends reminders, notices, surveys and spot checks through
`enqueue`; `deliver_due` is the only place they leave. Several bot processes
may share the queue: a message is claimed with a conditional UPDATE before it
is sent, so it goes out once.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from nonebot.adapters.onebot.v11 import Bot
from nonebot.log import logger
from tortoise.exceptions import IntegrityError
from tortoise.functions import Count

from models import Admin, Cadre, OutboxMessage
from plugins.core import clock, metrics
from plugins.core.text import plain
from plugins.outbox.config import Config

STALE_CLAIM = timedelta(minutes=5)
PREFERRED_BOT_GRACE = timedelta(hours=1)
SCAN = 200

_settings = Config()
_kick = asyncio.Event()
_lock = asyncio.Lock()
_recent: dict[int, deque[datetime]] = {}
SentHook = Callable[[OutboxMessage, int, Any], Awaitable[None]]
_sent_hooks: dict[str, SentHook] = {}


def configure(settings: Config) -> None:
    global _settings
    _settings = settings


def settings() -> Config:
    return _settings


def on_sent(category: str) -> Callable[[SentHook], SentHook]:
    """Register what to record once a message of `category` is out (e.g. its message_id)."""

    def decorator(hook: SentHook) -> SentHook:
        _sent_hooks[category] = hook
        return hook

    return decorator


def kick() -> None:
    """Wake the delivery worker (a message was queued, or a bot connected)."""
    _kick.set()


async def wait_for_kick(timeout: float) -> None:
    try:
        await asyncio.wait_for(_kick.wait(), timeout)
    except TimeoutError:
        pass
    _kick.clear()


async def enqueue(
    target: int,
    text: str,
    *,
    category: str,
    target_type: str = "private",
    bulk: bool = True,
    dedup_key: str | None = None,
    bot_id: int | None = None,
    not_before: datetime | None = None,
    ref_id: int | None = None,
) -> OutboxMessage | None:
    """Queue a message; None when `dedup_key` was queued before (sent once, ever)."""
    now = clock.now()
    try:
        message = await OutboxMessage.create(
            target_type=target_type,
            target=target,
            text=text,
            category=category,
            bulk=bulk,
            dedup_key=dedup_key,
            bot_id=bot_id,
            ref_id=ref_id,
            not_before=not_before or now,
            created_at=now,
        )
    except IntegrityError:
        if dedup_key is None:
            raise
        return None
    kick()
    return message


def in_quiet_hours(instant: datetime) -> bool:
    s = _settings
    return s.outbox_quiet_start != s.outbox_quiet_end and clock.in_window(
        instant, s.outbox_quiet_start, s.outbox_quiet_end
    )


async def deliver_due(bots: list[Bot] | None = None) -> int:
    """Send what is due now within every limit; returns how many were sent."""
    if bots is None:
        from plugins.core.bots import connected_bots

        bots = connected_bots()
    if not bots:
        return 0
    async with _lock:
        return await _deliver(bots)


async def _deliver(bots: list[Bot]) -> int:
    now = clock.now()
    if in_quiet_hours(now):
        return 0
    s = _settings
    await OutboxMessage.filter(status="sending", claimed_at__lt=now - STALE_CLAIM).update(
        status="pending"
    )
    due = await OutboxMessage.filter(status="pending", not_before__lte=now).order_by("id").limit(SCAN)
    if not due:
        return 0
    today = clock.day_start(now)
    by_id = {int(b.self_id): b for b in bots}
    sent_today = await _counts("sent_by", today, list(by_id))
    private_targets = [m.target for m in due if m.target_type == "private"]
    received = await _counts("target", today, private_targets, bulk_private=True)
    staff = await _staff(private_targets)
    sent = 0
    for message in due:
        bot = _choose_bot(message, by_id, sent_today, now)
        if bot is None:
            continue
        bot_id = int(bot.self_id)
        if message.target_type == "private" and message.bulk:
            cap = s.outbox_staff_daily_limit if message.target in staff else s.outbox_youth_daily_limit
            if received.get(message.target, 0) >= cap:
                # Not again today: skip it cheaply until local midnight.
                await OutboxMessage.filter(id=message.id, status="pending").update(
                    not_before=clock.day_start(now + timedelta(days=1))
                )
                continue
        if not _pace_allows(bot_id, now):
            continue
        claimed = await OutboxMessage.filter(id=message.id, status="pending").update(
            status="sending", claimed_at=now
        )
        if not claimed:
            continue  # another process took it
        ok = await _send(bot, message, now)
        if ok:
            sent += 1
            sent_today[bot_id] = sent_today.get(bot_id, 0) + 1
            _recent.setdefault(bot_id, deque()).append(now)
            if message.target_type == "private" and message.bulk:
                received[message.target] = received.get(message.target, 0) + 1
    return sent


def _choose_bot(
    message: OutboxMessage, by_id: dict[int, Bot], sent_today: dict[int, int], now: datetime
) -> Bot | None:
    limit = _settings.outbox_bot_daily_limit
    if message.bot_id is not None and message.bot_id in by_id:
        return by_id[message.bot_id] if sent_today.get(message.bot_id, 0) < limit else None
    if message.bot_id is not None and now - message.created_at < PREFERRED_BOT_GRACE:
        return None  # its own account may be connected to another process
    for bot_id, bot in by_id.items():
        if sent_today.get(bot_id, 0) < limit:
            return bot
    return None


def _pace_allows(bot_id: int, now: datetime) -> bool:
    minute = timedelta(minutes=1)
    window = deque(t for t in _recent.get(bot_id, ()) if timedelta(0) <= now - t < minute)
    _recent[bot_id] = window
    return len(window) < _settings.outbox_per_minute


def reset_pacing() -> None:
    """Forget recent sends (tests move the clock backwards between cases)."""
    _recent.clear()


async def _send(bot: Bot, message: OutboxMessage, now: datetime) -> bool:
    try:
        if message.target_type == "group":
            result = await bot.send_group_msg(group_id=message.target, message=plain(message.text))
        else:
            result = await bot.send_private_msg(user_id=message.target, message=plain(message.text))
    except Exception as e:
        metrics.OUTBOX_SEND_FAILURES.inc()
        attempts = message.attempts + 1
        failed = attempts >= _settings.outbox_max_attempts
        backoff = timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))
        await OutboxMessage.filter(id=message.id).update(
            status="failed" if failed else "pending",
            attempts=attempts,
            last_error=repr(e)[:200],
            not_before=now + backoff,
            claimed_at=None,
        )
        logger.warning(f"outbox #{message.id} ({message.category}) not delivered: {e!r}")
        return False
    metrics.OUTBOX_SENT.inc()
    await OutboxMessage.filter(id=message.id).update(
        status="sent", sent_at=clock.now(), sent_by=int(bot.self_id), attempts=message.attempts + 1
    )
    hook = _sent_hooks.get(message.category)
    if hook is not None:
        try:
            await hook(message, int(bot.self_id), result)
        except Exception as e:
            logger.opt(exception=e).warning(f"after-send hook for {message.category} failed")
    return True


async def _counts(
    column: str, since: datetime, keys: list[int], *, bulk_private: bool = False
) -> dict[int, int]:
    """Messages sent today, per sending account or per private recipient (one GROUP BY)."""
    if not keys:
        return {}
    query = OutboxMessage.filter(status="sent", sent_at__gte=since, **{f"{column}__in": keys})
    if bulk_private:
        query = query.filter(target_type="private", bulk=True)
    rows = await query.annotate(n=Count("id")).group_by(column).values(column, "n")
    return {r[column]: r["n"] for r in rows}


async def _staff(qqs: list[int]) -> set[int]:
    if not qqs:
        return set()
    cadres = await Cadre.filter(qq__in=qqs).values_list("qq", flat=True)
    admins = await Admin.filter(qq__in=qqs).values_list("qq", flat=True)
    return set(cadres) | set(admins)


async def status_counts() -> dict[str, int]:
    """Queue state for /发件箱: waiting, failed, and sent today."""
    now = clock.now()
    rows = await OutboxMessage.filter(status__in=["pending", "sending", "failed"]).annotate(
        n=Count("id")
    ).group_by("status").values("status", "n")
    counts = {r["status"]: r["n"] for r in rows}
    counts["sent_today"] = await OutboxMessage.filter(
        status="sent", sent_at__gte=clock.day_start(now)
    ).count()
    return counts
