"""The periodic service-level check: remind once at 48 hours, escalate at 5 days.

Idempotent, so every bot process may run it: each step is a conditional UPDATE
(reminded_at / escalated_at still NULL) and its outbox messages carry dedup keys.
"""

from nonebot.log import logger
from tortoise.transactions import in_transaction

from models import Case, CaseEvent
from models.enums import CaseEventKind
from plugins.core import clock
from plugins.core.errors import Conflict
from plugins.core.records import first_time
from plugins.core.sql import epoch, fetch
from plugins.outbox import enqueue
from plugins.requests import access, cases, drafts, exports, notices, referrals, sla, urgent

BATCH = 500


async def _due(seconds: float, not_yet: str) -> list[Case]:
    """Open, unanswered cases past `seconds` of active time whose `not_yet` column is NULL.

    Waiting time is excluded in SQL, so cases paused for the youth never crowd out
    due ones from the batch.
    """
    before = clock.now().timestamp() - seconds
    rows = await fetch(
        f'SELECT id FROM "case" WHERE status = \'open\' AND first_answer_at IS NULL AND {not_yet} IS NULL '
        f"AND {epoch('created_at')} + paused_seconds <= CAST(? AS DOUBLE PRECISION) ORDER BY created_at LIMIT ?",
        before, BATCH,
    )
    ids = [r["id"] for r in rows]
    return await Case.filter(id__in=ids).order_by("created_at").prefetch_related("cadre__org", "org") if ids else []


async def remind_due() -> int:
    """Remind the handler of each case past the first-answer level, once per case."""
    now = clock.now()
    sent = 0
    for case in await _due(sla.first_answer_seconds(), "reminded_at"):
        targets = await access.handler_qqs(case)
        async with in_transaction():
            if not await first_time(case, "reminded_at", reminded_at=now):
                continue  # another process reminded
            await CaseEvent.create(case=case, kind=CaseEventKind.remind, actor_qq=None, text=None, created_at=now)
            for person in targets:
                await enqueue(
                    person,
                    notices.reminder(case, cases.settings().requests_first_answer_hours),
                    category="case_reminder",
                    dedup_key=f"case:{case.id}:reminded:{person}",
                )
        sent += 1
    return sent


async def escalate_due() -> int:
    """Escalate each case unanswered for REQUESTS_ESCALATE_DAYS of active time."""
    days = cases.settings().requests_escalate_days
    done = 0
    for case in await _due(sla.escalate_seconds(), "escalated_at"):
        try:
            await cases.escalate(case, f"超过 {days:g} 天未答复，自动上报")
        except Conflict:
            continue  # escalated meanwhile
        done += 1
    return done


async def check() -> None:
    """Run by plugins.core.schedule every REQUESTS_CHECK_SECONDS of clock time."""
    urgent_up = await urgent.escalate_due()
    reminded = await remind_due()
    escalated = await escalate_due()
    await referrals.remind_due()
    await drafts.expire()
    removed = exports.remove_old()
    if urgent_up or reminded or escalated or removed:
        logger.info(
            f"requests: {urgent_up} urgent told upward, {reminded} reminded, {escalated} escalated, "
            f"{removed} old exports removed"
        )
