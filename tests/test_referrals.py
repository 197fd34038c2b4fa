"""Referrals beyond the league: recorded, the youth told, one follow-up reminder, the outcome
in /诉求 <编号>, /清单 and the dashboard's problem list (nonebug, controlled clock)."""

from datetime import timedelta

from nonebug import App

from models import Referral
from plugins.core import clock
from plugins.requests import jobs
from tests.helpers import Contains, Notice, converse, deliver, private
from tests.seed import HANGZHOU_ADMIN
from tests.test_requests import T0, WANG, Y1, ZHANG, link, open_first, setup


async def answered(app: App) -> None:
    await open_first(app)
    await converse(app, private(ZHANG, "/回复 1 我去问问"), Contains("已答复"), Notice(Y1, Contains("我去问问")))


async def test_refer_follow_up_once_and_record_the_outcome(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await answered(app)
    await converse(app, private(WANG, "/转介 1 12355"), Contains("不是你负责的"))
    await converse(app, private(ZHANG, "/转介 1 " + "很" * 51), Contains("去向最多 50 个字"))
    await converse(app, private(ZHANG, "/转介 结果 1 好了"), Contains("还没有转介"))
    await converse(
        app, private(ZHANG, "/转介 1 区教育局 已电话说明情况"),
        Contains("诉求 #1 转给「区教育局」", "12-07 还没有结果会提醒你跟进", "/转介 结果 1"),
        Notice(Y1, Contains("你的诉求 #1 已转给「区教育局」处理（已电话说明情况）", "有结果会告诉你")),
    )
    r = await Referral.get(case_id=1)
    assert (r.to, r.note, r.follow_up_at) == ("区教育局", "已电话说明情况", T0 + timedelta(days=7))
    # Six days on: nothing; seven: the handler is reminded, once.
    clock.set_now(T0 + timedelta(days=6, hours=23))
    await jobs.check()
    await deliver(app)
    clock.set_now(T0 + timedelta(days=7))
    await jobs.check()
    await deliver(app, Notice(ZHANG, Contains("【转介跟进】诉求 #1", "「区教育局」", "/转介 结果 1")))
    clock.set_now(T0 + timedelta(days=8))
    await jobs.check()
    await deliver(app)
    await converse(
        app, private(ZHANG, "/转介 结果 1 教育局已回复，下周整改"),
        Contains("已记下诉求 #1 转给「区教育局」的结果", "已告诉青年"),
        Notice(Y1, Contains("转给「区教育局」后有了结果", "教育局已回复，下周整改")),
    )
    await converse(app, private(ZHANG, "/转介 结果 1 又一次"), Contains("都已经记过结果了"))
    await converse(
        app, private(ZHANG, "/诉求 1"),
        Contains("转介：区教育局（11-30），结果：教育局已回复，下周整改", "转介结果"),
    )
    await converse(app, private(Y1, "/诉求 1"), Contains("转介：区教育局"))
    await converse(
        app, private(ZHANG, "/清单 2026-11"),
        Contains("转介到团外 1 次（有结果 1）", "诉求 #1 → 区教育局"),
    )


async def test_an_administrator_may_refer_and_no_follow_up_after_an_outcome(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await answered(app)
    await converse(
        app, private(HANGZHOU_ADMIN, "/转介 1 12355"),
        Contains("诉求 #1 转给「12355」"),
        Notice(Y1, Contains("已转给「12355」处理")),
    )
    await converse(app, private(HANGZHOU_ADMIN, "/转介 结果 1 已联系"), Contains("已记下"), Notice(Y1, Contains("有了结果")))
    clock.set_now(T0 + timedelta(days=8))
    await jobs.check()
    await deliver(app)
