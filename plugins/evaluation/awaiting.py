"""Who the bot is waiting on for an answer (spot check or survey), kept in memory.

Every private message asks, so this must not query; it is filled when
questions are sent and reloaded periodically (other processes send too).
"""

from datetime import timedelta
from typing import cast

from models import SpotCheckQuestion, SurveyQuestion
from plugins.core import clock

_waiting: set[int] = set()


def wants(qq: int) -> bool:
    return qq in _waiting


def add(qqs: list[int]) -> None:
    _waiting.update(qqs)


def discard(qq: int) -> None:
    _waiting.discard(qq)


async def refresh(days: int) -> None:
    since = clock.now() - timedelta(days=days)
    spot = await SpotCheckQuestion.filter(answered_at__isnull=True, asked_at__gte=since, youth_qq__isnull=False).values_list("youth_qq", flat=True)
    survey = await SurveyQuestion.filter(answered_at__isnull=True, asked_at__gte=since, youth_qq__isnull=False).values_list("youth_qq", flat=True)
    _waiting.clear()
    _waiting.update(cast(list[int], spot))
    _waiting.update(cast(list[int], survey))


def clear() -> None:
    _waiting.clear()
