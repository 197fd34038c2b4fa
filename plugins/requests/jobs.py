"""The periodic service-level check: remind once at 48 hours, escalate at 5 days.

Idempotent, so every bot process may run it: each step is a conditional UPDATE
(reminded_at / escalated_at still NULL) and its outbox messages carry dedup keys.
"""

from datetime import timedelta

from nonebot.log import logger
from tortoise.transactions import in_transaction

from models import Case, CaseEvent
from plugins.core import clock
from plugins.core.errors import Conflict
from plugins.outbox import enqueue
from plugins.requests import access, cases, exports, notices, sla

BATCH = 500


async def remind_due() -> int:
    """Remind the handler of each case past the first-answer level, once per case."""
    now = clock.now()
    seconds = sla.first_answer_seconds()
    # created_at bounds the candidates; time paused waiting on the youth is checked per case.
    candidates = (
        await Case.filter(
            status="open",
            first_answer_at__isnull=True,
            reminded_at__isnull=True,
            created_at__lte=now - timedelta(seconds=seconds),
        )
        .order_by("created_at")
        .limit(BATCH)
        .prefetch_related("cadre__org", "org")
    )
    sent = 0
    for case in candidates:
        if sla.active_seconds(case, now) < seconds:
            continue
        targets = await access.handler_qqs(case)
        async with in_transaction():
            if not await Case.filter(id=case.id, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another process reminded
            await CaseEvent.create(case=case, kind="remind", actor_qq=None, text=None, created_at=now)
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
    now = clock.now()
    seconds = sla.escalate_seconds()
    days = cases.settings().requests_escalate_days
    candidates = (
        await Case.filter(
            status="open",
            first_answer_at__isnull=True,
            escalated_at__isnull=True,
            created_at__lte=now - timedelta(seconds=seconds),
        )
        .order_by("created_at")
        .limit(BATCH)
        .prefetch_related("cadre__org", "org")
    )
    done = 0
    for case in candidates:
        if sla.active_seconds(case, now) < seconds:
            continue
        try:
            await cases.escalate(case, f"超过 {days:g} 天未答复，自动上报")
        except Conflict:
            continue  # escalated meanwhile
        done += 1
    return done


async def check() -> None:
    """Run by plugins.core.schedule every REQUESTS_CHECK_SECONDS of clock time."""
    reminded = await remind_due()
    escalated = await escalate_due()
    removed = exports.remove_old()
    if reminded or escalated or removed:
        logger.info(f"requests: {reminded} reminded, {escalated} escalated, {removed} old exports removed")
