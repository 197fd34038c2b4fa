"""A cadre's week end to end (issue 16), through the real bot process and the OneBot
simulator with a controlled clock: who to reach next (/联系人 待联系), the Monday card
(once, at CADRE_CARD_TIME, not after /提醒 周卡 关闭), and a cadre who leaves with a
successor (group, open request and only the youth who agree move; no more cards)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.botproc import (
    e2e_database_url,
    eventually,
    import_roster,
    start_bot,
    stop_bot,
)
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_private_to

SH = ZoneInfo("Asia/Shanghai")
ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n杭州市委,浙江省委,市,30002\n"
CADRES = "姓名,组织,类别,QQ\n张三,杭州市委,专职,20001\n李四,杭州市委,兼职,20002\n"
ZHANG, LI, ADMIN = 20001, 20002, 30002
Y1, Y2, Y3, Y4 = 50001, 50002, 50003, 50004
G = 860001
CARD = "【本周联系】"
# Thursday 20 August 2026; 101 days later is Sunday 29 November, then Monday 30 November.
FIRST_DAY = datetime(2026, 8, 20, 10, 0, tzinfo=SH)


@pytest.fixture
async def bot(tmp_path_factory):
    """A fresh bot and database for each test: no test relies on what another one did."""
    url = e2e_database_url("lianqing_e2e_week")
    imported = import_roster(url, tmp_path_factory.mktemp("roster"), ORGS, CADRES)
    assert "团干部：新增 2" in imported.stdout, imported.stdout + imported.stderr
    process = await start_bot(url, clock_at=FIRST_DAY, REMINDERS_ENABLED="true")
    yield process
    stop_bot(process)


@pytest.fixture
async def sim(bot):
    """Connected, with the first day done: 张三 bound the group, 小一, 小二 and 小三 joined
    (five minutes apart) and 小一 opened request #1."""
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G, "杭州青年一群", [(ZHANG, "张三", "owner"), (LI, "李四", "admin"), (Y1, "小一"),
                                      (Y2, "小二"), (Y3, "小三"), (Y4, "小四")])
    async with sim.connected():
        await sim.ask_group(G, ZHANG, "/绑定本群")
        for minutes, youth in ((0, Y1), (5, Y2), (10, Y3)):
            bot.set_clock(FIRST_DAY.replace(minute=minutes))
            assert "你已和团干部张三（杭州市委）建立联系" in await join(sim, youth, "学生")
        assert "#1" in await sim.ask_private(Y1, "/诉求 图书馆晚上九点就关门，复习不够用")
        yield sim


# A Sunday 101 days on, before the card's daily job (09:30) is due that day: a Sunday
# tick still running when the clock jumps to Monday would run it with Monday's date
# (card.run reads clock.today() itself) and send Monday's card before 09:30.
SUNDAY = datetime(2026, 11, 29, 8, 0, tzinfo=SH)


async def cadre_answers_in_group(sim: OneBotSimulator, youth: int) -> None:
    """张三 answers the youth in the group by quoting her message."""
    question = await sim.group_message(G, youth, "周末有人一起去做志愿者吗？")
    await sim.group_message(G, ZHANG, "有！周六上午文三路社区集合", reply_to=question)


async def checks_in_at_cadres_activity(sim: OneBotSimulator, youth: int) -> None:
    recorded = await sim.ask_private(ZHANG, "/活动 线下活动 今天 社区志愿服务 文三路社区")
    code = recorded.split("签到码 ")[1][:6]
    assert "签到成功" in await sim.ask_private(youth, f"/签到 {code}")


async def heard_from_two(bot, sim: OneBotSimulator) -> None:
    """On SUNDAY 张三 answers 小二 in the group and 小三 checks in at his activity; only 小一 is left
    to reach (waits until the exchange is in the database)."""
    bot.set_clock(SUNDAY)
    await cadre_answers_in_group(sim, Y2)
    await checks_in_at_cadres_activity(sim, Y3)

    async def one_left() -> bool:
        return "共 1 人" in await sim.ask_private(ZHANG, "/联系人 待联系")

    assert await eventually(one_left)


def cards_to(sim: OneBotSimulator, qq: int, start: int = 0) -> list[str]:
    return [c.text for c in sim.sent_to_user(qq, start) if CARD in c.text]


async def no_card_comes(sim: OneBotSimulator, qq: int, start: int, *, already: int = 0) -> bool:
    """Poll for two seconds (the scheduler ticks every 0.3 s); True when no further card came."""

    async def came() -> bool:
        return len(cards_to(sim, qq, start)) > already

    return not await eventually(came, timeout=2)


async def join(sim: OneBotSimulator, youth: int, field: str) -> str:
    await sim.ask_group(G, youth, f"/加入 {field}")
    return await sim.ask_private(youth, "/同意")


async def test_who_to_reach_next_oldest_first_until_they_hear_from_the_cadre(bot, sim: OneBotSimulator) -> None:
    assert "都和你有过双向联系" in await sim.ask_private(ZHANG, "/联系人 待联系")

    bot.set_clock(SUNDAY)
    due = await sim.ask_private(ZHANG, "/联系人 待联系")
    assert "90 天以上没有双向联系的青年共 3 人" in due
    lines = due.splitlines()
    listed = [next(i for i, line in enumerate(lines) if line.startswith(name)) for name in ("小一", "小二", "小三")]
    assert listed == sorted(listed), due  # oldest first
    assert "8月20日 确认联系" in lines[listed[0]]
    assert f"下一步：发 /联系人 {Y1} 看看小一的近况" in due
    assert "60 天以上没有双向联系的青年共 3 人" in await sim.ask_private(ZHANG, "/联系人 待联系 60")
    assert "在 200 天内都和你有过双向联系" in await sim.ask_private(ZHANG, "/联系人 待联系 200")

    # The cadre answers 小二 in the group by quoting her message: she leaves the list.
    await cadre_answers_in_group(sim, Y2)

    async def two_left() -> str | None:  # exchanges reach the database with the next flush
        text = await sim.ask_private(ZHANG, "/联系人 待联系")
        return text if "共 2 人" in text else None

    due = await eventually(two_left)
    assert due and "小二" not in due and "小一" in due and "小三" in due
    assert "11月29日 答复" in await sim.ask_private(ZHANG, f"/联系人 {Y2}")

    # 小三 checks in at the cadre's activity: she leaves the list too.
    await checks_in_at_cadres_activity(sim, Y3)
    due = await sim.ask_private(ZHANG, "/联系人 待联系")
    assert "共 1 人" in due and "小一" in due and "小二" not in due and "小三" not in due
    one = await sim.ask_private(ZHANG, f"/联系人 {Y3}")
    assert "11月29日 签到" in one and "没有未办结的诉求" in one


async def test_the_monday_card_comes_once_and_not_when_turned_off(bot, sim: OneBotSimulator) -> None:
    await heard_from_two(bot, sim)
    assert "周卡已关闭" in await sim.ask_private(LI, "/提醒 周卡 关闭")
    assert "每周一的周卡：关闭" in await sim.ask_private(LI, "/提醒")
    start = len(sim.calls)

    bot.set_clock(datetime(2026, 11, 30, 9, 29, tzinfo=SH))  # Monday, a minute early
    assert await no_card_comes(sim, ZHANG, start)

    bot.set_clock(datetime(2026, 11, 30, 9, 31, tzinfo=SH))
    card = await sim.wait_for(lambda c: is_private_to(c, ZHANG) and CARD in c.text, start=start, timeout=20)
    text = card.text
    assert text.startswith("【本周联系】张三，你好！")
    assert len(text.splitlines()) <= 8 and len(text) <= 600
    assert "这周找他们聊聊（1 人 90 天没有双向联系）：小一（8月20日 确认联系）" in text
    assert "诉求：未办结 1 件（#1）" in text
    assert "小二" not in text and "小三" not in text
    assert "不想收周卡，发 /提醒 周卡 关闭。" in text

    # Later the same Monday: no second card; the cadre who turned it off got none.
    bot.set_clock(datetime(2026, 11, 30, 11, 0, tzinfo=SH))
    assert "提醒状态" in await sim.ask_private(ZHANG, "/提醒")
    assert await no_card_comes(sim, ZHANG, start, already=1)
    assert not cards_to(sim, LI, start)
    assert "周卡已开启" in await sim.ask_private(LI, "/提醒 周卡 开启")
    assert await no_card_comes(sim, LI, start)  # on again: from next Monday


async def test_a_cadre_leaves_and_only_the_youth_who_agree_move(bot, sim: OneBotSimulator) -> None:
    await heard_from_two(bot, sim)
    # Monday morning, before he leaves: 张三's card comes (so nothing of that morning is
    # still on its way when he has left).
    monday = len(sim.calls)
    bot.set_clock(datetime(2026, 11, 30, 9, 31, tzinfo=SH))
    await sim.wait_for(lambda c: is_private_to(c, ZHANG) and CARD in c.text, start=monday, timeout=20)

    start = retired = len(sim.calls)
    bot.set_clock(datetime(2026, 11, 30, 14, 0, tzinfo=SH))
    done = await sim.ask_private(ADMIN, "/团干部 离任 #1 接任 #2")
    assert "团干部张三（杭州市委）已离任，由团干部李四（杭州市委）接任" in done
    assert "1 个绑定群、1 件未办结诉求已转交；3 名联系青年会收到询问" in done

    # The youth with an open request is told who follows it now.
    moved = await sim.wait_for(lambda c: is_private_to(c, Y1) and "改由" in c.text, start=start, timeout=20)
    assert "你的诉求 #1 改由团干部李四（杭州市委）跟进。" in moved.text
    # Every consenting youth is asked once.
    for youth in (Y1, Y2, Y3):
        asked = await sim.wait_for(lambda c, y=youth: is_private_to(c, y) and "/同意 转交" in c.text,
                                   start=start, timeout=20)
        assert "团干部张三（杭州市委）已离任，接任的是团干部李四（杭州市委）" in asked.text
        assert "不回复则联系自动结束" in asked.text
    told = await sim.wait_for(lambda c: is_private_to(c, LI) and "你接任了" in c.text, start=start, timeout=20)
    assert "1 个绑定群、1 件未办结诉求已交给你" in told.text
    assert "诉求 #1 改由你跟进" in "".join(c.text for c in sim.sent_to_user(LI, start))

    # The bound group is the successor's now: a newcomer's /加入 links to 李四.
    assert "你已和团干部李四（杭州市委）建立联系" in await join(sim, Y4, "企业职工")

    # ... and the newcomer's request from that group goes to 李四.
    filed = await sim.ask_group(G, Y4, "/诉求 自习室晚上太吵了")
    assert "已收到，编号 #2，由团干部李四（杭州市委）跟进" in filed.text

    # 小二 agrees, 小三 does not answer: only 小二 moves.
    assert "好了！你和团干部李四（杭州市委）保持联系" in await sim.ask_private(Y2, "/同意 转交")
    mine = await sim.ask_private(LI, "/联系人")
    assert "已确认 2/" in mine and "接任转来：1 名青年同意继续联系" in mine
    names = await sim.ask_private(LI, "/联系人 明细")
    assert "小二" in names and "小四" in names and "小三" not in names and "小一" not in names
    cases = await sim.ask_private(LI, "/诉求 列表")
    assert "#1" in cases and "#2" in cases
    assert "只供已认证的团干部使用" in await sim.ask_private(ZHANG, "/联系人")  # no longer in office

    # 李四 answers 小二 in the group: the exchange is his now.
    hello = await sim.group_message(G, Y2, "李老师好，以后有事找你啦")
    await sim.group_message(G, LI, "欢迎！有事随时说", reply_to=hello)

    async def answered() -> str | None:
        text = await sim.ask_private(LI, f"/联系人 {Y2}")
        return text if "答复" in text else None

    one = await eventually(answered)
    assert one and "11月30日 答复" in one

    # The next Monday: the successor's card comes, the departed cadre gets none.
    start = len(sim.calls)
    bot.set_clock(datetime(2026, 12, 7, 9, 31, tzinfo=SH))
    card = await sim.wait_for(lambda c: is_private_to(c, LI) and CARD in c.text, start=start, timeout=20)
    assert card.text.startswith("【本周联系】李四，你好！") and "诉求：未办结 2 件（#1、#2）" in card.text
    assert "小二" not in card.text  # just moved over: heard from today
    assert await no_card_comes(sim, ZHANG, start)

    # 小三 answers after the 14 days: the handover has ended.
    bot.set_clock(datetime(2026, 12, 15, 10, 0, tzinfo=SH))
    assert "没有等你回复的转交" in await sim.ask_private(Y3, "/同意 转交")
    assert "小三" not in await sim.ask_private(LI, "/联系人 明细")
    # Reminders stopped too (they are on in this bot): nothing unasked reached 张三 since.
    unasked = [c.text for c in sim.sent_to_user(ZHANG, retired) if c.action != "send_msg"]
    assert not [t for t in unasked if "【联青提醒】" in t or CARD in t], unasked
    assert any("【联青提醒】李四" in c.text for c in sim.sent_to_user(LI, retired))  # while the successor's came
