"""Activities youth can join: posting, sign-up with a place limit, the day-before reminder,
no-shows, and 1-5 feedback that no score uses (nonebug, controlled clock)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from nonebug import App

from models import Activity, ActivityFeedback, BoundGroup, OutboxMessage, SignUp
from plugins.activities import setup as activities_setup
from plugins.activities import signups
from plugins.contacts import cache
from plugins.core import clock
from plugins.outbox.config import settings as outbox_settings
from tests.helpers import (
    BOT_ID,
    Contains,
    GroupNotice,
    Lacks,
    Notice,
    converse,
    deliver,
    group,
    private,
)
from tests.test_activities import ZHANG, setup

SH = ZoneInfo("Asia/Shanghai")
G = 700001
Y1, Y2, Y3 = 50001, 50002, 50003


async def bind(cadre) -> None:
    await BoundGroup.create(group_id=G, cadre=cadre, bot_id=BOT_ID, bound_by=cadre.qq, bound_at=clock.now())
    cache.put(G, cadre.id, cadre.qq)


async def reading_club_posted(app: App) -> None:
    """Zhang's bound group gets activity #1, a reading club on 12-05, posted on 12-01 at 10:00."""
    zhang, _ = await setup()
    await bind(zhang)
    clock.set_now(datetime(2026, 12, 1, 10, 0, tzinfo=SH))
    await converse(app, private(ZHANG, "/活动 线下活动 12-05 读书会 图书馆 发布"), Contains("已记录"), GroupNotice(G, Contains("读书会")))


async def jobs_at(instant: datetime) -> None:
    clock.set_now(instant)
    await activities_setup._sign_up_jobs()


async def test_post_sign_up_with_a_place_limit_and_cancel(app: App) -> None:
    zhang, _ = await setup()
    clock.set_now(datetime(2026, 12, 1, 10, 0, tzinfo=SH))
    await converse(app, private(ZHANG, "/活动 发布 1"), Contains("没有编号为 #1 的活动"))
    await converse(app, private(ZHANG, "/活动 线下活动 12-05 社区志愿服务 文三路社区"), Contains("已记录活动 #1"))
    await converse(app, private(ZHANG, "/活动 发布 1 2"), Contains("你还没有绑定群"))
    await bind(zhang)
    await converse(
        app, private(ZHANG, "/活动 发布 1 2"),
        Contains("活动 #1「社区志愿服务」已安排发到你的 1 个绑定群", "名额 2 人"),
        GroupNotice(G, Contains("【活动 #1】线下活动「社区志愿服务」", "12月5日，地点：文三路社区", "名额 2 人，还剩 2 个", "/报名 1")),
    )
    await converse(app, private(ZHANG, "/活动 发布 1 5"), Contains("已于", "发布过"))
    await converse(app, group(G, Y1, "/报名 1"), Contains("报名成功！「社区志愿服务」12月5日，地点：文三路社区", "/取消报名 1"))
    await converse(app, private(Y1, "/报名 1"), Contains("你已经报名了活动 #1"))
    await converse(app, private(Y2, "/报名 #1"), Contains("报名成功"))
    await converse(app, private(Y3, "/报名 1"), Contains("2 个名额已经报满了"))
    await converse(app, private(Y2, "/取消报名 1"), Contains("已取消报名「社区志愿服务」"))
    await converse(app, private(Y3, "/报名 1"), Contains("报名成功"))
    await converse(app, private(ZHANG, "/报名 1"), Contains("团干部不需要报名"))
    await converse(app, private(ZHANG, "/活动 列表"), Contains("#1 12月5日 线下活动「社区志愿服务」｜签到 0 人｜报名 2 人"))
    await converse(app, private(ZHANG, "/活动 1"), Contains("报名 2 人（名额 2 人，还剩 0 个）：用户50001、用户50003"))
    await converse(app, group(G, ZHANG, "/活动 1"), Contains("私聊"))
    assert (await Activity.get(id=1)).signed_up == 2
    # After the day: refused.
    clock.set_now(datetime(2026, 12, 6, 10, 0, tzinfo=SH))
    await converse(app, private(Y2, "/报名 1"), Contains("已经在 12月5日 结束了"))


async def test_record_and_post_in_one_step(app: App) -> None:
    zhang, _ = await setup()
    await bind(zhang)
    clock.set_now(datetime(2026, 12, 1, 10, 0, tzinfo=SH))
    await converse(
        app, private(ZHANG, "/活动 线下活动 12-05 读书会 图书馆 发布"),
        Contains("已记录活动 #1「读书会」", "地点：图书馆", "1 个绑定群"),
        GroupNotice(G, Contains("【活动 #1】线下活动「读书会」", "地点：图书馆", "不限人数", "/报名 1")),
    )
    assert (await Activity.get(id=1)).place == "图书馆"


async def test_day_before_reminder_exactly_once_within_budget_and_outside_quiet_hours(app: App) -> None:
    await reading_club_posted(app)
    await converse(app, private(Y1, "/报名 1"), Contains("报名成功"))
    await converse(app, private(Y2, "/报名 1"), Contains("报名成功"))
    await jobs_at(datetime(2026, 12, 3, 10, 0, tzinfo=SH))  # two days before: nothing
    await deliver(app)
    await jobs_at(datetime(2026, 12, 4, 7, 0, tzinfo=SH))  # the day before, before REMINDERS_TIME
    await deliver(app)
    # Y2 already had today's one unsolicited message: theirs waits (the youth's cap).
    await OutboxMessage.create(
        target_type="private", target=Y2, text="别的通知", category="test", bulk=True, status="sent",
        not_before=clock.now(), created_at=clock.now(), sent_at=clock.now(), sent_by=BOT_ID,
    )
    await jobs_at(datetime(2026, 12, 4, 9, 0, tzinfo=SH))
    await deliver(app, Notice(Y1, Contains("提醒：你报名的「读书会」（活动 #1）是明天", "/取消报名 1")))
    await jobs_at(datetime(2026, 12, 4, 9, 5, tzinfo=SH))  # again: exactly once
    await deliver(app)
    assert await OutboxMessage.filter(category="activity_reminder").count() == 2
    # A late sign-up in quiet hours is not reminded (it would arrive on the day itself).
    await converse(app, private(50004, "/报名 1"), Contains("报名成功"))
    await jobs_at(datetime(2026, 12, 4, 22, 30, tzinfo=SH))
    assert await OutboxMessage.filter(category="activity_reminder").count() == 2


async def test_no_shows_and_feedback_that_feeds_no_score(app: App) -> None:
    await reading_club_posted(app)
    await converse(app, private(ZHANG, "/活动 反馈 1 开启"), Contains("不计入任何评分"))
    people = [50001, 50002, 50003, 50004, 50005]
    for qq in people:
        await converse(app, private(qq, "/报名 1"), Contains("报名成功"))
    code = (await Activity.get(id=1)).code
    clock.set_now(datetime(2026, 12, 5, 14, 0, tzinfo=SH))
    for qq in people[:4]:
        await converse(app, private(qq, f"/签到 {code}"), Contains("签到成功"))
    await converse(app, private(ZHANG, "/活动 1"), Contains("报名了但没签到 1 人：用户50005"))
    with outbox_settings.override(outbox_youth_daily_limit=5):
        await jobs_at(datetime(2026, 12, 6, 9, 0, tzinfo=SH))
        await deliver(app, *[Notice(qq, Contains("这次活动你觉得怎么样？回复 1-5")) for qq in people[:4]])
        await jobs_at(datetime(2026, 12, 6, 9, 30, tzinfo=SH))  # asked once
        await deliver(app)
    assert await ActivityFeedback.filter(activity_id=1).count() == 4
    for qq, score in zip(people[:4], "5443", strict=True):
        await converse(app, private(qq, score), Contains(f"谢谢你的回答（{score} 分）"))
    await converse(app, private(50001, "3"), Lacks("谢谢你的回答"))  # one answer each
    # Fewer than 5 answers: a count, no average; answers hold no QQ.
    await converse(app, private(ZHANG, "/活动 1"), Contains("活动反馈：4 人回答（满 5 人后显示平均分）"))
    assert not await ActivityFeedback.filter(qq__isnull=False, answered_at__isnull=False).exists()
    await ActivityFeedback.create(activity_id=1, qq=None, score=2, asked_at=clock.now(), answered_at=clock.now())
    await converse(app, private(ZHANG, "/活动 1"), Contains("活动反馈：5 人回答，平均 3.6 分（不计入评分）"))
    # No score reads it: the evaluation inputs do not mention feedback.
    import inspect

    from plugins.evaluation import inputs

    assert "activity_feedback" not in inspect.getsource(inputs)


async def test_leave_all_deletes_sign_ups_and_frees_the_place(app: App) -> None:
    await reading_club_posted(app)
    await converse(app, private(Y1, "/报名 1"), Contains("报名成功"))
    await signups.forget(Y1)
    assert not await SignUp.exists(qq=Y1)
    assert (await Activity.get(id=1)).signed_up == 0


async def test_sign_ups_are_kept_30_days_after_the_activity_and_then_deleted(app: App) -> None:
    await reading_club_posted(app)
    await converse(app, private(Y1, "/报名 1"), Contains("报名成功"))
    clock.set_now(datetime(2027, 1, 4, 10, 0, tzinfo=SH))  # 30 days after the activity
    await signups.expire(30)
    assert await SignUp.exists(qq=Y1)
    clock.set_now(datetime(2027, 1, 5, 10, 0, tzinfo=SH))
    assert await signups.expire(30) == 1
    assert not await SignUp.exists(qq=Y1)
