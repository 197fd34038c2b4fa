"""Retention limits are enforced in code: each daily job, with the controlled clock."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from nonebug import App

from models import (
    Activity,
    Application,
    Case,
    CaseEvent,
    CheckIn,
    DailyUse,
    HelpPost,
    OutboxMessage,
    SpotCheck,
    SpotCheckQuestion,
    Survey,
    SurveyQuestion,
)
from plugins.core import clock, schedule
from plugins.outbox import enqueue
from tests.helpers import Contains, Notice, converse, private
from tests.seed import consenting, make_cadre, seed_tree

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2024, 1, 10, 10, 0, tzinfo=SH)


async def run_daily_jobs_on(day: datetime) -> None:
    """The day's tick after every daily job's time (they run at 03:00–04:40)."""
    clock.set_now(day.replace(hour=5, minute=0))
    schedule.reset()
    await schedule.tick()


async def test_sent_and_failed_outbox_messages_are_deleted_after_30_days() -> None:
    clock.set_now(START)
    sent = await enqueue(50001, "你好", category="test")
    failed = await enqueue(50002, "你好", category="test")
    waiting = await enqueue(50003, "你好", category="test")
    assert sent is not None and failed is not None and waiting is not None
    await OutboxMessage.filter(id=sent.id).update(status="sent", sent_at=START)
    await OutboxMessage.filter(id=failed.id).update(status="failed")
    await run_daily_jobs_on(START + timedelta(days=29))
    assert await OutboxMessage.all().count() == 3
    await run_daily_jobs_on(START + timedelta(days=31))
    assert await OutboxMessage.all().values_list("id", flat=True) == [waiting.id]  # never sent: kept


async def test_identities_on_check_ins_and_answers_become_anonymous_after_400_days() -> None:
    clock.set_now(START)
    tree = await seed_tree()
    zhang = await make_cadre(20001, "张三", tree.hangzhou)
    activity = await Activity.create(cadre=zhang, kind="offline", title="植树", day=START.date(), code="123456",
                                     credited=True, created_at=START)
    await CheckIn.create(activity=activity, qq=50001, created_at=START)
    check = await SpotCheck.create(cadre=zhang, requested_by=30002, sample_size=1, quarter="2024Q1", created_at=START)
    await SpotCheckQuestion.create(check=check, cadre=zhang, youth_qq=50001, quarter="2024Q1", answer="yes",
                                   asked_at=START, answered_at=START)
    survey = await Survey.create(org=tree.hangzhou, requested_by=30002, per_cadre=5, created_at=START,
                                 closes_at=START + timedelta(days=14))
    await SurveyQuestion.create(survey=survey, cadre=zhang, youth_qq=50001, rating=5, asked_at=START, answered_at=START)
    await run_daily_jobs_on(START + timedelta(days=399))
    assert await CheckIn.filter(qq=50001).count() == 1
    await run_daily_jobs_on(START + timedelta(days=401))
    assert await CheckIn.filter(qq__isnull=True).count() == 1  # the attendance stays
    assert await SpotCheckQuestion.filter(youth_qq__isnull=True, answer="yes").count() == 1
    assert await SurveyQuestion.filter(youth_qq__isnull=True, rating=5).count() == 1


async def test_closed_cases_keep_category_dates_and_rating_but_lose_content_after_three_years() -> None:
    clock.set_now(START)
    tree = await seed_tree()
    zhang = await make_cadre(20001, "张三", tree.hangzhou)
    old = await Case.create(youth_qq=50001, category="difficulty", content="家里的事", cadre=zhang, org=tree.hangzhou,
                            status="closed", closed_at=START, close_note="已帮忙联系", rating=4,
                            rating_comment="谢谢张老师", rated_at=START, created_at=START - timedelta(days=3))
    await CaseEvent.create(case=old, kind="supplement", actor_qq=50001, text="补充：还有房租", created_at=START)
    recent = await Case.create(youth_qq=50002, category="suggestion", content="多办活动", cadre=zhang,
                               org=tree.hangzhou, status="closed", closed_at=START + timedelta(days=100),
                               created_at=START)
    still_open = await Case.create(youth_qq=50003, category="confusion", content="还在等", cadre=zhang,
                                   org=tree.hangzhou, status="open", created_at=START)
    await run_daily_jobs_on(START + timedelta(days=1094))
    assert (await Case.get(id=old.id)).content == "家里的事"
    await run_daily_jobs_on(START + timedelta(days=1096))
    kept = await Case.get(id=old.id)
    assert (kept.category, kept.rating, kept.closed_at is not None, kept.created_at is not None) == ("difficulty", 4, True, True)
    assert (kept.content, kept.close_note, kept.rating_comment, kept.youth_qq) == ("", None, None, None)
    assert await CaseEvent.filter(case=old).values_list("text", "actor_qq") == [(None, None)]
    assert (await Case.get(id=recent.id)).content == "多办活动"
    assert (await Case.get(id=still_open.id)).content == "还在等"


async def test_mutual_help_posts_lose_text_and_poster_after_180_days() -> None:
    clock.set_now(START)
    tree = await seed_tree()
    zhang = await make_cadre(20001, "张三", tree.hangzhou)
    await HelpPost.create(cadre=zhang, qq=50001, kind="need", content="找家教", created_at=START)
    await run_daily_jobs_on(START + timedelta(days=181))
    post = await HelpPost.get()
    assert (post.qq, post.content, post.status) == (None, "", "closed")


async def test_rejected_applications_are_deleted_a_year_after_the_decision() -> None:
    clock.set_now(START)
    tree = await seed_tree()
    await Application.create(qq=20009, name="李四", org=tree.hangzhou, category="full_time", status="rejected",
                             reason="不在名单中", decided_by=30002, decided_at=START, created_at=START)
    await Application.create(qq=20010, open_for=20010, name="王五", org=tree.hangzhou, category="full_time",
                             created_at=START)
    await run_daily_jobs_on(START + timedelta(days=366))
    assert await Application.all().values_list("qq", flat=True) == [20010]  # pending: still waiting


async def test_daily_rations_hold_after_erasure_and_are_forgotten_after_two_days(app: App) -> None:
    tree = await seed_tree()
    zhang = await make_cadre(20001, "张三", tree.hangzhou)
    await consenting(50001)
    from plugins.contacts.links import join

    await join(50001, "小一", zhang, source="private")
    for i in range(5):
        await converse(app, private(50001, f"/诉求 第{i}件事"), Contains("已收到"), then_deliver=False)
    await converse(app, private(50001, "/退出 全部"), Contains("要删除的是"), then_deliver=False)
    await converse(app, private(50001, "/退出 全部 确认"), Contains("已删除你的全部个人信息"), then_deliver=False)
    await converse(app, private(50001, "/同意"), Contains("已记下你的同意"), then_deliver=False)
    await join(50001, "小一", zhang, source="private")
    await converse(app, private(50001, "/诉求 第6件事"), Contains("达到每天的上限"), then_deliver=False)
    assert await DailyUse.filter(kind="case").values_list("count", flat=True) == [5]
    assert not await DailyUse.filter(key_hash__contains="50001").exists()
    await run_daily_jobs_on(clock.now() + timedelta(days=3))
    assert await DailyUse.all().count() == 0


async def test_erasure_removes_applications_and_their_notices(app: App) -> None:
    await seed_tree()
    await converse(app, private(50005, "/注册 赵六 杭州市委 兼职"), Contains("已提交注册申请 #1"), then_deliver=False)
    assert await OutboxMessage.filter(dedup_key__startswith="application:1:").exists()
    await converse(app, private(50005, "/退出 全部"), Contains("要删除的是"), then_deliver=False)
    await converse(app, private(50005, "/退出 全部 确认"), Contains("已删除你的全部个人信息"))
    assert await Application.all().count() == 0
    assert not await OutboxMessage.filter(text__contains="赵六").exists()


async def test_scrubbing_matches_a_qq_number_only_as_a_whole_number(app: App) -> None:
    tree = await seed_tree()
    zhang = await make_cadre(20001, "张三", tree.hangzhou)
    from plugins.contacts.links import join

    await consenting(12345, 123456)
    await join(12345, "甲", zhang, source="private")
    await join(123456, "乙", zhang, source="private")
    await converse(app, private(12345, "/诉求 宿舍漏水"), Contains("已收到"), then_deliver=False)
    await converse(app, private(123456, "/诉求 食堂太贵"), Contains("已收到"), then_deliver=False)
    await converse(app, private(12345, "/退出 全部"), Contains("要删除的是"), then_deliver=False)
    await converse(app, private(12345, "/退出 全部 确认"), Contains("已删除你的全部个人信息"), then_deliver=False)
    texts = await OutboxMessage.filter(target=20001).order_by("id").values_list("text", flat=True)
    assert "QQ 12345（甲）" not in texts[0] and "（已删除个人信息的青年）" in texts[0]
    assert "QQ 123456（乙）" in texts[1]  # someone else's number is left intact


async def test_a_notice_already_delivered_is_gone_after_30_days(app: App) -> None:
    await seed_tree()
    await converse(app, private(50005, "/注册 赵六 杭州市委 兼职"), Contains("已提交注册申请 #1"),
                   Notice(30002, Contains("新的团干部注册申请 #1")))
    await run_daily_jobs_on(clock.now() + timedelta(days=31))
    assert await OutboxMessage.all().count() == 0
