"""Requests (诉求), the problem list and mutual help, through chat (nonebug + controlled clock)."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from nonebot.adapters.onebot.v11 import Bot, Message, MessageSegment
from nonebot.adapters.onebot.v11.exception import ActionFailed
from nonebug import App

from models import BoundGroup, Case, CaseEvent, GroupMember, HelpMatch, HelpPost, OutboxMessage
from plugins.contacts import cache
from plugins.contacts.links import consent, join
from plugins.core import clock, schedule
from plugins.requests import jobs, problems, sla
from tests.conftest import DEFAULT_NOW
from tests.helpers import BOT_ID, Contains, Notice, converse, deliver, group, private
from tests.seed import (
    HANGZHOU_ADMIN,
    NINGBO_ADMIN,
    PROVINCE_ADMIN,
    XIHU_ADMIN,
    consenting,
    make_cadre,
    seed_tree,
)

SH = ZoneInfo("Asia/Shanghai")
ZHANG, WANG, LI = 20001, 20002, 20003  # 杭州市委, 宁波市委, 杭州市西湖区委
Y1, Y2, Y3 = 50001, 50002, 50003
G = 700001  # ZHANG's bound group
T0 = DEFAULT_NOW


class Without(Contains):
    """Contains every fragment of `include` and none of `exclude`."""

    def __init__(self, *include: str, exclude: tuple[str, ...]) -> None:
        super().__init__(*include)
        self.exclude = exclude

    def __eq__(self, other: object) -> bool:
        found = super().__eq__(other)
        if found is not True:
            return found
        assert isinstance(other, (str, Message))  # Contains equals nothing else
        text = other if isinstance(other, str) else other.extract_plain_text()
        return not any(f in text for f in self.exclude)


class InOrder(Contains):
    """Contains the fragments, in this order."""

    def __eq__(self, other: object) -> bool:
        found = super().__eq__(other)
        if found is not True:
            return found
        assert isinstance(other, (str, Message))  # Contains equals nothing else
        text = other if isinstance(other, str) else other.extract_plain_text()
        positions = [text.find(f) for f in self.fragments]
        return positions == sorted(positions)


async def setup():
    tree = await seed_tree()
    zhang = await make_cadre(ZHANG, "张三", tree.hangzhou)
    wang = await make_cadre(WANG, "王五", tree.ningbo)
    li = await make_cadre(LI, "李四", tree.xihu)
    await consenting(Y1, Y2, Y3)
    return tree, zhang, wang, li


async def link(qq: int, cadre) -> None:
    result = await join(qq, f"小{qq % 10}", cadre, source="private")
    if result.needs_consent:
        await consent(qq)


async def bind_group(cadre) -> None:
    await BoundGroup.create(group_id=G, cadre=cadre, bot_id=BOT_ID, bound_by=cadre.qq, bound_at=clock.now())
    cache.put(G, cadre.id, cadre.qq)


async def open_first(app: App) -> None:
    """Y1 (linked to 张三) opens #1."""
    await converse(
        app,
        private(Y1, "/诉求 困难 食堂饭菜太贵了"),
        Contains("已收到，编号 #1，由团干部张三（杭州市委）跟进"),
        Notice(ZHANG, Contains("【新诉求 #1】实际困难", "食堂饭菜太贵了", "QQ 50001（小1）", "/回复 1")),
    )


async def at(app: App, instant: datetime, *notices: Notice) -> None:
    """Move the clock, run the service-level check, require exactly these outbox messages.

    The check is called directly: a full `schedule.tick()` would also run other
    plugins' daily tasks, whose messages are not this file's business (the
    wiring is tested in test_service_levels_run_on_the_clock_tick)."""
    clock.set_now(instant)
    await jobs.check()
    await deliver(app, *notices)


# ------------------------------------------------------------------ opening and routing


async def test_open_routes_to_linked_cadre_and_commits_first(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    case = await Case.get(id=1)
    assert (case.youth_qq, case.category, case.cadre_id, case.org_id, case.status) == (Y1, "difficulty", 1, 2, "open")
    assert case.content == "食堂饭菜太贵了" and case.created_at == T0
    # The acknowledgement fails to reach the youth: the case and the cadre's notice are kept.
    event = private(Y1, "/诉求 建议 希望多办志愿活动")
    async with app.test_matcher() as ctx:
        bot = ctx.create_bot(base=Bot, self_id=str(BOT_ID))
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Contains("已收到，编号 #2"), exception=ActionFailed(retcode=1200))
    assert await Case.filter(id=2, category="suggestion").exists()
    assert await OutboxMessage.filter(target=ZHANG, dedup_key="case:2:new:20001").exists()


async def test_most_recently_confirmed_cadre_unless_one_is_named(app: App) -> None:
    _, zhang, wang, li = await setup()
    await link(Y1, zhang)
    clock.set_now(T0 + timedelta(hours=1))
    await link(Y1, wang)
    await converse(
        app, private(Y1, "/诉求 困惑 考研还是工作"),
        Contains("由团干部王五（宁波市委）跟进", "（思想困惑）"),
        Notice(WANG, Contains("【新诉求 #1】思想困惑", "考研还是工作")),
    )
    await converse(
        app, private(Y1, "/诉求 @1 建议：图书馆延长开放"),
        Contains("由团干部张三（杭州市委）跟进", "（意见建议）"),
        Notice(ZHANG, Contains("【新诉求 #2】意见建议", "图书馆延长开放")),
    )
    # Any cadre may be named, by number or QQ, even without a link; no category: 未分类.
    await converse(
        app, private(Y1, f"/诉求 @{LI} 社区活动室能借用吗"),
        Contains("由团干部李四（杭州市西湖区委）跟进", "（未分类）"),
        Notice(LI, Contains("【新诉求 #3】未分类", "社区活动室能借用吗")),
    )
    assert await Case.all().order_by("id").values_list("cadre_id", "category") == [
        (wang.id, "confusion"), (zhang.id, "suggestion"), (li.id, "other")
    ]
    await converse(app, private(Y1, "/诉求 @99 内容"), Contains("没有找到团干部 99"))
    await converse(app, private(ZHANG, "/诉求 @1 我自己的事"), Contains("不能向自己提出诉求"))
    assert await Case.all().count() == 3


async def test_in_a_group_acknowledge_without_content_and_continue_privately(app: App) -> None:
    _, zhang, _, _ = await setup()
    await bind_group(zhang)
    await link(Y1, zhang)
    await converse(
        app, group(G, Y1, "/诉求 困难 宿舍没有热水"),
        Without("已收到，编号 #1，由团干部张三（杭州市委）跟进", "私聊", exclude=("宿舍没有热水", "实际困难")),
        Notice(ZHANG, Contains("【新诉求 #1】", "宿舍没有热水")),
        Notice(Y1, Contains("你在群里提出的诉求已记录：编号 #1", "宿舍没有热水", "/补充 1")),
    )
    assert (await Case.get(id=1)).source_group_id == G
    # Not linked: the administrators of the group's organisation, without the youth's identity.
    await converse(
        app, group(G, Y2, "/诉求 建议 希望多组织志愿活动"),
        Without("已收到，编号 #2，由共青团杭州市委管理员跟进", exclude=("志愿活动",)),
        Notice(HANGZHOU_ADMIN, Without("【新诉求 #2】意见建议", "希望多组织志愿活动", "匿名", exclude=("50002",))),
        Notice(Y2, Contains("编号 #2", "希望多组织志愿活动")),
    )
    case = await Case.get(id=2)
    assert (case.cadre_id, case.org_id) == (None, zhang.org_id)
    # Cases are read and handled privately only.
    await converse(app, group(G, Y1, "/诉求 列表"), Contains("请私聊联青发送 /诉求 列表"))
    await converse(app, group(G, Y1, "/补充 1 还有"), Contains("请私聊联青"))
    await converse(app, group(G, ZHANG, "/回复 1 收到"), Contains("请私聊联青"))
    assert await CaseEvent.all().count() == 0


async def test_no_way_to_route_explains_how_to_link_and_stores_nothing(app: App) -> None:
    _, zhang, _, _ = await setup()
    await converse(app, private(Y3, "/诉求 困难 找不到实习"), Contains("你还没有和团干部建立联系", "/加入", "/诉求 @3 <内容>（3 是团干部编号）"))
    await bind_group(zhang)
    await GroupMember.create(group_id=G, qq=Y3, role="member", seen_at=clock.now())
    await converse(app, private(Y3, "/诉求 找不到实习"), Contains("没有记下来", "团干部张三（杭州市委）：/诉求 @1 <内容>"))
    await converse(app, group(999, Y3, "/诉求 找不到实习"), Contains("你还没有和团干部建立联系"))
    assert await Case.all().count() == 0


async def test_bad_content_changes_nothing(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await converse(app, private(Y1, "/诉求"), Contains("请写诉求内容。用法：/诉求 [类别] <内容>"))
    await converse(app, private(Y1, "/诉求 困难"), Contains("请写上诉求内容"))
    await converse(app, private(Y1, "/诉求 @1"), Contains("请写诉求内容", "用法：/诉求 @<团干部编号>"))
    await converse(app, private(Y1, "/诉求 " + "长" * 2001), Contains("诉求内容最多 2000 个字，现在有 2001 个字"))
    assert await Case.all().count() == 0
    await converse(
        app, private(Y1, "/诉求 " + "长" * 2000), Contains("已收到，编号 #1"), Notice(ZHANG, Contains("#1")),
    )


async def test_daily_limit_per_youth(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    for i in range(1, 6):
        await converse(
            app, private(Y1, f"/诉求 第{i}件事"), Contains(f"编号 #{i}"), Notice(ZHANG, Contains(f"#{i}"))
        )
    await converse(app, private(Y1, "/诉求 第6件事"), Contains("今天已经提出了 5 件诉求", "请明天再来"))
    assert await Case.all().count() == 5
    clock.set_now(datetime(2026, 12, 1, 9, 0, tzinfo=SH))
    await converse(app, private(Y1, "/诉求 第6件事"), Contains("编号 #6"), Notice(ZHANG, Contains("#6")))


# ------------------------------------------------------------------ handling


async def test_reply_close_and_rate_once(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    clock.set_now(T0 + timedelta(hours=2))
    await converse(
        app, private(ZHANG, "/回复 1 已向学校后勤反映，下周调整价格"),
        Contains("已答复诉求 #1"),
        Notice(Y1, Contains("【诉求 #1 的答复】团干部张三（杭州市委）", "已向学校后勤反映", "/补充 1")),
    )
    case = await Case.get(id=1)
    assert (case.status, case.first_answer_at) == ("answered", T0 + timedelta(hours=2))
    await converse(app, private(Y1, "/评价 1 5"), Contains("诉求 #1 还没有解决"))
    await converse(
        app, private(ZHANG, "/办结 1 价格已下调"),
        Contains("诉求 #1 已办结，已请青年评价"),
        Notice(Y1, Contains("【诉求 #1 已解决】", "说明：价格已下调", "/评价 1 5 很及时")),
    )
    for bad in ("6", "0", "好", "4.5", ""):
        await converse(app, private(Y1, f"/评价 1 {bad}".strip()), Contains("1", "5"))
    await converse(app, private(Y2, "/评价 1 5"), Contains("诉求 #1 不是你提出的"))
    assert (await Case.get(id=1)).rating is None
    await converse(app, private(Y1, "/评价 1 5 很及时"), Contains("谢谢你的评价！诉求 #1：5 分"))
    await converse(app, private(Y1, "/评价 1 3"), Contains("只能评价一次"))
    case = await Case.get(id=1)
    assert (case.rating, case.rating_comment, case.status) == (5, "很及时", "closed")
    await converse(app, private(ZHANG, "/回复 1 还有"), Contains("诉求 #1 已于", "办结"))
    await converse(app, private(Y1, "/补充 1 还有"), Contains("已解决", "再发 /诉求"))
    await converse(app, private(ZHANG, "/办结 1"), Contains("已于", "办结"))
    kinds = await CaseEvent.filter(case_id=1).order_by("id").values_list("kind", flat=True)
    assert kinds == ["reply", "close", "rating"]


async def test_bad_rating_is_explained(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    await converse(app, private(ZHANG, "/办结 1"), Contains("已办结"), Notice(Y1, Contains("/评价 1")))
    # The example is the youth's own solved case, not a made-up number.
    await converse(app, private(Y1, "/评价 1 6"), Contains("评分须为 1 到 5 的整数", "请发送 /评价 1 5 很及时"))
    await converse(app, private(Y1, "/评价 1"), Contains("请写 1 到 5 的评分。请发送 /评价 1 5 很及时"))
    assert (await Case.get(id=1)).rating is None


async def test_only_the_handler_answers(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    for qq in (WANG, HANGZHOU_ADMIN):
        await converse(app, private(qq, "/回复 1 我来答"), Contains("诉求 #1 不是你负责的"))
    await converse(app, private(Y2, "/回复 1 我来答"), Contains("这条指令只供团干部和组织管理员使用"))
    await converse(app, private(WANG, "/办结 1"), Contains("不是你负责的"))
    await converse(app, private(WANG, "/上报 1"), Contains("不是你负责的"))
    await converse(app, private(Y2, "/补充 1 我也是"), Contains("诉求 #1 不是你提出的"))
    await converse(app, private(ZHANG, "/回复 9 内容"), Contains("没有编号为 #9 的诉求"))
    await converse(app, private(ZHANG, "/回复 1"), Contains("请写回复内容。用法：/回复 <编号> <内容>"))
    await converse(app, private(ZHANG, "/回复 一 内容"), Contains("“一”不是诉求编号", "用法：/回复 <编号> <内容>"))
    await converse(app, private(ZHANG, "/回复 1 " + "字" * 2001), Contains("回复内容最多 2000 个字"))
    assert await CaseEvent.all().count() == 0
    assert (await Case.get(id=1)).status == "open"


async def test_question_pauses_the_clock_until_the_youth_answers(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    clock.set_now(T0 + timedelta(hours=1))
    await converse(
        app, private(ZHANG, "/回复 1 请问是哪个校区的食堂？"),
        Contains("已向青年追问", "待青年补充"),
        Notice(Y1, Contains("【诉求 #1 的追问】", "哪个校区", "/补充 1 <内容>")),
    )
    case = await Case.get(id=1)
    assert (case.status, case.waiting_since, case.first_answer_at) == ("waiting", T0 + timedelta(hours=1), None)
    await at(app, T0 + timedelta(days=3))  # 72 hours, but waiting: no reminder
    await converse(
        app, private(Y1, "/补充 1 紫金港校区"),
        Contains("已补充到诉求 #1，已转告团干部张三（杭州市委）"),
        Notice(ZHANG, Contains("【诉求 #1 青年补充】", "紫金港校区")),
    )
    case = await Case.get(id=1)
    assert (case.status, case.waiting_since, case.paused_seconds) == ("open", None, 71 * 3600)
    # 48 hours of the cadre's time: 1 before the question + 47 after the answer.
    await at(app, T0 + timedelta(hours=72 + 46))
    await at(
        app, T0 + timedelta(hours=72 + 47),
        Notice(ZHANG, Contains("【提醒】诉求 #1", "超过 48 小时未答复", "/回复 1")),
    )
    await at(app, T0 + timedelta(hours=72 + 50))  # once
    assert (await Case.get(id=1)).reminded_at == T0 + timedelta(hours=72 + 47)


async def test_escalation_after_five_days_without_answer(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    await at(app, T0 + timedelta(hours=47, minutes=59))
    await at(app, T0 + timedelta(hours=48), Notice(ZHANG, Contains("【提醒】诉求 #1")))
    await at(app, T0 + timedelta(days=4, hours=23))
    await at(
        app, T0 + timedelta(days=5),
        Notice(HANGZHOU_ADMIN, Without("【诉求上报 #1】实际困难", "食堂饭菜太贵了", "匿名", "超过 5 天未答复", exclude=("50001",))),
        Notice(ZHANG, Contains("诉求 #1 超过 5 天未答复，已自动上报")),
        Notice(Y1, Contains("你的诉求 #1 已上报", "/诉求 署名 1")),
    )
    await at(app, T0 + timedelta(days=6))  # once
    case = await Case.get(id=1)
    assert case.escalated_at == T0 + timedelta(days=5) and case.escalation_note is not None
    assert "自动上报" in case.escalation_note
    await converse(app, private(ZHANG, "/上报 1"), Contains("诉求 #1 已于", "上报"))
    # The youth agrees to be named: administrators now see who it is.
    await converse(app, private(HANGZHOU_ADMIN, "/诉求 1"), Without("食堂饭菜太贵了", "提出人：匿名", exclude=("50001",)))
    await converse(app, private(Y1, "/诉求 署名 1"), Contains("上报时向上级显示你的身份"))
    await converse(app, private(HANGZHOU_ADMIN, "/诉求 1"), Contains("提出人：QQ 50001"))
    await converse(app, private(Y2, "/诉求 署名 1"), Contains("不是你提出的"))


async def test_two_processes_remind_and_escalate_once(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    clock.set_now(T0 + timedelta(days=6))
    await asyncio.gather(jobs.check(), jobs.check())
    assert await CaseEvent.filter(kind="remind").count() == 1
    assert await CaseEvent.filter(kind="escalate").count() == 1
    assert await OutboxMessage.filter(category="case_reminder").count() == 1
    assert await OutboxMessage.filter(category="case_escalated").count() == 3  # administrator, cadre, youth


async def test_service_levels_run_on_the_clock_tick(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    clock.set_now(T0 + timedelta(hours=1))
    assert "requests_service_levels" in await schedule.tick()
    assert not await OutboxMessage.filter(category="case_reminder").exists()
    clock.set_now(T0 + timedelta(hours=48))
    assert "requests_service_levels" in await schedule.tick()
    assert await OutboxMessage.filter(category="case_reminder", target=ZHANG).count() == 1
    clock.set_now(T0 + timedelta(days=5))
    await schedule.tick()
    assert await OutboxMessage.filter(category="case_escalated", target=HANGZHOU_ADMIN).count() == 1


async def test_answered_in_time_is_neither_reminded_nor_escalated(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    clock.set_now(T0 + timedelta(hours=47))
    await converse(app, private(ZHANG, "/回复 1 正在了解"), Contains("已答复"), Notice(Y1, Contains("正在了解")))
    await at(app, T0 + timedelta(days=10))
    case = await Case.get(id=1)
    assert case.reminded_at is None and case.escalated_at is None


async def test_unassigned_case_is_handled_by_admins_and_escalates_above_them(app: App) -> None:
    _, zhang, _, _ = await setup()
    await bind_group(zhang)
    await converse(
        app, group(G, Y2, "/诉求 困难 实习单位拖欠补贴"), Contains("由共青团杭州市委管理员跟进"),
        Notice(HANGZHOU_ADMIN, Contains("#1")), Notice(Y2, Contains("#1")),
    )
    await converse(app, private(XIHU_ADMIN, "/回复 1 看看"), Contains("不是你负责的"))
    await converse(app, private(HANGZHOU_ADMIN, "/诉求 列表"), Contains("待分派的诉求", "#1 实际困难", "杭州市委"))
    await at(app, T0 + timedelta(days=2), Notice(HANGZHOU_ADMIN, Contains("【提醒】诉求 #1")))
    await at(
        app, T0 + timedelta(days=5),
        Notice(PROVINCE_ADMIN, Contains("【诉求上报 #1】", "共青团杭州市委管理员", "实习单位拖欠补贴")),
        Notice(Y2, Contains("已上报")),
    )
    clock.set_now(T0 + timedelta(days=5, hours=1))
    await converse(
        app, private(HANGZHOU_ADMIN, "/回复 1 已联系劳动监察部门"),
        Contains("已答复诉求 #1"), Notice(Y2, Contains("共青团杭州市委管理员：", "劳动监察")),
    )
    await converse(
        app, private(HANGZHOU_ADMIN, f"/转交 1 {ZHANG}"),
        Contains("已转交团干部张三（杭州市委，#1）"),
        Notice(ZHANG, Contains("【转交来的诉求 #1】", "由共青团杭州市委管理员转交", "实习单位拖欠补贴")),
        Notice(Y2, Contains("已转交团干部张三（杭州市委）跟进")),
    )
    assert (await Case.get(id=1)).cadre_id == zhang.id


async def test_transfer(app: App) -> None:
    _, zhang, _, li = await setup()
    await link(Y1, zhang)
    await open_first(app)
    await converse(app, private(ZHANG, "/转交 1 #1"), Contains("已由团干部张三（杭州市委）负责"))
    await converse(app, private(ZHANG, "/转交 1"), Contains("请写团干部编号", "用法：/转交 <编号> <团干部编号>"))
    await converse(app, private(WANG, "/转交 1 #3"), Contains("不是你负责的，不能转交"))
    await converse(app, private(NINGBO_ADMIN, "/转交 1 #3"), Contains("不是你负责的，不能转交"))
    await converse(
        app, private(ZHANG, "/转交 1 #3"),
        Contains("诉求 #1 已转交团干部李四（杭州市西湖区委，#3）"),
        Notice(LI, Contains("【转交来的诉求 #1】", "由团干部张三（杭州市委）转交", "食堂饭菜太贵了", "QQ 50001")),
        Notice(Y1, Contains("你的诉求 #1 已转交团干部李四（杭州市西湖区委）跟进")),
    )
    case = await Case.get(id=1)
    assert (case.cadre_id, case.org_id) == (li.id, li.org_id)
    await converse(app, private(ZHANG, "/回复 1 还是我来"), Contains("不是你负责的"))
    await converse(app, private(LI, "/回复 1 我来跟进"), Contains("已答复"), Notice(Y1, Contains("团干部李四（杭州市西湖区委）：")))
    assert await CaseEvent.filter(kind="transfer").values_list("text", flat=True) == [
        "团干部张三（杭州市委） → 团干部李四（杭州市西湖区委）"
    ]


# ------------------------------------------------------------------ reading: privacy and order


async def test_content_visible_only_to_youth_cadre_and_admins_above(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await open_first(app)
    await converse(app, private(Y1, "/诉求 1"), Contains("【诉求 #1】实际困难｜待答复", "食堂饭菜太贵了", "首次答复时限：2026-12-02 10:00"))
    await converse(app, private(ZHANG, "/诉求 #1"), Contains("食堂饭菜太贵了", "提出人：QQ 50001（小1）"))
    for admin in (HANGZHOU_ADMIN, PROVINCE_ADMIN):
        await converse(app, private(admin, "/诉求 1"), Without("食堂饭菜太贵了", "提出人：匿名", exclude=("50001",)))
    for other in (NINGBO_ADMIN, XIHU_ADMIN, WANG, LI, Y2):
        await converse(app, private(other, "/诉求 1"), Without("无权查看", exclude=("食堂",)))
    await converse(app, private(Y2, "/诉求 列表"), Without("你还没有诉求", exclude=("食堂",)))


async def test_lists_show_overdue_first(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await link(Y2, zhang)
    clock.set_now(T0 - timedelta(days=3))
    await converse(app, private(Y1, "/诉求 困难 较早的事"), Contains("#1"), Notice(ZHANG, Contains("#1")))
    clock.set_now(T0 - timedelta(days=2, hours=23))
    await converse(app, private(Y2, "/诉求 建议 已答复的事"), Contains("#2"), Notice(ZHANG, Contains("#2")))
    await converse(app, private(ZHANG, "/回复 2 好的"), Contains("已答复"), Notice(Y2, Contains("好的")))
    clock.set_now(T0 - timedelta(hours=1))
    await converse(app, private(Y2, "/诉求 困惑 刚提的事"), Contains("#3"), Notice(ZHANG, Contains("#3")))
    clock.set_now(T0)
    await converse(app, private(Y2, "/诉求 困惑 又一件"), Contains("#4"), Notice(ZHANG, Contains("#4")))
    await converse(app, private(ZHANG, "/办结 4"), Contains("已办结"), Notice(Y2, Contains("#4")))
    await converse(
        app, private(ZHANG, "/诉求 列表"),
        InOrder("你负责的诉求（超时的在前）", "#1 实际困难｜待答复｜已超时", "#3 思想困惑｜待答复", "#2 意见建议｜已答复", "#4 思想困惑｜已办结"),
    )
    await converse(app, private(Y2, "/诉求 列表"), InOrder("你提出的诉求", "#3", "#2", "#4"))
    await converse(app, private(Y3, "/诉求 列表"), Contains("你还没有诉求"))


# ------------------------------------------------------------------ the problem list


async def seed_cases(tree, zhang, wang, li) -> None:
    """Cases with known states, created directly (the counts are what is tested)."""
    november = datetime(2026, 11, 10, 9, 0, tzinfo=SH)
    rows = [
        # (cadre, category, status, days before now, extra)
        (zhang, "difficulty", "closed", 20, {"first_answer_at": november, "closed_at": november, "rating": 5}),
        (zhang, "difficulty", "open", 3, {}),  # overdue
        (zhang, "suggestion", "answered", 10, {"first_answer_at": T0, "escalated_at": T0, "escalation_note": "普遍问题"}),
        (zhang, "confusion", "waiting", 4, {"waiting_since": T0 - timedelta(days=3)}),  # paused: not overdue
        (zhang, "other", "open", 3, {"paused_seconds": 2 * 86400}),  # 1 day of cadre time: not overdue
        (li, "difficulty", "open", 6, {"escalated_at": T0, "escalation_note": "超过 5 天未答复，自动上报", "show_identity": True}),
        (wang, "suggestion", "open", 1, {}),
        (zhang, "difficulty", "closed", 40, {"closed_at": T0}),  # October
    ]
    texts = ["食堂饭菜太贵了", "食堂饭菜太咸", "宿舍没有热水", "考研还是工作", "宿舍热水时间太短", "实习补贴被拖欠", "希望多办讲座", "十月的事"]
    for (cadre, category, status, days, extra), text in zip(rows, texts, strict=True):
        await Case.create(
            youth_qq=Y1 if cadre is li else Y2, category=category, content=text, cadre=cadre, org_id=cadre.org_id,
            status=status, created_at=T0 - timedelta(days=days), **extra,
        )


async def test_problem_list_counts_match_the_cases(app: App) -> None:
    tree, zhang, wang, li = await setup()
    await seed_cases(tree, zhang, wang, li)
    await converse(
        app, private(ZHANG, "/清单"),
        Contains(
            "【问题清单】共青团杭州市委张三｜2026年11月",
            "诉求 5 件：未办结 4，超时未答复 1，已上报 1，已办结 1",
            "思想困惑：1 件（未办结 1，超时 0，上报 0，办结 0）",
            "实际困难：2 件（未办结 1，超时 1，上报 0，办结 1）",
            "意见建议：1 件（未办结 1，超时 0，上报 1，办结 0）",
            "未分类：1 件（未办结 1，超时 0，上报 0，办结 0）",
            "评价 1 次（满 5 次后显示平均分）",
            "共性问题：食堂饭菜（2 件）、宿舍（2 件）、热水（2 件）",
            "上报事项（1 件）：",
            "#3 意见建议｜杭州市委｜11-30 10:00 上报｜匿名｜宿舍没有热水",
        ),
    )
    await converse(
        app, private(HANGZHOU_ADMIN, "/清单 本月"),
        Without(
            "【问题清单】杭州市委（含下级组织）｜2026年11月",
            "诉求 6 件：未办结 5，超时未答复 2，已上报 2，已办结 1",
            "实际困难：3 件（未办结 2，超时 2，上报 1，办结 1）",
            "上报事项（2 件）：",
            "#6 实际困难｜杭州市西湖区委｜11-30 10:00 上报｜署名：QQ 50001（用户50001）｜实习补贴被拖欠",
            exclude=("希望多办讲座", "十月的事"),
        ),
    )
    await converse(app, private(PROVINCE_ADMIN, "/清单"), Contains("诉求 7 件", "意见建议：2 件"))
    await converse(app, private(NINGBO_ADMIN, "/清单"), Without("诉求 1 件", "意见建议：1 件", exclude=("食堂", "实习")))
    await converse(app, private(XIHU_ADMIN, "/清单"), Contains("诉求 1 件", "实际困难：1 件（未办结 1，超时 1，上报 1，办结 0）"))
    await converse(app, private(ZHANG, "/清单 2026Q4"), Contains("2026年第4季度", "诉求 6 件", "实际困难：3 件"))
    await converse(app, private(ZHANG, "/清单 本季度"), Contains("2026年第4季度", "诉求 6 件"))
    await converse(app, private(ZHANG, "/清单 2026-10"), Contains("2026年10月", "诉求 1 件"))
    await converse(app, private(ZHANG, "/清单 2026Q3"), Contains("诉求 0 件"))
    await converse(app, private(ZHANG, "/清单 2026Q5"), Contains("看不懂期间", "2026Q4"))
    await converse(app, private(ZHANG, "/清单 本月 多余"), Contains("多写了“多余”"))
    await converse(app, private(Y1, "/清单"), Contains("这条指令只供团干部和组织管理员使用"))
    # In a group: counts only.
    await converse(app, group(G, ZHANG, "/清单"), Without("诉求 5 件", "实际困难 2", "群里只显示统计数字", exclude=("宿舍", "食堂")))


async def test_overdue_in_sql_is_the_same_rule_as_in_python(app: App) -> None:
    tree, zhang, wang, li = await setup()
    await seed_cases(tree, zhang, wang, li)
    for hours in (0, 24, 47, 48, 72, 200):
        now = T0 + timedelta(hours=hours)
        clock.set_now(now)
        period = problems.parse_period("2026")
        summary = await problems.summarise(problems.Scope("全部", "1=1", []), period)
        expected = sum(sla.is_overdue(c, now) for c in await Case.all())
        assert summary.total.overdue == expected, hours


def test_periods() -> None:
    from datetime import date

    today = date(2026, 1, 15)
    assert problems.parse_period(None, today).key == "2026-01"
    assert problems.parse_period("上月", today).key == "2025-12"
    assert problems.parse_period("本季度", today).key == "2026Q1"
    assert problems.parse_period("上季度", today).key == "2025Q4"
    q4 = problems.parse_period("2025Q4", today)
    assert (q4.first, q4.after) == (date(2025, 10, 1), date(2026, 1, 1))
    assert problems.parse_period("2026-12", today).after == date(2027, 1, 1)
    assert problems.parse_period("2026年3月", today).key == "2026-03"
    assert problems.parse_period("今年", today).key == "2026"
    # Local midnight in Shanghai, stored in UTC.
    assert problems.parse_period("2026-11", today).start == datetime(2026, 10, 31, 16, 0, tzinfo=ZoneInfo("UTC"))


def test_common_themes() -> None:
    texts = ["食堂饭菜太贵了", "食堂饭菜太咸", "宿舍没有热水", "宿舍热水时间太短", "考研还是工作"]
    assert problems.themes(texts) == [("食堂饭菜", 2), ("宿舍", 2), ("热水", 2)]
    assert problems.themes(["只有一件"]) == []


# ------------------------------------------------------------------ erasure


async def test_leaving_entirely_anonymises_cases_and_keeps_them(app: App) -> None:
    _, zhang, _, _ = await setup()
    await link(Y1, zhang)
    await link(Y2, zhang)
    await open_first(app)
    await converse(app, private(Y1, "/补充 1 补充一句"), Contains("已补充"), Notice(ZHANG, Contains("补充一句")))
    await converse(app, private(Y1, "/诉求 第二件"), Contains("#2"), Notice(ZHANG, Contains("#2")))
    await converse(app, private(ZHANG, "/办结 2"), Contains("已办结"), Notice(Y1, Contains("/评价 2")))
    await converse(app, private(Y1, "/评价 2 5 谢谢张老师，我是三班的小一"), Contains("5 分"))
    await converse(app, private(Y1, "/互助 需要 想找人练口语"), Contains("#1"), Notice(ZHANG, Contains("#1")))
    await converse(app, private(Y2, "/互助 提供 可以陪练口语"), Contains("#2"), Notice(ZHANG, Contains("#2")))
    await converse(
        app, private(ZHANG, "/互助 匹配 1 2"), Contains("已发出互助介绍 #1"),
        Notice(Y1, Contains("介绍 #1")), Notice(Y2, Contains("介绍 #1")),
    )
    await converse(app, private(Y1, "/退出 全部"), Contains("要删除的是"))
    await converse(app, private(Y1, "/退出 全部 确认"), Contains("已删除你的全部个人信息"))
    case = await Case.get(id=1)
    assert (case.youth_qq, case.content, case.status) == (None, "食堂饭菜太贵了", "open")
    assert not await CaseEvent.filter(actor_qq=Y1).exists()
    assert await CaseEvent.filter(kind="supplement").values_list("text", flat=True) == ["补充一句"]
    rated = await Case.get(id=2)
    assert (rated.youth_qq, rated.rating, rated.rating_comment) == (None, 5, None)
    assert await CaseEvent.filter(kind="rating").values_list("text", flat=True) == [None]
    assert await HelpPost.filter(qq=Y1).count() == 0
    post = await HelpPost.get(id=1)
    assert (post.status, post.content) == ("closed", "")
    assert (await HelpPost.get(id=2)).status == "open"  # free to be matched again
    assert (await HelpMatch.get(id=1)).status == "declined"
    # Notices already sent to the cadre and the other youth no longer name them or quote their post.
    texts = await OutboxMessage.all().values_list("text", flat=True)
    assert texts and not [t for t in texts if "50001" in t or "小1" in t or "想找人练口语" in t]
    assert any("来自：（已删除个人信息的青年）" in t for t in texts)
    await converse(app, private(ZHANG, "/诉求 1"), Contains("提出人：（已删除个人信息）", "食堂饭菜太贵了"))
    await converse(app, private(ZHANG, "/回复 1 收到"), Contains("提出人已删除个人信息，无法送达"))
    await converse(app, private(ZHANG, "/清单"), Contains("诉求 2 件"))
    # Someone who left entirely is not recorded again, yet is never turned away empty-handed.
    await converse(app, private(Y1, "/诉求 列表"), Contains("不能办理这条指令", "12355 青少年服务台"))
    assert await Case.filter(youth_qq=Y1).count() == 0


# ------------------------------------------------------------------ mutual help


async def help_world(app: App):
    _, zhang, wang, _ = await setup()
    for qq in (Y1, Y2):
        await link(qq, zhang)
    await link(Y3, wang)
    await converse(
        app, private(Y1, "/互助 需要 想找人练英语口语"),
        Contains("已发布互助 #1（需要）到杭州市委张三的联系青年圈", "看不到你是谁"),
        Notice(ZHANG, Contains("【互助 #1】你的联系青年发布了需要：想找人练英语口语")),
    )
    await converse(app, private(Y2, "/互助 提供 可以陪练英语口语"), Contains("#2（提供）"), Notice(ZHANG, Contains("#2")))
    await converse(app, private(Y1, "/互助 提供 会修电脑"), Contains("#3（提供）"), Notice(ZHANG, Contains("#3")))
    return zhang


async def test_mutual_help_introduces_only_when_both_agree(app: App) -> None:
    await help_world(app)
    await converse(app, private(Y2, "/互助 列表"), Without("#1 需要：想找人练英语口语", "#2 提供：可以陪练英语口语（我发布的", exclude=("50001",)))
    await converse(app, private(Y3, "/互助 列表"), Without("还没有互助", exclude=("口语",)))
    await converse(app, private(ZHANG, "/互助 列表"), Contains("需要：", "#1 想找人练英语口语｜QQ 50001（小1）｜等待匹配", "提供："))
    await converse(
        app, private(ZHANG, "/互助 匹配 #1 #2"),
        Contains("已发出互助介绍 #1：需要 #1 ↔ 提供 #2"),
        Notice(Y1, Without("【互助介绍 #1】", "对方提供：可以陪练英语口语", "/互助 同意 1", exclude=("50002",))),
        Notice(Y2, Without("【互助介绍 #1】", "对方需要：想找人练英语口语", "/互助 拒绝 1", exclude=("50001",))),
    )
    await converse(app, private(ZHANG, "/互助 匹配 1 2"), Contains("互助 #1 已在匹配中"))
    await converse(app, private(Y1, "/互助 同意 1"), Contains("已记录你的同意", "等对方也同意"))
    await converse(app, private(Y1, "/互助 同意 1"), Contains("已经回复过"))
    await converse(app, private(Y3, "/互助 同意 1"), Contains("没有发给你的互助介绍 #1"))
    await converse(app, private(ZHANG, "/互助 列表"), Contains("介绍 #1：需要 #1（已同意）↔ 提供 #2（未回复）"))
    await converse(
        app, private(Y2, "/互助 同意 #1"),
        Contains("双方都同意了"),
        Notice(Y1, Contains("【互助介绍 #1】双方都同意了", "QQ 50002（小2）")),
        Notice(Y2, Contains("【互助介绍 #1】双方都同意了", "QQ 50001（小1）")),
        Notice(ZHANG, Contains("互助介绍 #1", "双方都已同意")),
    )
    match = await HelpMatch.get(id=1)
    assert (match.need_answer, match.offer_answer, match.status) == (True, True, "introduced")
    await converse(app, private(Y2, "/互助 拒绝 1"), Contains("已经介绍成功"))


async def test_mutual_help_decline_shares_nothing(app: App) -> None:
    await help_world(app)
    await converse(app, private(ZHANG, "/互助 匹配 1 2"), Contains("#1"), Notice(Y1, Contains("#1")), Notice(Y2, Contains("#1")))
    await converse(app, private(Y1, "/互助 同意 1"), Contains("已记录你的同意"))
    await converse(
        app, private(Y2, "/互助 拒绝 1"),
        Contains("已取消介绍 #1"),
        Notice(Y1, Without("没有成行", "互助 #1 会继续等待", exclude=("50002",))),
        Notice(ZHANG, Contains("有一方不同意")),
    )
    assert (await HelpMatch.get(id=1)).status == "declined"
    assert await HelpPost.filter(status="open").count() == 3
    assert not await OutboxMessage.filter(category="help_contact").exists()


async def test_mutual_help_refusals(app: App) -> None:
    await help_world(app)
    await converse(app, private(ZHANG, "/互助 匹配 1 1"), Contains("不能把互助 #1 与它自己匹配"))
    await converse(app, private(ZHANG, "/互助 匹配 2 1"), Contains("请先写“需要”的编号"))
    await converse(app, private(ZHANG, "/互助 匹配 1 3"), Contains("是同一位青年发布的"))
    await converse(app, private(ZHANG, "/互助 匹配 1 9"), Contains("你的联系青年中没有互助 #9"))
    await converse(app, private(ZHANG, "/互助 匹配 1"), Contains("请写提供编号。用法："))
    await converse(app, private(WANG, "/互助 匹配 1 2"), Contains("你的联系青年中没有互助 #1"))
    await converse(app, private(Y2, "/互助 匹配 1 2"), Contains("只供已认证的团干部使用"))
    await converse(app, private(Y1, "/互助 需要"), Contains("请写互助内容"))
    await converse(app, private(Y1, "/互助 需要 " + "字" * 501), Contains("互助内容最多 500 个字"))
    await converse(app, private(Y1, "/互助 借钱"), Contains("看不懂“借钱”", "/互助 需要 <内容>"))
    await consenting(50009)
    await converse(app, private(50009, "/互助 需要 找工作"), Contains("请先与团干部建立联系"))
    await converse(app, private(Y2, "/互助 撤回 1"), Contains("没有你发布的互助 #1"))
    await converse(app, private(Y1, "/互助 撤回 1"), Contains("已撤回互助 #1"))
    await converse(app, private(ZHANG, "/互助 匹配 1 2"), Contains("互助 #1 已撤回"))
    assert await HelpMatch.all().count() == 0
    assert await HelpPost.all().count() == 3


async def test_cadre_named_by_at_in_a_group(app: App) -> None:
    _, zhang, wang, _ = await setup()
    await bind_group(zhang)
    message = Message([MessageSegment.text("/诉求 "), MessageSegment.at(WANG), MessageSegment.text(" 困难 想转岗")])
    await converse(
        app, group(G, Y1, message), Contains("由团干部王五（宁波市委）跟进"),
        Notice(WANG, Contains("想转岗")), Notice(Y1, Contains("想转岗")),
    )
    assert (await Case.get(id=1)).cadre_id == wang.id
