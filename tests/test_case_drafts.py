"""Cases a cadre records for a youth (代记): invisible and uncounted until the youth confirms;
refused or unanswered for 7 days, deleted (nonebug, controlled clock)."""

from datetime import timedelta

from nonebug import App

from models import Case, CaseDraft
from plugins.core import clock
from plugins.requests import jobs
from tests.helpers import Contains, Notice, converse, private
from tests.test_requests import T0, Y1, Y2, ZHANG, setup

STRANGER = 50099


async def test_a_recorded_case_counts_only_once_confirmed(app: App) -> None:
    await setup()
    await converse(app, private(ZHANG, f"/诉求 代记 {STRANGER} 困难 补贴拖欠"), Contains("还没有同意联青记录"))
    await converse(
        app, private(ZHANG, f"/诉求 代记 {Y1} 困难 实习单位拖欠补贴两个月"),
        Contains("已记下代记 #1", "确认前只有你能看到"),
        Notice(Y1, Contains("团干部张三（杭州市委）为你记录了一件诉求：实习单位拖欠补贴两个月", "/同意 代记 1", "/拒绝 代记 1")),
    )
    assert not await Case.exists()
    await converse(app, private(ZHANG, "/诉求 列表"), Contains("等青年确认的代记（只有你看得到）", "代记 #1｜QQ 50001"))
    await converse(app, private(ZHANG, "/清单"), Contains("诉求 0 件"))
    await converse(app, private(Y1, "/诉求 列表"), Contains("你还没有诉求"))
    await converse(app, private(Y2, "/同意 代记 1"), Contains("不是为你记录的"))
    await converse(
        app, private(Y1, "/同意 代记 1"),
        Contains("好的，已确认。诉求编号 #1，由团干部张三（杭州市委）跟进"),
        Notice(ZHANG, Contains("【新诉求 #1】实际困难", "实习单位拖欠补贴两个月")),
    )
    assert not await CaseDraft.exists()
    case = await Case.get(id=1)
    assert (case.youth_qq, case.cadre_id, case.category) == (Y1, 1, "difficulty")
    await converse(app, private(ZHANG, "/诉求 1"), Contains("团干部代记，青年已确认"))
    await converse(app, private(Y1, "/同意 代记 1"), Contains("没有等你确认的代记 #1"))


async def test_refused_or_unanswered_drafts_are_deleted(app: App) -> None:
    await setup()
    await converse(app, private(ZHANG, f"/诉求 代记 {Y1} 食堂太贵"), Contains("代记 #1"), Notice(Y1, Contains("/拒绝 代记 1")))
    await converse(
        app, private(Y1, "/拒绝 代记 1"),
        Contains("代记 #1 已删除，已告诉团干部"),
        Notice(ZHANG, Contains("代记 #1", "已删除")),
    )
    assert not await CaseDraft.exists() and not await Case.exists()
    await converse(app, private(ZHANG, f"/诉求 代记 {Y2} 宿舍太吵"), Contains("代记 #2"), Notice(Y2, Contains("/同意 代记 2")))
    clock.set_now(T0 + timedelta(days=6, hours=23))
    await jobs.check()
    assert await CaseDraft.exists(id=2)
    clock.set_now(T0 + timedelta(days=7, minutes=1))
    await jobs.check()
    assert not await CaseDraft.exists()
    await converse(app, private(Y2, "/同意 代记 2"), Contains("没有等你确认的代记 #2"))
