"""What /退出 全部 does to spot checks and surveys: answers stay, identities go."""

from datetime import timedelta

from models import SpotCheckQuestion, SurveyQuestion
from plugins.core import clock
from plugins.evaluation import awaiting


async def anonymise(qq: int, youth_id: int | None) -> bool:
    awaiting.discard(qq)
    spot = await SpotCheckQuestion.filter(youth_qq=qq).update(youth_qq=None)
    survey = await SurveyQuestion.filter(youth_qq=qq).update(youth_qq=None)
    return bool(spot or survey)


async def expire_identities(days: int) -> int:
    """Retention: spot-check and survey answers older than `days` stay, anonymous."""
    cutoff = clock.now() - timedelta(days=days)
    spot = await SpotCheckQuestion.filter(asked_at__lt=cutoff, youth_qq__isnull=False).update(youth_qq=None)
    survey = await SurveyQuestion.filter(asked_at__lt=cutoff, youth_qq__isnull=False).update(youth_qq=None)
    return spot + survey
