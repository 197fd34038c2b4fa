"""Enqueue unsolicited messages and deliver them within budget and outside quiet hours.

Every plugin sends reminders, notices, surveys and spot checks through
`enqueue`; `deliver_due` is the only place they leave. Several bot processes
may share the queue: a message is claimed with a conditional UPDATE before it
is sent, so it goes out once.

A private message takes the path QQ allows (friends.py keeps who is whose friend):

1. to a friend of a connected account: a plain private message;
2. to anyone else: a temporary session (`send_private_msg` with the `group_id`)
   through a bound group both are in, sent by the account in that group,
   preferring the group the message concerns (`enqueue(group_id=...)`: the
   case's source group, the invitation's shared group). NapCat needs the
   group: without it `createContext` (packages/napcat-onebot/action/msg/
   SendMsg.ts) falls back to a C2C send, which QQ drops for strangers;
3. when neither is possible (no shared group, or QQ refused the temporary
   session), the text is kept in the person's inbox (InboxMessage, read with
   /消息) and one @-mention a day goes to a shared bound group, itself an
   outbox message within the same budgets and quiet hours.

An answer from the OneBot side that the send failed is a refusal: retried with
backoff (a temporary session: to the inbox at once). No answer (the adapter's
API timeout, or the connection lost while waiting) means the outcome is
unknown: QQ may have delivered it. Before trying again, the same account reads
the chat's recent history (`get_friend_msg_history` / `get_group_msg_history`,
as NapCat, Lagrange.OneBot and LLOneBot offer) for the bot's own message with
the same text sent since the attempt; found, it is recorded as sent. An
implementation that cannot tell leaves the message `unknown`: never resent on
its own, counted in /发件箱.
"""

import asyncio
import re
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from nonebot.adapters.onebot.v11 import Bot, Message, MessageSegment
from nonebot.exception import ActionFailed, NetworkError
from nonebot.log import logger
from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from models import Admin, BotAccount, BoundGroup, Cadre, GroupMember, InboxMessage, OutboxMessage
from models.enums import OutboxStatus
from plugins.core import clock, metrics
from plugins.core.text import plain
from plugins.outbox import friends
from plugins.outbox.config import settings

STALE_CLAIM = timedelta(minutes=5)
PREFERRED_BOT_GRACE = timedelta(hours=1)
UNKNOWN_AFTER = timedelta(days=1)
"""A timed-out message whose account never comes back to check is marked unknown."""
SCAN = 200
HISTORY_COUNT = 20
CLOCK_SKEW = timedelta(minutes=2)
"""Tolerance between this machine's clock and the OneBot side's message times."""
MENTION = "联青有 {n} 条消息给你，加我为好友或私聊我发送 /消息 查看"

_kick = asyncio.Event()
_lock = asyncio.Lock()
_recent: dict[int, deque[datetime]] = {}
SentHook = Callable[[OutboxMessage, int, Any], Awaitable[None]]
_sent_hooks: dict[str, SentHook] = {}


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
    group_id: int | None = None,
    urgent: bool = False,
) -> OutboxMessage | None:
    """Queue a message; None when `dedup_key` was queued before (sent once, ever).

    `group_id`: the bound group the message concerns; a temporary session to a
    non-friend goes through it when both are in it.
    `urgent`: only for urgent cases (plugins/requests/urgent.py): sent first, also in
    quiet hours, past every daily cap and the per-minute pace."""
    now = clock.now()
    try:
        # A savepoint inside the caller's transaction: on PostgreSQL a duplicate key
        # would otherwise abort the whole transaction, not just this insert.
        async with in_transaction():
            message = await OutboxMessage.create(
                target_type=target_type,
                target=target,
                text=text,
                category=category,
                bulk=bulk,
                dedup_key=dedup_key,
                bot_id=bot_id,
                ref_id=ref_id,
                group_id=group_id,
                urgent=urgent,
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
    s = settings()
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


@dataclass
class Plan:
    """How one message goes out this round."""

    bot: Bot | None
    via: str  # group | mention | private | temp | inbox
    group_id: int | None = None


Reach = dict[int, list[tuple[int, int]]]
"""QQ -> the bound groups they are a member of, as (group_id, the account in it)."""


async def _deliver(bots: list[Bot]) -> int:
    now = clock.now()
    quiet = in_quiet_hours(now)
    s = settings()
    await OutboxMessage.filter(status=OutboxStatus.sending, claimed_at__lt=now - STALE_CLAIM).update(
        status=OutboxStatus.pending
    )
    pending = OutboxMessage.filter(status=OutboxStatus.pending, not_before__lte=now)
    if quiet:  # only urgent cases' notices go out in quiet hours
        pending = pending.filter(urgent=True)
    due = await pending.order_by("-urgent", "id").limit(SCAN)
    if not due:
        return 0
    today = clock.day_start(now)
    by_id = {int(b.self_id): b for b in bots}
    private_targets = [m.target for m in due if m.target_type == "private"]
    if private_targets:
        for bot in bots:
            await friends.ensure(bot)
    sent_today = await _counts("sent_by", today, list(by_id))
    received = await _counts("target", today, private_targets, bulk_private=True)
    staff = await _staff(private_targets)
    reach = await _reach(private_targets)
    elsewhere = bool(private_targets) and await BotAccount.exclude(self_id__in=list(by_id)).exists()
    sent = 0
    for message in due:
        if message.attempted_at is not None:
            bot = await _settle_unknown(message, by_id, now, reach.get(message.target, []))
            if bot is None:
                continue  # settled (sent or unknown), or its account is not here
        plan = _plan(message, by_id, {} if message.urgent else sent_today, reach, now, elsewhere)
        if plan is None:
            continue
        if plan.via == "inbox":
            await _to_inbox(message, reach.get(message.target, []), "没有可用的私聊途径")
            continue
        assert plan.bot is not None
        bot_id = int(plan.bot.self_id)
        if message.target_type == "private" and message.bulk and not message.urgent:
            cap = s.outbox_staff_daily_limit if message.target in staff else s.outbox_youth_daily_limit
            if received.get(message.target, 0) >= cap:
                # Not again today: skip it cheaply until local midnight.
                await OutboxMessage.filter(id=message.id, status=OutboxStatus.pending).update(
                    not_before=clock.day_start(now + timedelta(days=1))
                )
                continue
        if not message.urgent and not _pace_allows(bot_id, now):
            continue
        claimed = await OutboxMessage.filter(id=message.id, status=OutboxStatus.pending).update(
            status=OutboxStatus.sending, claimed_at=now
        )
        if not claimed:
            continue  # another process took it
        ok = await _send(plan, message, now, reach.get(message.target, []))
        if ok:
            sent += 1
            sent_today[bot_id] = sent_today.get(bot_id, 0) + 1
            _recent.setdefault(bot_id, deque()).append(now)
            if message.target_type == "private" and message.bulk:
                received[message.target] = received.get(message.target, 0) + 1
    return sent


async def reachable(qq: int) -> bool:
    """Whether a private message to `qq` has a path: a friend (or an account that does not
    tell) among the connected accounts, or a bound group both are in."""
    from plugins.core.bots import connected_bots

    bot_ids = [int(b.self_id) for b in connected_bots()]
    if not bot_ids or any(friends.status(b, qq) is not False for b in bot_ids):
        return True  # a friend, or nobody here can tell
    return bool(await _reach([qq]))


async def _reach(qqs: list[int]) -> Reach:
    """The bound groups each person is in, with the account in each (two queries)."""
    if not qqs:
        return {}
    rows = await GroupMember.filter(qq__in=list(set(qqs))).values_list("qq", "group_id")
    accounts = dict(
        await BoundGroup.filter(group_id__in=list({g for _, g in rows})).values_list("group_id", "bot_id")
    )
    reach: Reach = {}
    for qq, group_id in sorted(rows):
        if group_id in accounts:
            reach.setdefault(qq, []).append((group_id, accounts[group_id]))
    return reach


def _plan(
    message: OutboxMessage,
    by_id: dict[int, Bot],
    sent_today: dict[int, int],
    reach: Reach,
    now: datetime,
    elsewhere: bool = False,
) -> Plan | None:
    """The path for one message this round; None: not this round.

    `elsewhere`: other accounts are known (bot_account) that are not connected here."""
    if message.target_type != "private":
        bot = _choose_bot(message, by_id, sent_today, now)
        return Plan(bot, message.target_type, message.group_id) if bot is not None else None
    limit = settings().outbox_bot_daily_limit
    qq = message.target
    if message.bot_id is not None and message.bot_id not in by_id and now - message.created_at < PREFERRED_BOT_GRACE:
        return None  # its own account may be connected to another process
    order = sorted(by_id, key=lambda b: b != message.bot_id)
    # 1. A friend of a connected account: plain private.
    for bot_id in order:
        if friends.status(bot_id, qq) is True:
            return Plan(by_id[bot_id], "private") if sent_today.get(bot_id, 0) < limit else None
    # 2. A shared bound group whose account is here: a temporary session, the group the
    #    message concerns first, then the preferred account's groups.
    shared = reach.get(qq, [])
    here = [(g, b) for g, b in shared if b in by_id]
    if here:
        here.sort(key=lambda gb: (gb[0] != message.group_id, gb[1] != message.bot_id))
        group_id, bot_id = here[0]
        return Plan(by_id[bot_id], "temp", group_id) if sent_today.get(bot_id, 0) < limit else None
    # 3. An account that cannot tell its friends: try a plain private message.
    for bot_id in order:
        if friends.status(bot_id, qq) is None:
            return Plan(by_id[bot_id], "private") if sent_today.get(bot_id, 0) < limit else None
    # 4. Only accounts of other processes share a group with them: give those a while.
    if shared and now - message.created_at < PREFERRED_BOT_GRACE:
        return None
    if elsewhere and now - message.created_at < PREFERRED_BOT_GRACE:
        return None  # an account of another process may have them as a friend: let it try
    return Plan(None, "inbox")


def _choose_bot(
    message: OutboxMessage, by_id: dict[int, Bot], sent_today: dict[int, int], now: datetime
) -> Bot | None:
    limit = settings().outbox_bot_daily_limit
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
    return len(window) < settings().outbox_per_minute


def reset_pacing() -> None:
    """Forget recent sends (tests move the clock backwards between cases)."""
    _recent.clear()


async def _send(plan: Plan, message: OutboxMessage, now: datetime, shared: list[tuple[int, int]]) -> bool:
    bot = plan.bot
    assert bot is not None
    bot_id = int(bot.self_id)
    started = datetime.now(UTC)  # wall clock: compared with the OneBot side's message times
    try:
        if plan.via == "group":
            result = await bot.send_group_msg(group_id=message.target, message=plain(message.text))
        elif plan.via == "mention":
            waiting = await InboxMessage.filter(qq=message.target).count()
            if not waiting:  # read with /消息 before the mention went out
                await OutboxMessage.filter(id=message.id).update(status=OutboxStatus.dropped, claimed_at=None)
                return False
            result = await bot.send_group_msg(
                group_id=message.group_id, message=mention_message(message.target, waiting)
            )
        elif plan.via == "temp":
            # The adapter's typed method has no group_id; the call is the same action.
            result = await bot.call_api(
                "send_private_msg", user_id=message.target, group_id=plan.group_id, message=plain(message.text)
            )
        else:
            result = await bot.send_private_msg(user_id=message.target, message=plain(message.text))
    except ActionFailed as e:
        if _unconfirmed(e):
            # NapCat gave up waiting for QQ's confirmation: it may still arrive (NapCatQQ#1772).
            if plan.via == "private":
                friends.mark_stale(bot_id)  # also what a C2C send to a non-friend looks like
            await _retry_later(message, now, e, attempted_at=started, attempted_by=bot_id, plan=plan)
            return False
        # The OneBot side answered: not delivered.
        if plan.via == "temp":
            await _to_inbox(message, shared, f"临时会话被拒绝：{_short(e)}")
            logger.warning(f"outbox #{message.id}: temporary session refused, kept in the inbox: {e!r}")
            return False
        if plan.via == "private":
            friends.mark_stale(bot_id)  # perhaps no longer a friend: reload before the next try
        await _retry_later(message, now, e)
        return False
    except NetworkError as e:
        # No answer: QQ may have delivered it. Look before sending again.
        await _retry_later(message, now, e, attempted_at=started, attempted_by=bot_id, plan=plan)
        return False
    except Exception as e:  # e.g. the connection was already closed: nothing went out
        await _retry_later(message, now, e)
        return False
    await _mark_sent(message, bot_id, plan)
    await _after_sent(message, bot_id, result)
    return True


async def _after_sent(message: OutboxMessage, bot_id: int, result: Any) -> None:
    hook = _sent_hooks.get(message.category)
    if hook is not None:
        try:
            await hook(message, bot_id, result)
        except Exception as e:
            logger.opt(exception=e).warning(f"after-send hook for {message.category} failed")


def mention_message(qq: int, waiting: int) -> Message:
    """The @-mention of someone with waiting messages: a real at segment (QQ shows their
    name from it; no name is ever taken from what users typed) and fixed text."""
    return MessageSegment.at(qq) + MessageSegment.text(" " + MENTION.format(n=waiting))


def _unconfirmed(e: ActionFailed) -> bool:
    """NapCat's answer when QQ did not confirm the send within its timeout
    ("Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg …",
    packages/napcat-core/helper/event.ts callNormalEventV2): the outcome is unknown."""
    return _message_of(e).startswith("Timeout:") and "sendMsg" in _message_of(e)


def _message_of(e: Exception) -> str:
    info = getattr(e, "info", None)
    return str(info.get("message") or info.get("wording") or "") if isinstance(info, dict) else ""


_QQ_RESULT = re.compile(r'"result":\s*(-?\d+),\s*"errMsg":\s*"([^"]*)"')


def _short(e: Exception) -> str:
    """The reason in a refusal: QQ's own result and wording when NapCat passes them on
    (`EventChecker Failed: … EventRet: {"result": 103, "errMsg": "…"}`, helper/event.ts)."""
    text = _message_of(e)
    qq = _QQ_RESULT.search(text)
    if qq and qq.group(2):
        return f"{qq.group(1)} {qq.group(2)}"[:120]
    return (text or repr(e))[:120]


async def _mark_sent(message: OutboxMessage, bot_id: int, plan: Plan) -> None:
    changes: dict[str, Any] = {"via": plan.via} if plan.via in ("private", "temp") else {}
    if plan.via == "temp":
        changes["group_id"] = plan.group_id
    await OutboxMessage.filter(id=message.id).update(
        status=OutboxStatus.sent, sent_at=clock.now(), sent_by=bot_id, attempts=message.attempts + 1,
        attempted_at=None, attempted_by=None, claimed_at=None, **changes,
    )
    metrics.OUTBOX_SENT.inc()


async def _retry_later(
    message: OutboxMessage,
    now: datetime,
    error: Exception,
    *,
    attempted_at: datetime | None = None,
    attempted_by: int | None = None,
    plan: Plan | None = None,
) -> None:
    """Back off; after OUTBOX_MAX_ATTEMPTS a refused message is failed, an unanswered one unknown."""
    attempts = message.attempts + 1
    exhausted = attempts >= settings().outbox_max_attempts
    backoff = timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))
    changes: dict[str, Any] = {}
    if attempted_at is not None:
        changes = {"attempted_at": attempted_at, "attempted_by": attempted_by}
        if plan is not None and plan.via == "temp":
            changes.update(via="temp", group_id=plan.group_id)  # how it was tried
    unknown = attempted_at is not None or message.attempted_at is not None
    metrics.OUTBOX_SEND_FAILURES.inc()
    await OutboxMessage.filter(id=message.id).update(
        status=(OutboxStatus.unknown if unknown else OutboxStatus.failed) if exhausted else OutboxStatus.pending,
        attempts=attempts,
        last_error=repr(error)[:200],
        not_before=now + backoff,
        claimed_at=None,
        **changes,
    )
    logger.warning(f"outbox #{message.id} ({message.category}) not delivered: {error!r}")


async def _to_inbox(message: OutboxMessage, shared: list[tuple[int, int]], reason: str) -> None:
    """Keep the text for /消息 and queue today's @-mention in a bound group both share."""
    now = clock.now()
    qq = message.target
    async with in_transaction():
        moved = await OutboxMessage.filter(id=message.id, status__in=(OutboxStatus.pending, OutboxStatus.sending)).update(
            status=OutboxStatus.inboxed, via="inbox", claimed_at=None, last_error=reason[:200]
        )
        if not moved:
            return  # another process took it
        await InboxMessage.create(qq=qq, text=message.text, category=message.category, created_at=now)
        if shared:
            group_id, bot_id = sorted(shared, key=lambda gb: gb[0] != message.group_id)[0]
            await enqueue(
                qq,
                MENTION,
                category="inbox_mention",
                target_type="mention",
                bulk=False,
                dedup_key=f"inbox:{qq}:{clock.today().isoformat()}",
                bot_id=bot_id,
                group_id=group_id,
            )


async def _settle_unknown(
    message: OutboxMessage, by_id: dict[int, Bot], now: datetime, shared: list[tuple[int, int]]
) -> Bot | None:
    """A message whose last send timed out: was it delivered after all?

    Returns the account to send it again with, or None (settled, or wait). A temporary
    session that did not arrive is not tried again: QQ dropped it, so it goes to the inbox."""
    bot = by_id.get(message.attempted_by or 0)
    if bot is None:
        if now - message.created_at >= UNKNOWN_AFTER:
            await OutboxMessage.filter(id=message.id, status=OutboxStatus.pending).update(status=OutboxStatus.unknown)
        return None  # its account is not connected here: it checks when it is
    if not await OutboxMessage.filter(id=message.id, status=OutboxStatus.pending).update(status=OutboxStatus.sending, claimed_at=now):
        return None  # another process is looking
    try:
        found = await _in_history(bot, message)
    except NetworkError as e:  # still no answer: look again later
        await _retry_later(message, now, e)
        return None
    if found is None:
        await OutboxMessage.filter(id=message.id).update(status=OutboxStatus.unknown, claimed_at=None)
        logger.warning(f"outbox #{message.id}: outcome unknown and history unavailable; not resent")
        return None
    if isinstance(found, dict):
        await OutboxMessage.filter(id=message.id).update(
            status=OutboxStatus.sent, sent_at=clock.now(), sent_by=int(bot.self_id),
            attempted_at=None, attempted_by=None, claimed_at=None,
        )
        logger.warning(f"outbox #{message.id}: the timed-out send had been delivered; not resent")
        await _after_sent(message, int(bot.self_id), {"message_id": found.get("message_id")})
        return None
    if message.target_type == "private" and message.via == "temp":
        await _to_inbox(message, shared, "临时会话未送达")
        return None
    await OutboxMessage.filter(id=message.id).update(
        status=OutboxStatus.pending, claimed_at=None, attempted_at=None, attempted_by=None
    )
    message.attempted_at = message.attempted_by = None
    return bot


async def _in_history(bot: Bot, message: OutboxMessage) -> dict[str, Any] | bool | None:
    """The bot's message with this text in the chat's recent history, sent since the
    attempt; False when it is not there; None when the implementation cannot tell."""
    try:
        if message.target_type == "private":
            data = await bot.call_api("get_friend_msg_history", user_id=message.target, count=HISTORY_COUNT)
        else:
            group_id = message.group_id if message.target_type == "mention" else message.target
            data = await bot.call_api("get_group_msg_history", group_id=group_id, count=HISTORY_COUNT)
    except ActionFailed as e:
        # NapCat reports a chat without messages as an error, "消息undefined不存在"
        # (packages/napcat-onebot/action/go-cqhttp/GetFriendMsgHistory.ts).
        return False if "不存在" in _short(e) else None
    items = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    assert message.attempted_at is not None
    since = (message.attempted_at - CLOCK_SKEW).timestamp()
    self_id = int(bot.self_id)
    return next(
        (item for item in items if isinstance(item, dict) and _is_this(item, message, self_id, since)),
        False,
    )


def _as_message(raw: Any) -> Message:
    """A history entry's message: a segment array, or a CQ-code string (messagePostFormat)."""
    if isinstance(raw, str):
        return Message(raw)
    if isinstance(raw, dict):
        raw = [raw]
    return Message(MessageSegment(type=seg["type"], data=seg.get("data") or {}) for seg in raw or [])


def _is_this(item: dict[str, Any], message: OutboxMessage, self_id: int, since: float) -> bool:
    sender = item.get("sender")
    if not isinstance(sender, dict):
        sender = {}
    author = item.get("user_id") or sender.get("user_id")
    try:
        if int(author or 0) != self_id or float(item.get("time") or 0) < since:
            return False
        content = _as_message(item.get("message"))
    except (TypeError, ValueError, KeyError, AttributeError):
        return False
    text = content.extract_plain_text().strip()
    if message.target_type == "mention":
        return "条消息给你" in text and any(
            seg.type == "at" and str(seg.data.get("qq")) == str(message.target) for seg in content
        )
    return text == message.text.strip()


async def _counts(
    column: str, since: datetime, keys: list[int], *, bulk_private: bool = False
) -> dict[int, int]:
    """Messages sent today, per sending account or per private recipient (one GROUP BY)."""
    if not keys:
        return {}
    query = OutboxMessage.filter(status=OutboxStatus.sent, sent_at__gte=since, **{f"{column}__in": keys})
    if bulk_private:
        query = query.filter(target_type="private", bulk=True)
    rows = await query.annotate(n=Count("id")).group_by(column).values(column, "n")
    return {r[column]: r["n"] for r in rows}


async def _staff(qqs: list[int]) -> set[int]:
    if not qqs:
        return set()
    cadres: list[int] = await Cadre.filter(qq__in=qqs).values_list("qq", flat=True)  # type: ignore[assignment]
    admins: list[int] = await Admin.filter(qq__in=qqs).values_list("qq", flat=True)  # type: ignore[assignment]
    return set(cadres) | set(admins)


async def status_counts() -> dict[str, int]:
    """Queue state for /发件箱: waiting, failed, unknown, sent today, and waiting in inboxes."""
    now = clock.now()
    rows = await OutboxMessage.filter(status__in=[OutboxStatus.pending, OutboxStatus.sending, OutboxStatus.failed, OutboxStatus.unknown]).annotate(
        n=Count("id")
    ).group_by("status").values("status", "n")
    counts = {r["status"]: r["n"] for r in rows}
    counts["sent_today"] = await OutboxMessage.filter(
        status=OutboxStatus.sent, sent_at__gte=clock.day_start(now)
    ).count()
    counts["inbox"] = await InboxMessage.all().count()
    return counts


async def purge_old(days: int) -> int:
    """Retention: messages sent, failed, of unknown outcome, moved to the inbox or dropped,
    older than `days`, are deleted (text and recipient)."""
    cutoff = clock.now() - timedelta(days=days)
    sent = await OutboxMessage.filter(status=OutboxStatus.sent, sent_at__lt=cutoff).delete()
    failed = await OutboxMessage.filter(
        status__in=[OutboxStatus.failed, OutboxStatus.unknown, OutboxStatus.inboxed, OutboxStatus.dropped], created_at__lt=cutoff
    ).delete()
    return sent + failed
