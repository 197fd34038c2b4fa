"""Service levels: the first-answer clock, which pauses while a case waits on the youth."""

from datetime import datetime, timedelta

from models import Case
from models.enums import CaseStatus
from plugins.requests.config import settings


def first_answer_seconds(case: Case | None = None) -> float:
    """The first-answer service level: REQUESTS_URGENT_HOURS for an urgent case."""
    if case is not None and case.urgent:
        return settings().requests_urgent_hours * 3600
    return settings().requests_first_answer_hours * 3600


def escalate_seconds() -> float:
    return settings().requests_escalate_days * 86400


def paused_seconds(case: Case, now: datetime) -> float:
    """Time spent waiting for the youth, including a wait still going on."""
    running = (now - case.waiting_since).total_seconds() if case.waiting_since else 0.0
    return case.paused_seconds + max(0.0, running)


def active_seconds(case: Case, now: datetime) -> float:
    """How long the case has been the cadre's to answer."""
    return (now - case.created_at).total_seconds() - paused_seconds(case, now)


def awaiting_first_answer(case: Case) -> bool:
    return case.status == CaseStatus.open and case.first_answer_at is None


def is_overdue(case: Case, now: datetime) -> bool:
    """No first answer within the service level (the SQL in problems.py says the same)."""
    return awaiting_first_answer(case) and active_seconds(case, now) >= first_answer_seconds(case)


def answer_due(case: Case) -> datetime | None:
    """When the first answer is due, for an open case not waiting on the youth."""
    if not awaiting_first_answer(case):
        return None
    return case.created_at + timedelta(seconds=case.paused_seconds + first_answer_seconds(case))
