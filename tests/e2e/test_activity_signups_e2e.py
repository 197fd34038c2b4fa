"""Activities youth can join, end to end: the post reaches the bound group once, sign-up
with a place limit, the day-before reminder exactly once through the outbox and never in
quiet hours, no-shows for the cadre, and 1-5 feedback that feeds no score."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.botproc import db_rows, e2e_database_url, run_cli, start_bot, stop_bot
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_group_to, is_private_to

SH = ZoneInfo("Asia/Shanghai")
ZHANG, Y1, Y2, Y3 = 20001, 50001, 50002, 50003
G = 830001


async def test_post_sign_up_remind_once_and_feedback(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_signups")
    (tmp_path / "orgs.csv").write_text("组织名称,上级组织,层级\n浙江省委,,省\n", encoding="utf-8")
    (tmp_path / "cadres.csv").write_text("姓名,组织,类别,QQ\n张三,浙江省委,专职,20001\n", encoding="utf-8")
    run_cli(url, "import", str(tmp_path / "orgs.csv"), str(tmp_path / "cadres.csv"))
    bot = await start_bot(url, clock_at=datetime(2026, 12, 1, 10, 0, tzinfo=SH), REMINDERS_TIME="07:00:00")
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G, "青年群", [(ZHANG, "张三", "owner"), (Y1, "小一"), (Y2, "小二"), (Y3, "小三")])
    try:
        async with sim.connected():
            await sim.ask_group(G, ZHANG, "/绑定本群")
            assert "已记录活动 #1" in await sim.ask_private(ZHANG, "/活动 线下活动 12-05 读书会 图书馆")
            start = len(sim.calls)
            assert "1 个绑定群" in await sim.ask_private(ZHANG, "/活动 发布 1 2")
            post = await sim.wait_for(lambda c: is_group_to(c, G) and "【活动 #1】" in c.text, start=start)
            assert "名额 2 人，还剩 2 个" in post.text and "/报名 1" in post.text
            assert len(post.text) <= 200 and post.text.count("\n") < 6

            for youth in (Y1, Y2, Y3):
                assert "已记下你的同意" in await sim.ask_private(youth, "/同意")
            assert "报名成功" in (await sim.ask_group(G, Y1, "/报名 1")).text
            assert "报名成功" in await sim.ask_private(Y2, "/报名 1")
            assert "报满了" in await sim.ask_private(Y3, "/报名 1")
            assert "报名 2 人" in await sim.ask_private(ZHANG, "/活动 1")

            # The day before, in quiet hours (07:30, after REMINDERS_TIME): nothing yet.
            start = len(sim.calls)
            bot.set_clock(datetime(2026, 12, 4, 7, 30, tzinfo=SH))
            await sim.ask_private(ZHANG, "/活动 列表")  # the bot has ticked meanwhile
            assert db_rows(url, "SELECT COUNT(*) FROM outbox_message WHERE category = 'activity_reminder'") == [(0,)]
            bot.set_clock(datetime(2026, 12, 4, 8, 0, tzinfo=SH))
            for youth in (Y1, Y2):
                reminder = await sim.wait_for(lambda c, y=youth: is_private_to(c, y) and "是明天" in c.text, start=start)
                assert "「读书会」" in reminder.text
            bot.set_clock(datetime(2026, 12, 4, 9, 0, tzinfo=SH))
            await sim.ask_private(ZHANG, "/活动 列表")
            bot.set_clock(datetime(2026, 12, 4, 10, 0, tzinfo=SH))
            await sim.ask_private(ZHANG, "/活动 列表")
            reminders = [c for c in sim.calls[start:] if "是明天" in c.text]
            assert sorted(int(c.params.get("user_id") or 0) for c in reminders) == [Y1, Y2]
            assert not any(is_private_to(c, Y3) and "是明天" in c.text for c in sim.calls)

            # On the day: Y1 comes, Y2 does not; feedback is on.
            assert "不计入任何评分" in await sim.ask_private(ZHANG, "/活动 反馈 1 开启")
            bot.set_clock(datetime(2026, 12, 5, 14, 0, tzinfo=SH))
            code = db_rows(url, "SELECT code FROM activity WHERE id = 1")[0][0]
            assert "签到成功" in await sim.ask_private(Y1, f"/签到 {code}")
            assert "报名了但没签到 1 人：小二" in await sim.ask_private(ZHANG, "/活动 1")

            start = len(sim.calls)
            bot.set_clock(datetime(2026, 12, 6, 9, 0, tzinfo=SH))
            question = await sim.wait_for(lambda c: is_private_to(c, Y1) and "回复 1-5" in c.text, start=start)
            assert "这次活动你觉得怎么样" in question.text
            assert "谢谢你的回答（4 分）" in await sim.ask_private(Y1, "4")
            assert "活动反馈：1 人回答（满 5 人后显示平均分）" in await sim.ask_private(ZHANG, "/活动 1")
            assert not any(is_private_to(c, Y2) and "回复 1-5" in c.text for c in sim.calls)
            assert db_rows(url, "SELECT qq, score FROM activity_feedback") == [(None, 4)]
    finally:
        stop_bot(bot)
