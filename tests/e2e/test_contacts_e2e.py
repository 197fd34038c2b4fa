"""Contacts end to end: bind → notice → sync → /加入 + /同意 → counts → /退出 全部, notices,
duplicates across groups and cadres, and the outbox's budget and quiet hours (clock file)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.botproc import (
    DEFAULT_NOW,
    db_rows,
    e2e_database_url,
    eventually,
    import_roster,
    start_bot,
    stop_bot,
)
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import Member, is_private_to

SH = ZoneInfo("Asia/Shanghai")
ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n杭州市委,浙江省委,市,30002\n宁波市委,浙江省委,市,\n"
CADRES = "姓名,组织,类别,QQ\n张三,杭州市委,专职,20001\n王五,宁波市委,兼职,20002\n"
ZHANG, WANG = 20001, 20002
Y1, Y2, Y3, Y4, Y5, Y6 = 50001, 50002, 50003, 50004, 50005, 50006
G1, G2, G3 = 810001, 810002, 810003


def pending_for(bot, qq: int) -> int:
    """Messages to `qq` still waiting in the outbox (read from the bot's database)."""
    return db_rows(
        bot.database_url,
        f"SELECT COUNT(*) FROM outbox_message WHERE target = {qq} AND status IN ('pending', 'sending')",
    )[0][0]


@pytest.fixture(scope="module")
async def bot(tmp_path_factory):
    url = e2e_database_url("lianqing_e2e_contacts")
    imported = import_roster(url, tmp_path_factory.mktemp("roster"), ORGS, CADRES)
    assert "团干部：新增 2" in imported.stdout, imported.stdout + imported.stderr
    process = await start_bot(url, OUTBOX_POLL_SECONDS="0.2")
    yield process
    stop_bot(process)


@pytest.fixture(scope="module")
async def sim(bot):
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G1, "杭州青年一群", [(ZHANG, "张三", "owner"), (Y1, "小一"), (Y2, "小二"), (Y3, "小三")])
    sim.add_group(G2, "杭州青年二群", [(ZHANG, "张三", "owner"), (Y1, "小一"), (Y4, "小四")])
    sim.add_group(G3, "宁波青年群", [(WANG, "王五", "owner"), (Y1, "小一"), (Y2, "小二")])
    async with sim.connected():
        yield sim


async def test_bind_join_count_notices_and_erase(bot, sim: OneBotSimulator) -> None:
    start = len(sim.calls)
    notice = await sim.ask_group(G1, ZHANG, "/绑定本群")
    assert "【联青】本群的团干部：" in notice.text and "共青团杭州市委张三" in notice.text
    assert "不存聊天内容" in notice.text and notice.text.count("\n") < 6
    assert any(c.action == "get_group_member_list" and c.params["group_id"] == G1 for c in sim.calls[start:])

    # The group gets two lines @-mentioning the youth; the notice itself comes privately.
    start = len(sim.calls)
    consent = await sim.ask_group(G1, Y1, "/加入 学生")
    assert "请先看个人信息说明：已私聊你" in consent.text and "/同意" in consent.text
    assert consent.text.count("\n") <= 1 and any(s["type"] == "at" for s in consent.segments)
    private_notice = await sim.wait_for(
        lambda c: c.action == "send_private_msg" and c.params["user_id"] == Y1 and "【个人信息说明】" in c.text, start=start
    )
    assert "年满 14 周岁、同意的话，发 /同意" in private_notice.text
    assert "谢谢！你已和团干部张三（杭州市委）建立联系" in await sim.ask_private(Y1, "/同意")

    # A second group of the same cadre: still one contact.
    await sim.ask_group(G2, ZHANG, "/绑定本群")
    again = await sim.ask_group(G2, Y1, "/加入")
    assert "你已经和团干部张三（杭州市委）建立了联系" in again.text

    # Another cadre's group: consent is not asked twice; Y1 now has two cadres.
    await sim.ask_group(G3, WANG, "/绑定本群")
    assert "你已和团干部王五（宁波市委）建立联系" in (await sim.ask_group(G3, Y1, "/加入")).text
    await sim.ask_group(G3, Y2, "/加入 企业职工")
    await sim.ask_private(Y2, "/同意")

    mine = await sim.ask_private(ZHANG, "/联系人")
    assert "已确认 1/100" in mine
    assert "可联系（绑定群成员，不计入目标）：4 人，来自 2 个绑定群" in mine
    assert "已确认 2/10" in await sim.ask_private(WANG, "/联系人")

    # Membership notices keep "reachable" current.
    sim.groups[G1].members[Y5] = Member(Y5, "小五")
    await sim.notice("group_increase", sub_type="approve", group_id=G1, user_id=Y5, operator_id=ZHANG)
    del sim.groups[G1].members[Y3]
    await sim.notice("group_decrease", sub_type="leave", group_id=G1, user_id=Y3, operator_id=Y3)
    # Notices and commands are handled concurrently: the count follows once the notice is written.
    async def reachable_four() -> bool:
        return "可联系（绑定群成员，不计入目标）：4 人" in await sim.ask_private(ZHANG, "/联系人")

    assert await eventually(reachable_four, timeout=10, interval=0.2)

    # The overview reads the hourly summary (the province's would take 47 s to count) and
    # says when it was counted; past EVALUATION_SUMMARY_MAX_AGE_MINUTES it is recounted.
    assert "（数据更新于 10:00）" in await sim.ask_private(30001, "/联系概况")
    bot.set_clock(DEFAULT_NOW + timedelta(minutes=61))
    overview = await sim.ask_private(30001, "/联系概况")
    assert "【联系概况】浙江省委（含下级组织）（数据更新于 11:01）" in overview
    assert "已确认联系 3 人次，涉及青年 2 人" in overview

    assert "要删除的是" in await sim.ask_private(Y1, "/退出 全部")
    erased = await sim.ask_private(Y1, "/退出 全部 确认")
    assert "已删除你的全部个人信息" in erased
    assert "已确认 0/100" in await sim.ask_private(ZHANG, "/联系人")
    assert "我们没有存你的个人信息" in await sim.ask_private(Y1, "/资料")
    assert "可联系（绑定群成员，不计入目标）：3 人" in await sim.ask_private(ZHANG, "/联系人")


async def test_outbox_budget_and_quiet_hours(bot, sim: OneBotSimulator) -> None:
    # 23:00 in Shanghai: the invitation waits.
    bot.set_clock(datetime(2026, 12, 1, 23, 0, tzinfo=SH))
    reply = await sim.ask_private(ZHANG, f"/邀请 {Y6}")
    assert "已安排给 50006 发邀请" in reply
    status = await sim.ask_private(30001, "/发件箱")
    assert "待发" in status and "22:00–08:00 为免打扰时段" in status
    assert pending_for(bot, Y6) == 1
    assert not sim.sent_to_user(Y6)

    # 08:00 the next morning it goes out, once.
    start = len(sim.calls)
    bot.set_clock(datetime(2026, 12, 2, 8, 0, tzinfo=SH))
    await sim.ask_private(30001, "/发件箱")  # any activity; the worker also polls on its own
    invitation = await sim.wait_for(lambda c: is_private_to(c, Y6), start=start)
    assert "团干部张三（杭州市委）" in invitation.text and "/加入 #1" in invitation.text

    # A second unsolicited message to the same youth that day waits for the next day.
    await sim.ask_private(WANG, f"/邀请 {Y6}")
    await sim.ask_private(30001, "/发件箱")
    assert pending_for(bot, Y6) == 1
    assert len(sim.sent_to_user(Y6)) == 1
    start = len(sim.calls)
    bot.set_clock(datetime(2026, 12, 3, 9, 0, tzinfo=SH))
    second = await sim.wait_for(lambda c: is_private_to(c, Y6), start=start)
    assert "团干部王五（宁波市委）" in second.text
    assert len(sim.sent_to_user(Y6)) == 2
