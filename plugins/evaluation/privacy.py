"""What /退出 全部 does to spot checks and surveys: answers stay, identities go."""

from models import SpotCheckQuestion, SurveyQuestion
from plugins.contacts.links import on_erase
from plugins.evaluation import awaiting


@on_erase
async def anonymise(qq: int, youth_id: int | None) -> bool:
    awaiting.discard(qq)
    spot = await SpotCheckQuestion.filter(youth_qq=qq).update(youth_qq=None)
    survey = await SurveyQuestion.filter(youth_qq=qq).update(youth_qq=None)
    return bool(spot or survey)
