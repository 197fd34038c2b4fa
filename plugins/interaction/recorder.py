"""Per-message recording for bound groups, in memory, written in batches.

Every group message passes `record` (a message observer, see
plugins/core/events.py); for groups that are not bound it returns after one
dict lookup and leaves no trace. For bound groups it counts the message (not
its text), notes youth messages the cadre may answer, and recognises the
cadre's answers (quote or @) as exchanges. Counters and exchanges reach the
database in `flush`, at most every few seconds and at shutdown; a topic reply
wakes the flush loop so it is written at once.

Collect the minimum: a row carries a member's QQ only when that member is the
group's cadre or a youth who consented (/同意); everyone else is counted in
the group's anonymous row (qq 0), their topic replies keep neither QQ nor
text, and exchanges with them keep the cadre, group, time and delay only.
Consent is looked up in memory per message (plugins/contacts/consented.py)
and re-checked against the database in one query per flush, so a stale cache
can never write the QQ of someone who has not consented (or has since left).

`count_plain` is the whole of the work for an ordinary message; the wire fast
path (plugins/core/wire.py) calls it straight from the received frame.
"""

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from nonebot.adapters.onebot.v11 import GroupMessageEvent, MessageEvent
from nonebot.log import logger
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import TopicReply
from plugins.contacts import cache, consented
from plugins.contacts.cache import Bound
from plugins.core import clock
from plugins.core.sql import execute_many
from plugins.core.text import is_number
from plugins.interaction import topics
from plugins.interaction.config import settings

_lock = asyncio.Lock()


@dataclass
class PendingExchange:
    cadre_id: int
    group_id: int
    youth_qq: int
    youth_message_id: int
    latency_seconds: int
    kind: str


# (group_id, qq or 0, day, cadre_id, is_cadre) -> messages since the last flush
_counts: defaultdict[tuple[int, int, date, int, bool], int] = defaultdict(int)
_exchanges: dict[tuple[int, int], PendingExchange] = {}
_replies: list[TopicReply] = []
urgent = asyncio.Event()
"""Set when something should be written now (a topic reply) rather than at the next interval."""
# (group_id, qq) -> (message_id, epoch seconds) of a youth's latest message, in memory only:
# the cadre may @ them within the answer window (the exchange keeps their QQ only with consent).
_last: dict[tuple[int, int], tuple[int, int]] = {}


def _window() -> int:
    return int(settings().interaction_answer_window_hours * 3600)


def kept_qq(qq: int, bound: Bound) -> int:
    """The QQ a row may carry for this sender: the group's cadre or a consenting youth, else 0."""
    if qq == bound.cadre_qq or consented.has_consented(qq):
        return qq
    return 0


def count_plain(group_id: int, qq: int, message_id: int, sent_at: int, bound: Bound) -> None:
    """Count one ordinary message (not a topic reply, not an answer) in a bound group."""
    is_cadre = qq == bound.cadre_qq
    _counts[(group_id, kept_qq(qq, bound), clock.today(), bound.cadre_id, is_cadre)] += 1
    if not is_cadre:
        _last[(group_id, qq)] = (message_id, sent_at)


def count_frame(group_id: int, user_id: int, message_id: int, sent_at: int, text: str) -> bool:
    """The wire's fast path (plugins/core/wire.py): an ordinary message straight from the frame.

    True when it was counted; False (the slow path's `record` decides) for an unbound group,
    the group's cadre (their messages may answer a youth) or a `#N` topic reply.
    """
    bound = cache.lookup(group_id)
    if bound is None or user_id == bound.cadre_qq or topics.topic_of(group_id, None, text) is not None:
        return False
    count_plain(group_id, user_id, message_id, sent_at, bound)
    return True


def record(event: MessageEvent) -> None:
    if not isinstance(event, GroupMessageEvent):
        return
    group_id = event.group_id
    bound = cache.lookup(group_id)
    if bound is None:
        return
    qq = event.user_id
    is_cadre = qq == bound.cadre_qq
    kept = kept_qq(qq, bound)
    _counts[(group_id, kept, clock.today(), bound.cadre_id, is_cadre)] += 1

    text = event.get_plaintext()
    reply = event.reply
    topic_id = topics.topic_of(group_id, reply.message_id if reply else None, text)
    if topic_id is not None:
        _replies.append(
            TopicReply(
                topic_id=topic_id,
                group_id=group_id,
                qq=kept,
                message_id=event.message_id,
                is_cadre=is_cadre,
                text=(topics.strip_ref(text) or "（非文字消息）") if kept else None,
                created_at=clock.now(),
            )
        )
        urgent.set()

    if is_cadre:
        _answers(event, bound.cadre_id, bound.cadre_qq)
    else:
        _last[(group_id, qq)] = (event.message_id, event.time)


def _answers(event: GroupMessageEvent, cadre_id: int, cadre_qq: int) -> None:
    """The cadre's message: each youth message it quotes or whose author it @s is answered."""
    group_id, now = event.group_id, event.time
    found: list[tuple[int, int, int, str]] = []  # youth qq, message id, sent at, kind
    reply = event.reply
    if reply is not None and reply.sender.user_id not in (None, cadre_qq, event.self_id):
        found.append((int(reply.sender.user_id), reply.message_id, reply.time, "reply"))
    for seg in event.original_message:
        if seg.type != "at":
            continue
        target = str(seg.data.get("qq", ""))
        if not is_number(target) or int(target) in (cadre_qq, event.self_id):
            continue
        last = _last.get((group_id, int(target)))
        if last is not None:
            found.append((int(target), last[0], last[1], "at"))
    for youth_qq, message_id, sent_at, kind in found:
        latency = max(0, now - sent_at)  # implementations' clocks may disagree by a second
        if latency > _window() or (group_id, message_id) in _exchanges:
            continue
        kept = youth_qq if consented.has_consented(youth_qq) else 0
        _exchanges[(group_id, message_id)] = PendingExchange(
            cadre_id, group_id, kept, message_id, latency, kind
        )


def forget(qq: int) -> None:
    """Drop what is held in memory about a person who left entirely."""
    for key in [k for k in _counts if k[1] == qq]:
        _counts[(key[0], 0, key[2], key[3], key[4])] += _counts.pop(key)
    for key in [k for k in _last if k[1] == qq]:
        del _last[key]
    for pending in _exchanges.values():
        if pending.youth_qq == qq:
            pending.youth_qq = 0
    for reply in _replies:
        if reply.qq == qq:
            reply.qq, reply.text = 0, None


async def flush() -> int:
    """Write replies, counters and exchanges; returns rows written.

    Every youth QQ about to be written is re-checked against the database in one
    query first: one who has not consented (or left meanwhile, perhaps through
    another process) is written as 0.
    """
    async with _lock:
        urgent.clear()
        if not _counts and not _exchanges and not _replies:
            _prune()
            return 0
        counts = dict(_counts)
        exchanges = list(_exchanges.values())
        replies = list(_replies)
        _counts.clear()
        _exchanges.clear()
        _replies.clear()
        try:
            counts, exchanges, replies = await _only_consenting(counts, exchanges, replies)
            replies = await _write_replies(replies)
            answered_at = clock.now()
            async with in_transaction() as conn:
                if counts:
                    # Rows of a cadre deleted meanwhile are dropped, not retried forever.
                    await execute_many(
                        "INSERT INTO message_count (group_id, qq, day, cadre_id, is_cadre, count) "
                        "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cadre WHERE id = ?) "
                        "ON CONFLICT (group_id, qq, day) "
                        "DO UPDATE SET count = message_count.count + excluded.count",
                        [[g, q, d, c, ic, n, c] for (g, q, d, c, ic), n in counts.items()],
                        conn,
                    )
                if exchanges:
                    await execute_many(
                        "INSERT INTO exchange (cadre_id, group_id, youth_qq, youth_message_id, "
                        "latency_seconds, kind, answered_at) SELECT ?, ?, ?, ?, ?, ?, ? "
                        "WHERE EXISTS (SELECT 1 FROM cadre WHERE id = ?) "
                        "ON CONFLICT (group_id, youth_message_id) DO NOTHING",
                        [
                            [e.cadre_id, e.group_id, e.youth_qq, e.youth_message_id,
                             e.latency_seconds, e.kind, answered_at, e.cadre_id]
                            for e in exchanges
                        ],
                        conn,
                    )
        except Exception:
            # Keep them for the next round rather than lose them.
            for key, n in counts.items():
                _counts[key] += n
            for e in exchanges:
                _exchanges.setdefault((e.group_id, e.youth_message_id), e)
            _replies[:0] = replies
            raise
        _prune()
        return len(counts) + len(exchanges)


async def _write_replies(replies: list[TopicReply]) -> list[TopicReply]:
    """Save each reply; returns [] (all written), or raises with the unwritten ones kept."""
    for i, reply in enumerate(replies):
        try:
            await reply.save()
        except IntegrityError:
            continue  # the same message delivered twice
        except Exception:
            _replies[:0] = replies[i:]  # database away: keep the rest for the next round
            replies.clear()
            raise
    return []


async def _only_consenting(
    counts: dict[tuple[int, int, date, int, bool], int],
    exchanges: list[PendingExchange],
    replies: list[TopicReply],
) -> tuple[dict[tuple[int, int, date, int, bool], int], list[PendingExchange], list[TopicReply]]:
    """Re-check youth QQs against the database (one query): anonymise any without consent."""
    people = (
        {k[1] for k in counts if k[1] and not k[4]}
        | {e.youth_qq for e in exchanges if e.youth_qq}
        | {r.qq for r in replies if r.qq and not r.is_cadre}
    )
    if not people:
        return counts, exchanges, replies
    ok = await consented.in_database(people)
    if ok == people:
        return counts, exchanges, replies
    merged: defaultdict[tuple[int, int, date, int, bool], int] = defaultdict(int)
    for (g, q, d, c, ic), n in counts.items():
        merged[(g, q if ic or q in ok else 0, d, c, ic)] += n
    for e in exchanges:
        if e.youth_qq not in ok:
            e.youth_qq = 0
    for r in replies:
        if not r.is_cadre and r.qq not in ok:
            r.qq, r.text = 0, None
    return dict(merged), exchanges, replies


PRUNE_PARTS = 24
"""`_last` is swept once per 1/24 of the answer window (an hour by default), not at every flush."""
_pruned_at = 0.0


def _prune(now: float | None = None) -> None:
    """Forget youth messages too old to be answered, so memory stays bounded: at most the
    messages of the answer window and of one sweep interval more.

    Why not at every flush: under overload (bench/overload.py, 50 groups of 40 youth) `_last`
    holds ~100,000 entries, and sweeping them every 5 s was 0.7 % of the bot's CPU (py-spy)
    for entries that can only expire hours later.
    """
    global _pruned_at
    now = time.time() if now is None else now  # event times are the implementation's epoch
    if now - _pruned_at < _window() / PRUNE_PARTS:
        return
    _pruned_at = now
    horizon = int(now) - _window()
    for k in [k for k, v in _last.items() if v[1] < horizon]:
        del _last[k]


async def flush_quietly() -> None:
    try:
        await flush()
    except Exception as e:
        logger.opt(exception=e).warning("interaction counters not written; kept for the next round")


def reset() -> None:
    """Forget everything held in memory (tests start each case clean)."""
    global _pruned_at
    _pruned_at = 0.0
    _counts.clear()
    _exchanges.clear()
    _replies.clear()
    _last.clear()


def pending_counts() -> int:
    return sum(_counts.values())
