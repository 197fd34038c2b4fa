"""Several bot processes (different QQ accounts, each with its own groups) on one database:
they start together, see the union of contacts, counts and rankings, know one cadre as one,
and send a scheduled reminder once, not once per process."""

import asyncio
import contextlib
import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.dbreset import is_postgres
from tests.e2e.botproc import (
    db_rows,
    e2e_database_url,
    free_port,
    run_cli,
    spawn_bot,
    stop_bot,
)
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_private_to

# Several bot processes share PostgreSQL (README); SQLite is one process's embedded database
# (two writers would meet "database is locked").
pytestmark = pytest.mark.skipif(
    not is_postgres(os.environ.get("DATABASE_URL", "")),
    reason="several bot processes share one PostgreSQL; run with DATABASE_URL=postgres://…",
)
SH = ZoneInfo("Asia/Shanghai")
ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n杭州市委,浙江省委,市,30002\n"
CADRES = "姓名,组织,类别,QQ\n张三,杭州市委,专职,20001\n"
ZHANG = 20001
GA, GB = 840001, 840002
Y1, Y2, Y3 = 50001, 50002, 50003


async def started_together(url: str, count: int, when: datetime):
    """Start `count` processes at the same moment on a fresh database (migrations race)."""
    bots = [spawn_bot(url, free_port(), "multi-secret", when, REMINDERS_ENABLED="true") for _ in range(count)]
    ready = []
    try:
        for bot in bots:
            ready.append(await _wait(bot))
    except Exception:
        for bot in bots:
            stop_bot(bot)
        raise
    return ready


async def _wait(bot):
    for _ in range(600):
        if bot.process.poll() is not None:
            raise RuntimeError(f"bot exited during start-up:\n{bot.log()}")
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", bot.port)
            writer.close()
            return bot
        await asyncio.sleep(0.1)
    raise RuntimeError(f"bot did not listen:\n{bot.log()}")


async def test_two_processes_one_database(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_multibot", migrated=False)
    morning = datetime(2026, 11, 25, 10, 0, tzinfo=SH)
    bots = await started_together(url, 2, morning)
    try:
        (tmp_path / "orgs.csv").write_text(ORGS, encoding="utf-8")
        (tmp_path / "cadres.csv").write_text(CADRES, encoding="utf-8")
        imported = run_cli(url, "import", str(tmp_path / "orgs.csv"), str(tmp_path / "cadres.csv"))
        assert "团干部：新增 1" in imported.stdout, imported.stdout + imported.stderr
        a = OneBotSimulator(bots[0].ws_url, self_id=10000, access_token="multi-secret")
        b = OneBotSimulator(bots[1].ws_url, self_id=10001, access_token="multi-secret")
        a.add_group(GA, "A 号的群", [(ZHANG, "张三", "owner"), (Y1, "小一"), (Y3, "小三")])
        b.add_group(GB, "B 号的群", [(ZHANG, "张三", "owner"), (Y2, "小二"), (Y3, "小三")])
        async with a.connected(), b.connected():
            assert "本群的团干部" in (await a.ask_group(GA, ZHANG, "/绑定本群")).text
            assert "本群的团干部" in (await b.ask_group(GB, ZHANG, "/绑定本群")).text
            await a.ask_group(GA, Y1, "/加入")
            await a.ask_private(Y1, "/同意")
            await b.ask_group(GB, Y2, "/加入")
            await b.ask_private(Y2, "/同意")
            await a.ask_group(GA, Y3, "/加入")
            await a.ask_private(Y3, "/同意")
            assert "你已经和团干部张三（杭州市委）建立了联系" in (await b.ask_group(GB, Y3, "/加入")).text

            for sim in (a, b):  # either account sees the union
                mine = await sim.ask_private(ZHANG, "/联系人")
                assert "已确认 3/100" in mine
                assert "可联系（绑定群成员，不计入目标）：3 人，来自 2 个绑定群" in mine
            assert "已确认联系 3 人次，涉及青年 3 人" in await b.ask_private(30002, "/联系概况")
            assert "张三（杭州市委） 3%" in await a.ask_private(30001, "/排行 实现度")
            assert db_rows(url, "SELECT COUNT(*) FROM cadre") == [(1,)]
            assert db_rows(url, "SELECT COUNT(*) FROM bot_account") == [(2,)]

            # 1 December, 09:00 for both processes: the quarter reminder goes out once.
            start = [len(a.calls), len(b.calls)]
            december = datetime(2026, 12, 1, 9, 0, tzinfo=SH)
            for bot in bots:
                bot.set_clock(december)
            waits = [
                asyncio.create_task(s.wait_for(lambda c: is_private_to(c, ZHANG) and "【联青提醒】" in c.text, start=n, timeout=20))
                for s, n in zip((a, b), start, strict=True)
            ]
            done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            assert "还没有开展线下活动" in next(iter(done)).result().text
            await a.ask_private(ZHANG, "/提醒")  # both processes keep ticking meanwhile
            await b.ask_private(ZHANG, "/提醒")
            reminders = [c for s, n in zip((a, b), start, strict=True) for c in s.sent_to_user(ZHANG, n) if "【联青提醒】" in c.text]
            assert len(reminders) == 1
            assert db_rows(url, "SELECT COUNT(*) FROM reminder_log WHERE rule = 'quarter_activity_1'") == [(1,)]
    finally:
        for bot in bots:
            stop_bot(bot)
