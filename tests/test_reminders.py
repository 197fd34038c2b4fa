"""A year of reminders with a controlled clock: each on its day, once, merged, not at night,
caught up after downtime, and never for cadres who already did the thing."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import Activity, BoundGroup, MessageCount, ReminderLog
from plugins.activities import reminders
from plugins.activities.config import Config
from plugins.core import clock, schedule
from plugins.outbox.service import deliver_due
from tests.fakebot import FakeBot
from tests.seed import HANGZHOU_ADMIN, make_cadre, seed_tree

SH = ZoneInfo("Asia/Shanghai")
LAZY, BUSY, QUIET = 20001, 20002, 20003  # cadres


async def setup():
    tree = await seed_tree()
    lazy = await make_cadre(LAZY, "张三", tree.hangzhou)
    busy = await make_cadre(BUSY, "李四", tree.hangzhou)
    quiet = await make_cadre(QUIET, "王五", tree.ningbo)
    return lazy, busy, quiet


async def busy_does_everything(busy, day: date) -> None:
    """李四 holds an activity in the first week of each quarter and meets youth face to face in May."""
    if day.month in (1, 4, 7, 10) and day.day == 3:
        await Activity.create(cadre=busy, kind="offline", title="志愿服务", day=day, code=f"{day.month:06d}",
                              head_count=12, credited=True, created_at=clock.now())
    if day == date(2026, 5, 10):
        await Activity.create(cadre=busy, kind="face_to_face", title="座谈", day=day, code="999999",
                              head_count=5, credited=True, created_at=clock.now())


async def walk(days: list[date], hook=None, at: time = time(9, 0)) -> dict[int, list[tuple[date, str]]]:
    """Run the bot's day for each date: tick at `at`, then deliver. Returns messages per QQ."""
    bot = FakeBot()
    inbox: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for day in days:
        clock.set_now(datetime(day.year, day.month, day.day, at.hour, at.minute, tzinfo=SH))
        if hook:
            await hook(day)
        await schedule.tick()
        before = len(bot.sent)
        await deliver_due([bot])
        for _, qq, text in bot.sent[before:]:
            inbox[qq].append((day, text))
    return inbox


def year(y: int = 2026) -> list[date]:
    start = date(y, 1, 1)
    return [start + timedelta(days=i) for i in range((date(y + 1, 1, 1) - start).days)]


async def test_a_whole_year() -> None:
    _, busy, _ = await setup()
    inbox = await walk(year(), hook=lambda d: busy_does_everything(busy, d))

    lazy_days = [d for d, _ in inbox[LAZY]]
    # Quarter reminders on the 1st of the last month and 10 days before the end; face to face
    # from October on the 1st; the target on 1, 15, 25 August; the campaign on 1 July.
    assert lazy_days == [
        date(2026, 3, 1), date(2026, 3, 21), date(2026, 6, 1), date(2026, 6, 20),
        date(2026, 7, 1), date(2026, 8, 1), date(2026, 8, 15), date(2026, 8, 25),
        date(2026, 9, 1), date(2026, 9, 20), date(2026, 10, 1), date(2026, 11, 1),
        date(2026, 12, 1), date(2026, 12, 21),
    ]
    by_day = dict(inbox[LAZY])
    assert "本季度（2026年第1季度，3月31日结束）还没有开展线下活动" in by_day[date(2026, 3, 1)]
    assert "还差 100 名，须于 8 月 31 日前达到" in by_day[date(2026, 8, 15)]
    assert "大宣传大调研" in by_day[date(2026, 7, 1)]
    # Due together, merged into one message.
    dec1 = by_day[date(2026, 12, 1)]
    assert dec1.count("· ") == 2 and "还没有开展线下活动" in dec1 and "面对面交流" in dec1

    # The busy cadre: no activity reminders, only the campaign kick-off and the target.
    busy_days = [d for d, _ in inbox[BUSY]]
    assert busy_days == [date(2026, 7, 1), date(2026, 8, 1), date(2026, 8, 15), date(2026, 8, 25)]

    # Administrators: a weekly digest every Monday and the campaign summary in September, once each.
    admin_days = [d for d, _ in inbox[HANGZHOU_ADMIN]]
    assert admin_days == sorted([d for d in year() if d.weekday() == 0] + [date(2026, 9, 1)])
    summary = [t for d, t in inbox[HANGZHOU_ADMIN] if "7—8 月大宣传大调研" in t]
    assert len(summary) == 1 and "2 名团干部中 1 人记录了活动，共 1 场" in summary[0]
    weekly = dict(inbox[HANGZHOU_ADMIN])[date(2026, 12, 7)]
    assert weekly.startswith("【联青提醒】你好：") and "/提醒 暂停" not in weekly
    assert "本季度未开展活动 1 人" in weekly and "张三" in weekly
    # Every (rule, recipient, period) was recorded once.
    assert await ReminderLog.filter(qq=LAZY, rule="contact_target").count() == 3


async def test_catch_up_after_downtime_but_not_after_the_window() -> None:
    await setup()
    days = [d for d in year() if date(2026, 2, 25) <= d <= date(2026, 3, 10)]
    down = {date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)}
    inbox = await walk([d for d in days if d not in down])
    assert [d for d, _ in inbox[LAZY]] == [date(2026, 3, 4)]  # caught up, once

    # Down for the whole window of the 15 August reminder: it is not sent late.
    days = [d for d in year() if date(2026, 8, 10) <= d <= date(2026, 8, 31) and not date(2026, 8, 15) <= d <= date(2026, 8, 24)]
    inbox = await walk(days)
    assert [d for d, _ in inbox[LAZY]] == [date(2026, 8, 10), date(2026, 8, 25)]
    assert "（还剩 7 天）" in dict(inbox[LAZY])[date(2026, 8, 25)]


async def test_never_at_night() -> None:
    await setup()
    saved = schedule._tasks[:]
    try:
        for task in schedule._tasks:
            if task.name == "reminders":
                task.at = time(22, 30)
        inbox = await walk([date(2026, 3, 1)], at=time(22, 45))
        assert inbox == {}
        assert await reminders.ReminderLog.filter(qq=LAZY).count() == 1  # queued, waiting
        inbox = await walk([date(2026, 3, 2)], at=time(8, 0))
        assert [d for d, _ in inbox[LAZY]] == [date(2026, 3, 2)]
    finally:
        for task in schedule._tasks:
            if task.name == "reminders":
                task.at = Config().reminders_time
        schedule._tasks[:] = saved


async def test_two_processes_send_once() -> None:
    await setup()
    clock.set_now(datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    await schedule.tick()
    schedule.reset()  # another process, same database
    await schedule.tick()
    await reminders.run(Config())  # even the rules run again
    bot = FakeBot()
    await deliver_due([bot])
    assert [qq for _, qq, _ in bot.sent].count(LAZY) == 1


async def test_snooze_skips_ordinary_reminders_not_deadlines() -> None:
    await setup()
    clock.set_now(datetime(2026, 2, 27, 10, 0, tzinfo=SH))
    await reminders.snooze(LAZY, 25)  # until 24 March
    inbox = await walk([d for d in year() if date(2026, 3, 1) <= d <= date(2026, 3, 31)])
    # 1 March is skipped while snoozed and its window has closed when the snooze ends;
    # the deadline reminder 10 days before the quarter ends comes anyway.
    assert [d for d, _ in inbox[LAZY]] == [date(2026, 3, 21)]
    assert "3月31日结束" in inbox[LAZY][0][1]


async def test_no_silence_nudge_by_default() -> None:
    _, _, quiet = await setup()
    await BoundGroup.create(group_id=700, cadre=quiet, bot_id=10000, bound_by=QUIET, bound_at=datetime(2026, 4, 1, 9, tzinfo=SH))
    inbox = await walk([d for d in year() if date(2026, 4, 1) <= d <= date(2026, 4, 30)])
    assert not [d for d, t in inbox[QUIET] if "没有在绑定的群里发言" in t]


async def test_silence_nudge_at_most_weekly() -> None:
    from plugins.activities.config import settings

    with settings.override(reminders_silence_days=7):
        await _silence_nudges()


async def _silence_nudges() -> None:
    _, _, quiet = await setup()
    await BoundGroup.create(group_id=700, cadre=quiet, bot_id=10000, bound_by=QUIET, bound_at=datetime(2026, 4, 1, 9, tzinfo=SH))
    await MessageCount.create(group_id=700, qq=QUIET, day=date(2026, 4, 3), cadre=quiet, is_cadre=True, count=3)
    days = [d for d in year() if date(2026, 4, 1) <= d <= date(2026, 4, 30)]
    inbox = await walk(days)
    nudges = [d for d, t in inbox[QUIET] if "没有在绑定的群里发言" in t]
    # Silent from 10 April (7 days after the 3rd); then once per ISO week.
    assert nudges == [date(2026, 4, 10), date(2026, 4, 13), date(2026, 4, 20), date(2026, 4, 27)]


async def test_weekly_digest_lists_overdue_cases() -> None:
    from models import Case

    lazy, _, _ = await setup()
    org = await lazy.org
    clock.set_now(datetime(2026, 12, 7, 9, 0, tzinfo=SH))  # a Monday
    await Case.create(youth_qq=50001, category="difficulty", content="困难", cadre=lazy, org=org,
                      created_at=clock.now() - timedelta(days=3))
    inbox = await walk([date(2026, 12, 7)])
    digest = dict(inbox[HANGZHOU_ADMIN])[date(2026, 12, 7)]
    assert "诉求：超时未答复 1 件，已上报未办结 0 件" in digest


async def test_the_reminder_rules_a_cadre_reads_follow_the_settings(app) -> None:
    """/提醒 says the configured days, not numbers typed into the text."""
    from plugins.activities.config import settings as activity_settings
    from tests.helpers import Contains, converse, private

    tree = await seed_tree()
    await make_cadre(20001, "张三", tree.hangzhou)
    await converse(app, private(20001, "/提醒"), Contains("季度结束前 10 天", "8 月 1/15/25 日"))
    with activity_settings.override(
        reminders_quarter_days_before_end=5, reminders_target_days=(10, 20), reminders_silence_days=14
    ):
        await converse(
            app, private(20001, "/提醒"), Contains("季度结束前 5 天", "8 月 10/20 日", "绑定群里 14 天未发言时")
        )
