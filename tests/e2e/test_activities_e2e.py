"""Activities end to end: record, check in (group and private), progress, and a reminder
delivered as a private message exactly once — by two bot processes sharing the database when
it is PostgreSQL (several processes on one SQLite file is not a supported deployment)."""

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.dbreset import is_postgres
from tests.e2e.botproc import e2e_database_url, run_cli, start_bot, stop_bot
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_private_to

SH = ZoneInfo("Asia/Shanghai")
ZHANG, Y1, Y2 = 20001, 50001, 50002
G = 830001


async def first_reminder(sims: list[OneBotSimulator], start: list[int]):
    """The first reminder to the cadre through either bot process."""
    waits = [
        asyncio.create_task(
            s.wait_for(lambda c: is_private_to(c, ZHANG) and "【联青提醒】" in c.text, start=n, timeout=20)
        )
        for s, n in zip(sims, start, strict=True)
    ]
    done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return next(iter(done)).result()


async def test_activity_check_in_progress_and_one_reminder(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_activities")
    (tmp_path / "orgs.csv").write_text("组织名称,上级组织,层级\n浙江省委,,省\n", encoding="utf-8")
    (tmp_path / "cadres.csv").write_text("姓名,组织,类别,QQ\n张三,浙江省委,专职,20001\n", encoding="utf-8")
    run_cli(url, "import", str(tmp_path / "orgs.csv"), str(tmp_path / "cadres.csv"))
    morning = datetime(2026, 11, 20, 10, 0, tzinfo=SH)
    first = await start_bot(url, clock_at=morning, REMINDERS_ENABLED="true")
    second = await start_bot(url, clock_at=morning, REMINDERS_ENABLED="true") if is_postgres(url) else first
    sims = [
        OneBotSimulator(first.ws_url, self_id=10000, access_token=first.access_token),
        OneBotSimulator(second.ws_url, self_id=10001, access_token=second.access_token),
    ]
    sims[0].add_group(G, "青年群", [(ZHANG, "张三"), (Y1, "小一"), (Y2, "小二")])
    try:
        async with sims[0].connected(), sims[1].connected():
            sim = sims[0]
            # Started on 20 November: November's face-to-face reminder (its window is the
            # whole month) is caught up at once, by one of the two processes.
            await first_reminder(sims, [0, 0])
            recorded = await sim.ask_private(ZHANG, "/活动 线下活动 今天 社区志愿服务 文三路社区")
            assert "已记录活动 #1：线下活动「社区志愿服务」，11月20日，地点：文三路社区" in recorded
            code = recorded.split("签到码 ")[1][:6]
            # Y2 consents first; Y1's check-in waits for /同意, then goes through.
            assert "已记下你的同意" in await sim.ask_private(Y2, "/同意")
            assert "请先看个人信息说明" in (await sim.ask_group(G, Y1, f"/签到 {code}")).text
            start_y1 = len(sim.calls)
            await sim.private_message(Y1, "/同意")
            await sim.wait_for(lambda c: "签到成功" in c.text, start=start_y1)
            assert "已有 2 人签到" in await sim.ask_private(Y2, f"／签到 {code}")
            progress = await sim.ask_private(ZHANG, "/活动 进度")
            assert "已开展 1 次活动 ✓" in progress and "面对面交流：还没有 ✗" in progress
            assert "签到名单" in await sim.ask_private(ZHANG, "/活动 1")

            # 1 December, 09:00 in both processes: the face-to-face reminder is due.
            start = [len(s.calls) for s in sims]
            december = datetime(2026, 12, 1, 9, 0, tzinfo=SH)
            first.set_clock(december)
            second.set_clock(december)
            reminder = await first_reminder(sims, start)
            assert "【联青提醒】张三，你好" in reminder.text and "今年还没有与青年面对面交流" in reminder.text
            assert "本季度" not in reminder.text  # the activity this quarter was recorded
            # Let both processes tick a few more times; still exactly one reminder in all.
            await sims[0].ask_private(ZHANG, "/提醒")
            await sims[1].ask_private(ZHANG, "/提醒")
            december_reminders = sum(
                1 for s, n in zip(sims, start, strict=True)
                for c in s.sent_to_user(ZHANG, n) if "【联青提醒】" in c.text
            )
            assert december_reminders == 1
            november = [c for s in sims for c in s.sent_to_user(ZHANG) if "【联青提醒】" in c.text]
            assert len(november) == 2
    finally:
        stop_bot(first)
        stop_bot(second)
