"""Plain private replies to spot checks (是/否) and surveys (1–5)."""

from datetime import timedelta

from nonebot.adapters.onebot.v11 import Bot, PrivateMessageEvent

from models import SpotCheckQuestion, SurveyQuestion
from plugins.contacts import consent
from plugins.core import clock
from plugins.core.text import plain
from plugins.evaluation import awaiting
from plugins.evaluation.config import settings

YES = {"是", "是的", "有", "对"}
NO = {"否", "不是", "没有", "不"}
PUNCTUATION = "。.！!，,～~ "


async def _open_questions(qq: int) -> tuple[SpotCheckQuestion | None, SurveyQuestion | None]:
    since = clock.now() - timedelta(days=settings().evaluation_question_days)
    spot = await SpotCheckQuestion.filter(youth_qq=qq, answered_at__isnull=True, asked_at__gte=since).order_by("-id").first()
    survey = await SurveyQuestion.filter(youth_qq=qq, answered_at__isnull=True, asked_at__gte=since).order_by("-id").first()
    return spot, survey


async def record(qq: int, text: str) -> str | None:
    """Take `text` as the answer to the person's open question; returns the reply (None: none open)."""
    spot, survey = await _open_questions(qq)
    if spot is None and survey is None:
        awaiting.discard(qq)
        return None
    answer = text.strip().strip(PUNCTUATION)
    now = clock.now()
    if spot is not None and answer in YES | NO:
        value = "yes" if answer in YES else "no"
        claimed = await SpotCheckQuestion.filter(id=spot.id, answered_at__isnull=True).update(answer=value, answered_at=now)
        reply = "谢谢，记下了你的回答。" if claimed else "你已经回答过了，谢谢。"
    elif survey is not None and answer in {"1", "2", "3", "4", "5"}:
        claimed = await SurveyQuestion.filter(id=survey.id, answered_at__isnull=True).update(rating=int(answer), answered_at=now)
        reply = "谢谢你的评分！" if claimed else "你已经打过分了，谢谢。"
    elif spot is not None:
        return "请直接回复“是”或“否”：这位团干部和你有联系吗？"
    else:
        return "请直接回复 1 到 5 之间的一个数字为团干部打分（5 分最满意）。"
    spot, survey = await _open_questions(qq)
    if spot is None and survey is None:
        awaiting.discard(qq)
    return reply


async def answer(bot: Bot, event: PrivateMessageEvent) -> bool:
    status = await consent.state(event.user_id)
    if status not in ("consented", "exempt"):
        # Nothing is stored for someone who has not (or no longer) consented.
        if status in consent.REFUSED:
            await bot.send(event, plain(consent.REFUSED[status]))
            return True
        await bot.send(event, plain(consent.notice_text() + "\n同意后请再回复一次。"))
        return True
    reply = await record(event.user_id, event.get_plaintext())
    if reply is None:
        return False
    await bot.send(event, plain(reply))
    return True
