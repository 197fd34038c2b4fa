"""Lists of cases for /诉求 列表 and the problem list: overdue first everywhere."""

from datetime import datetime

from models import Cadre, Case, CaseEvent
from models.enums import CaseStatus
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.identity.orgs import subtree_q
from plugins.requests import sla

IN_HAND_LIMIT = 500  # oldest first, so the overdue ones are always among them

async def history(case: Case, limit: int = 20) -> list[CaseEvent]:
    events = await CaseEvent.filter(case_id=case.id).order_by("-id").limit(limit)
    return list(reversed(events))


def urgent_open(case: Case) -> bool:
    """An urgent case not yet closed: first in every list."""
    return case.urgent and case.status != CaseStatus.closed


def _sort_key(case: Case, now: datetime) -> tuple:
    """Urgent first, then overdue, awaiting an answer, waiting on the youth, answered; oldest first."""
    order = {CaseStatus.open: 1, CaseStatus.waiting: 2, CaseStatus.answered: 3, CaseStatus.closed: 4}
    rank = order.get(CaseStatus(case.status), 5)
    return (not urgent_open(case), 0 if sla.is_overdue(case, now) else rank, case.created_at)


def overdue_first(found: list[Case]) -> list[Case]:
    """The same cases, urgent then overdue ones first (stable otherwise)."""
    now = clock.now()
    return sorted(found, key=lambda c: (not urgent_open(c), not sla.is_overdue(c, now)))


async def youth_cases(qq: int, limit: int = 20) -> list[Case]:
    """The youth's latest cases: overdue, then still open (newest first), then closed."""
    found = await Case.filter(youth_qq=qq).order_by("-id").limit(limit).prefetch_related("cadre__org", "org")
    return overdue_first(sorted(found, key=lambda c: c.status == CaseStatus.closed))


async def assigned_cases(cadre: Cadre, closed_limit: int = 5) -> list[Case]:
    """Every case still in hand (overdue first), then the latest closed ones."""
    now = clock.now()
    active = (
        await Case.filter(cadre_id=cadre.id, status__not=CaseStatus.closed)
        .order_by("created_at")
        .limit(IN_HAND_LIMIT)
        .prefetch_related("cadre__org", "org")
    )
    closed = (
        await Case.filter(cadre_id=cadre.id, status=CaseStatus.closed)
        .order_by("-closed_at")
        .limit(closed_limit)
        .prefetch_related("cadre__org", "org")
    )
    return sorted(active, key=lambda c: _sort_key(c, now)) + list(closed)


async def unassigned_cases(actor: Actor) -> list[Case]:
    """Open cases without a cadre in the administrator's subtree (overdue first)."""
    if not actor.is_admin:
        return []
    query = Case.filter(cadre_id__isnull=True, status__not=CaseStatus.closed)
    cond = subtree_q(actor.subtree_roots(), "org__path")
    if cond is not None:
        query = query.filter(cond)
    now = clock.now()
    cases = await query.order_by("created_at").limit(IN_HAND_LIMIT).prefetch_related("org")
    return sorted(cases, key=lambda c: _sort_key(c, now))
