"""Faults: the OneBot connection drops, the OneBot side refuses or times out, the process
is killed. Each test checks that nothing the bot owed was lost or sent twice."""

import signal
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.botproc import db_rows, e2e_database_url, eventually, run_cli, start_bot, stop_bot
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_group_to, is_private_to

SH = ZoneInfo("Asia/Shanghai")
ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n"
CADRES = "姓名,组织,类别,QQ\n张三,浙江省委,专职,20001\n"
ZHANG = 20001
G = 850001
YOUTH = list(range(50001, 50006))


def roster(tmp_path, url: str) -> None:
    (tmp_path / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (tmp_path / "cadres.csv").write_text(CADRES, encoding="utf-8")
    run_cli(url, "import", str(tmp_path / "orgs.csv"), str(tmp_path / "cadres.csv"))


def simulator(bot) -> OneBotSimulator:
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G, "青年群", [(ZHANG, "张三", "owner"), *[(y, f"青年{y}") for y in YOUTH]])
    return sim


async def test_pending_messages_are_delivered_once_after_reconnect(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_faults_ws")
    roster(tmp_path, url)
    bot = await start_bot(url, clock_at=datetime(2026, 12, 1, 23, 0, tzinfo=SH))  # quiet hours
    sim = simulator(bot)
    try:
        async with sim.connected():
            for qq in YOUTH:
                assert "已安排给" in await sim.ask_private(ZHANG, f"/邀请 {qq}")
        await sim.drop()  # the connection is lost while the messages wait
        bot.set_clock(datetime(2026, 12, 2, 8, 30, tzinfo=SH))  # morning, nobody connected
        # A refusal on the first attempt after reconnecting: the message stays and is retried.
        sim.fail_actions["send_private_msg"] = 1200
        async with sim.connected():
            await sim.wait_for(lambda c: c.action == "send_private_msg")
            sim.fail_actions.clear()
            # Refused messages back off (30 s after the first refusal): move the clock on.
            bot.set_clock(datetime(2026, 12, 2, 8, 35, tzinfo=SH))
            for qq in YOUTH:
                await sim.wait_for(lambda c, qq=qq: is_private_to(c, qq) and c.result is not None, timeout=30)
            await sim.ask_private(30001, "/发件箱")
        delivered = [c for c in sim.calls if c.action == "send_private_msg" and c.result is not None and c.params["user_id"] in YOUTH]
        assert sorted(c.params["user_id"] for c in delivered) == YOUTH  # each exactly once
        assert db_rows(url, "SELECT COUNT(*) FROM outbox_message WHERE status = 'sent' AND category = 'invitation'") == [(5,)]
    finally:
        stop_bot(bot)


async def test_onebot_errors_do_not_corrupt_membership_or_counts(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_faults_api")
    roster(tmp_path, url)
    bot = await start_bot(url)
    sim = simulator(bot)
    try:
        async with sim.connected():
            await sim.ask_group(G, ZHANG, "/绑定本群")
            members = db_rows(url, f"SELECT COUNT(*) FROM group_member WHERE group_id = {G}")
            assert members == [(6,)]
            # The member list call fails: the stored membership is left as it was.
            sim.fail_actions["get_group_member_list"] = 1200
            await sim.ask_group(G, ZHANG, "/解绑本群")
            reply = await sim.ask_group(G, ZHANG, "/绑定本群")
            assert "成员名单暂时拿不到" in reply.text
            assert db_rows(url, f"SELECT COUNT(*) FROM group_member WHERE group_id = {G}") == [(0,)]
            sim.fail_actions.clear()
            # get_msg fails for a quoted message: still counted, just not linked.
            sim.fail_actions["get_msg"] = 100
            first = await sim.group_message(G, YOUTH[0], "请问怎么报名？")
            await sim.group_message(G, ZHANG, "看群公告", reply_to=first)
            sim.fail_actions.clear()
            # Posting a topic is refused: no half-made topic is left behind.
            sim.fail_actions["send_group_msg"] = 1200
            failed = await sim.ask_private(ZHANG, "/话题 列表")  # a command answered privately still works
            assert "还没有发起过话题" in failed
            start = len(sim.calls)
            await sim.group_message(G, ZHANG, "/话题 寒假去哪儿")
            await sim.wait_for(lambda c: c.action == "send_group_msg", start=start)
            sim.fail_actions.clear()
            await sim.wait_for(lambda c: is_group_to(c, G) and "话题没能发到群里" in c.text, start=start)
            assert db_rows(url, "SELECT COUNT(*) FROM topic") == [(0,)]

            async def counted():
                # YOUTH[0] has not consented: counted in the group's anonymous row
                rows = db_rows(url, f"SELECT COALESCE(SUM(count), 0) FROM message_count WHERE group_id = {G} AND qq = 0")
                return rows[0][0] == 1

            assert await eventually(counted)
    finally:
        stop_bot(bot)


async def test_kill_loses_nothing_acknowledged(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_faults_kill")
    roster(tmp_path, url)
    bot = await start_bot(url, INTERACTION_FLUSH_SECONDS="1")
    sim = simulator(bot)
    try:
        async with sim.connected():
            await sim.ask_group(G, ZHANG, "/绑定本群")
            recorded = await sim.ask_private(ZHANG, "/活动 线下活动 今天 志愿服务")
            code = recorded.split("签到码 ")[1][:6]
            acknowledged = []
            for qq in YOUTH:
                await sim.ask_private(qq, "/同意")
                if "签到成功" in await sim.ask_private(qq, f"/签到 {code}"):
                    acknowledged.append(qq)
            # Requests arriving right up to the kill: each acknowledged one must survive it.
            for qq in (YOUTH[0], YOUTH[2]):
                await sim.ask_private(qq, "/加入 1")
                await sim.ask_private(qq, "/同意")
            numbers = []
            for i in range(10):
                answer = await sim.ask_private(YOUTH[0] if i < 5 else YOUTH[1], f"/诉求 困难 第{i}件事")
                if "已收到，编号 #" in answer:
                    numbers.append(int(answer.split("编号 #")[1].split("，")[0]))
            for i in range(20):
                await sim.group_message(G, YOUTH[i % 5], f"聊天 {i}")

            async def flushed():  # the flush interval has passed: these counts are on disk
                rows = db_rows(url, f"SELECT COALESCE(SUM(count), 0) FROM message_count WHERE group_id = {G} AND qq <> {ZHANG}")
                return rows[0][0] == 20

            assert await eventually(flushed)
            start = len(sim.calls)
            for i in range(5):  # and more still in flight when the process dies
                await sim.private_message(YOUTH[2], f"/诉求 建议 最后时刻的第{i}件事")
            await sim.wait_for(lambda c: is_private_to(c, YOUTH[2]) and "已收到" in c.text, start=start)
            bot.process.send_signal(signal.SIGKILL)
        bot.process.wait()
        assert db_rows(url, "SELECT COUNT(*) FROM check_in") == [(len(acknowledged),)]
        stored = {r[0] for r in db_rows(url, 'SELECT id FROM "case"')}
        assert len(numbers) == 5 and set(numbers) <= stored  # (the daily limit is 5 per youth)
        acked_late = [c for c in sim.sent_to_user(YOUTH[2]) if "已收到，编号 #" in c.text]
        assert {int(c.text.split("编号 #")[1].split("，")[0]) for c in acked_late} <= stored
        print(f"requests acknowledged before the kill: {len(numbers)} + {len(acked_late)} in flight")
        restarted = await start_bot(url)
        try:
            sim = simulator(restarted)
            async with sim.connected():
                progress = await sim.ask_private(ZHANG, "/活动 进度")
                assert f"参加 {len(acknowledged)} 人次" in progress
        finally:
            stop_bot(restarted)
        assert len(acknowledged) == 5
    finally:
        stop_bot(bot)


async def test_a_malformed_event_is_logged_without_what_was_typed(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_faults_log")
    bot = await start_bot(url)
    sim = simulator(bot)
    try:
        async with sim.connected():
            await sim.post({
                "time": "yesterday", "self_id": "not-a-number", "post_type": "message", "message_type": "group",
                "group_id": 123, "user_id": 98765432, "message": [{"type": "text", "data": {"text": "我的秘密是幸福路88号"}}],
                "raw_message": "我的秘密是幸福路88号", "sender": {"nickname": "真名张小花"},
            })
            assert "联青" in await sim.ask_private(20001, "/帮助")  # still working
    finally:
        stop_bot(bot)
    log = bot.log()
    assert "malformed OneBot event #1 ignored (post_type=message, message_type=group)" in log
    for secret in ("幸福路", "张小花", "98765432"):
        assert secret not in log
