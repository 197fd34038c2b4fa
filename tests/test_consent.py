"""Nothing about a youth is stored before they consent (/同意); refusals after /未满14 or /退出 全部."""

from datetime import timedelta

from nonebot.adapters.onebot.v11 import Bot
from nonebug import App

from models import (
    Activity,
    Case,
    CheckIn,
    HelpPost,
    OutboxMessage,
    SpotCheck,
    SpotCheckQuestion,
    Survey,
    SurveyQuestion,
    Youth,
)
from plugins.core import clock
from plugins.evaluation import awaiting
from tests.helpers import BOT_ID, Contains, Notice, converse, group, private
from tests.seed import HANGZHOU_ADMIN, consenting, make_cadre, seed_tree

ZHANG = 20001
KID = 50077
NOTICE = ("【个人信息说明】", "年满 14 周岁、同意的话，发 /同意")


async def setup():
    tree = await seed_tree()
    zhang = await make_cadre(ZHANG, "张三", tree.hangzhou)
    activity = await Activity.create(cadre=zhang, kind="offline", title="植树", day=clock.today(),
                                     code="246810", created_at=clock.now())
    return zhang, activity


async def stored_about(qq: int) -> list[str]:
    found = []
    if await Youth.exists(qq=qq):
        found.append("youth")
    if await Case.exists(youth_qq=qq):
        found.append("case")
    if await CheckIn.exists(qq=qq):
        found.append("check_in")
    if await HelpPost.exists(qq=qq):
        found.append("help_post")
    if await OutboxMessage.exists(target=qq):
        found.append("outbox")
    return found


async def test_a_request_from_someone_who_never_consented_is_held_until_they_agree(app: App) -> None:
    await setup()
    await consenting(50001)  # a linked youth, so the request has somewhere to go
    from plugins.contacts.links import join

    request = private(KID, "/诉求 困难 宿舍没有热水")
    await converse(app, request, Contains("办理 /诉求 要保存你的 QQ 号", *NOTICE, "接着办理刚才的 /诉求"))
    assert await stored_about(KID) == []
    # /同意 carries the held request out, in the chat it came from.
    from models import Cadre

    await join(KID, "小七", await Cadre.get(qq=ZHANG).prefetch_related("org"), source="private")
    assert await stored_about(KID) == ["youth"]  # the pending link asked nothing more than /加入 does
    async with app.test_matcher() as ctx:
        bot = ctx.create_bot(base=Bot, self_id=str(BOT_ID))
        agree = private(KID, "/同意")
        ctx.receive_event(bot, agree)
        ctx.should_call_send(agree, Contains("谢谢！你已和团干部张三（杭州市委）建立联系。"), result={"message_id": 1})
        ctx.should_call_send(request, Contains("已收到，编号 #1"), result={"message_id": 2})
    case = await Case.get(id=1)
    assert (case.youth_qq, case.content) == (KID, "宿舍没有热水")


async def test_a_check_in_before_consent_stores_nothing_and_runs_after_consent(app: App) -> None:
    _, activity = await setup()
    check_in = group(800, KID, f"/签到 {activity.code}")
    # From a group: two lines there, the notice in private (the outbox holds only that).
    await converse(
        app, check_in, Contains("办理 /签到 前，请先看个人信息说明：已私聊你。", "同意发 /同意"),
        Notice(KID, Contains("办理 /签到 要保存你的 QQ 号", *NOTICE, "接着办理刚才的 /签到")),
    )
    assert await stored_about(KID) == ["outbox"]
    assert await OutboxMessage.filter(target=KID).values_list("category", flat=True) == ["consent_notice"]
    async with app.test_matcher() as ctx:
        bot = ctx.create_bot(base=Bot, self_id=str(BOT_ID))
        agree = private(KID, "/同意")
        ctx.receive_event(bot, agree)
        ctx.should_call_send(check_in, Contains("签到成功！"), result={"message_id": 1})
    assert await CheckIn.filter(qq=KID).count() == 1
    assert (await Youth.get(qq=KID)).consented_at is not None


async def test_a_held_command_expires_and_under_14_drops_it(app: App) -> None:
    _, activity = await setup()
    await converse(app, private(KID, f"/签到 {activity.code}"), Contains(*NOTICE))
    clock.set_now(clock.now() + timedelta(minutes=11))
    await converse(app, private(KID, "/同意"), Contains("已记下你的同意", "请再发一次"))
    assert await CheckIn.all().count() == 0

    other = 50078
    await converse(app, private(other, f"/签到 {activity.code}"), Contains(*NOTICE))
    await converse(app, private(other, "/未满14"), Contains("不记你的任何信息"))
    assert await stored_about(other) == []


async def test_under_14_and_those_who_left_are_refused_politely_and_a_request_gets_the_hotline(app: App) -> None:
    _, activity = await setup()
    await converse(app, private(KID, "/未满14"), Contains("不记你的任何信息"))
    await converse(app, private(KID, "/诉求 有同学一直欺负我"), Contains("未满 14 周岁", "12355 青少年服务台"))
    await converse(app, private(KID, f"/签到 {activity.code}"), Contains("未满 14 周岁"))
    await consenting(50079)
    await converse(app, private(50079, "/退出 全部"), Contains("要删除的是"))
    await converse(app, private(50079, "/退出 全部 确认"), Contains("已删除你的全部个人信息"))
    await converse(app, private(50079, "/互助 需要 找家教"), Contains("/退出 全部", "想重新开始，发送 /同意"))
    await converse(app, private(50079, "/评价 1 5"), Contains("/退出 全部"))
    for qq in (KID, 50079):
        assert await stored_about(qq) == []


async def test_every_command_that_stores_something_asks_for_consent_first(app: App) -> None:
    await setup()
    for text in ("/诉求 食堂太贵", "/互助 需要 找家教", "/评价 1 5", "/补充 1 还有", "/签到 123456"):
        await converse(app, private(KID, text), Contains(*NOTICE))
    assert await stored_about(KID) == []


async def test_staff_need_no_youth_consent(app: App) -> None:
    _, activity = await setup()
    await converse(app, private(ZHANG, f"/签到 {activity.code}"), Contains("组织活动的团干部不需要签到"))
    await converse(app, private(HANGZHOU_ADMIN, "/诉求 列表"), Contains("你还没有诉求"))
    await converse(app, private(10001, "/互助 列表"), Contains("互助"))
    await converse(app, private(ZHANG, "/同意"), Contains("团干部、管理员不需要同意"))


async def test_a_spot_check_answer_without_consent_is_not_stored(app: App) -> None:
    zhang, _ = await setup()
    check = await SpotCheck.create(cadre=zhang, requested_by=HANGZHOU_ADMIN, sample_size=1, quarter="2026Q4",
                                   created_at=clock.now())
    await SpotCheckQuestion.create(check=check, cadre=zhang, youth_qq=KID, quarter="2026Q4", asked_at=clock.now())
    awaiting.add([KID])
    await converse(app, private(KID, "是"), Contains(*NOTICE))
    assert (await SpotCheckQuestion.get(youth_qq=KID)).answer is None


async def test_a_survey_rating_without_consent_is_not_stored(app: App) -> None:
    zhang, _ = await setup()
    survey = await Survey.create(org=zhang.org, requested_by=HANGZHOU_ADMIN, per_cadre=1, created_at=clock.now(),
                                 closes_at=clock.now() + timedelta(days=7))
    await SurveyQuestion.create(survey=survey, cadre=zhang, youth_qq=KID, asked_at=clock.now())
    awaiting.add([KID])
    await converse(app, private(KID, "5"), Contains(*NOTICE))
    assert (await SurveyQuestion.get(youth_qq=KID)).rating is None
