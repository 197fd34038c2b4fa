"""Flood control rules with the controlled clock: per sender, per group, and for check-in codes."""

from datetime import timedelta

from nonebug import App

from models import Activity
from plugins.core import clock, flood
from tests.helpers import Contains, converse, group, private
from tests.seed import consenting, make_cadre, seed_tree


def test_a_sender_past_the_minute_limit_is_warned_once_then_ignored_until_it_passes() -> None:
    verdicts = [flood.command_verdict(50001, 700) for _ in range(13)]
    assert verdicts == ["run"] * 10 + ["warn", "drop", "drop"]
    assert flood.command_verdict(50002, 700) == "run"  # others are not affected
    assert [flood.command_verdict(50001, None) for _ in range(31)][-1] == "warn"  # private: 30
    clock.set_now(clock.now() + timedelta(seconds=61))
    assert flood.command_verdict(50001, 700) == "run"


def test_a_group_gets_at_most_sixty_replies_a_minute() -> None:
    assert sum(flood.group_reply_allowed(700) for _ in range(80)) == 60
    assert flood.group_reply_allowed(701)
    clock.set_now(clock.now() + timedelta(minutes=1))
    assert flood.group_reply_allowed(700)


async def test_five_wrong_codes_then_no_more_guessing_for_ten_minutes(app: App) -> None:
    tree = await seed_tree()
    zhang = await make_cadre(20001, "张三", tree.hangzhou)
    activity = await Activity.create(cadre=zhang, kind="offline", title="植树", day=clock.today(), code="246810",
                                     created_at=clock.now())
    await consenting(50001)
    for _ in range(5):
        await converse(app, private(50001, "/签到 000000"), Contains("签到码不正确"))
    await converse(app, private(50001, f"/签到 {activity.code}"), Contains("输错太多次了", "10 分钟后再试"))
    clock.set_now(clock.now() + timedelta(minutes=10, seconds=1))
    await converse(app, private(50001, f"/签到 {activity.code}"), Contains("签到成功"))


async def test_the_warning_is_the_last_word_in_a_group(app: App) -> None:
    for _ in range(10):
        await converse(app, group(700, 50001, "/我的"), Contains("你"))
    await converse(app, group(700, 50001, "/我的"), Contains("操作太频繁，请一分钟后再试"))
    await converse(app, group(700, 50001, "/我的"))  # silence
