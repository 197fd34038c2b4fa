"""PostgreSQL restarts while the bot runs: commands during the outage get "稍后再试", the bot
carries on afterwards, and counts taken during the outage are written once it is back.

It stops and starts the machine's PostgreSQL, so it runs only when asked:
LIANQING_PG_RESTART_TEST=1 with DATABASE_URL naming PostgreSQL (.ci/run does this last).
"""

import os
import subprocess
from pathlib import Path

import pytest

from tests.dbreset import is_postgres
from tests.e2e.botproc import db_rows, e2e_database_url, eventually, run_cli, start_bot, stop_bot
from tests.simulator import OneBotSimulator

pytestmark = pytest.mark.skipif(
    not (os.environ.get("LIANQING_PG_RESTART_TEST") == "1" and is_postgres(os.environ.get("DATABASE_URL", ""))),
    reason="stops the machine's PostgreSQL: set LIANQING_PG_RESTART_TEST=1 and DATABASE_URL=postgres://…",
)
ZHANG, Y1 = 20001, 50001
G = 870001


def cluster(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True, timeout=120)


async def test_bot_carries_on_after_a_database_restart(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_pg_restart")
    (tmp_path / "orgs.csv").write_text("组织名称,上级组织,层级\n浙江省委,,省\n", encoding="utf-8")
    (tmp_path / "cadres.csv").write_text("姓名,组织,类别,QQ\n张三,浙江省委,专职,20001\n", encoding="utf-8")
    run_cli(url, "import", str(tmp_path / "orgs.csv"), str(tmp_path / "cadres.csv"))
    bot = await start_bot(url, INTERACTION_FLUSH_SECONDS="0.5")
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G, "青年群", [(ZHANG, "张三", "owner"), (Y1, "小一")])
    try:
        async with sim.connected():
            assert "本群的团干部" in (await sim.ask_group(G, ZHANG, "/绑定本群")).text
            cluster("stop")
            try:
                answer = await sim.ask_private(ZHANG, "/我的", timeout=90)
                assert "稍后再试" in answer
                for i in range(5):  # chat during the outage: counted in memory, written later
                    await sim.group_message(G, Y1, f"数据库停了也在聊 {i}")
            finally:
                cluster("start")

            async def recovered() -> bool:
                return "团干部编号 #1" in await sim.ask_private(ZHANG, "/我的", timeout=90)

            assert await eventually(recovered, timeout=120, interval=1)

            async def counted() -> bool:
                # Y1 has not consented: counted in the group's anonymous row
                rows = db_rows(url, "SELECT COALESCE(SUM(count), 0) FROM message_count WHERE qq = 0")
                return rows[0][0] == 5

            assert await eventually(counted, timeout=30)
        assert "[ERROR]" not in bot.log()
    finally:
        stop_bot(bot)
