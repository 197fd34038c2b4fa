"""A hostile roster upload against the real bot process: refused fast, with little memory."""

import time
from pathlib import Path

import httpx

from tests.e2e.botproc import e2e_database_url, free_port, run_cli, start_bot, stop_bot
from tests.narrow import found
from tests.simulator import OneBotSimulator
from tests.test_dashboard_limits import hostile_dimension_xlsx

XIHU_ADMIN = 30004


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has ever had."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(found(r"VmHWM:\s+(\d+) kB", status)) / 1024


async def test_a_5_kb_xlsx_claiming_a_million_rows_is_refused_in_under_2_s_and_50_mb(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_limits")
    (tmp_path / "orgs.csv").write_text(
        "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,\n杭州市西湖区委,浙江省委,县,30004\n", encoding="utf-8"
    )
    run_cli(url, "import", str(tmp_path / "orgs.csv"))
    port = free_port()
    bot = await start_bot(url, port=port, DASHBOARD_BASE_URL=f"http://127.0.0.1:{port}")
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    try:
        async with sim.connected(), httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as web:
            answer = await sim.ask_private(XIHU_ADMIN, "/登录")
            link = found(r"/dashboard/login/\S+", answer, 0)
            page = await web.get(link)
            nonce = found(r'name="nonce" value="([^"]+)"', page.text)
            assert (await web.post(link, data={"nonce": nonce})).status_code == 303
            form = await web.get("/dashboard/roster")
            csrf = found(r'name="csrf" value="([^"]+)"', form.text)
            data = hostile_dimension_xlsx()
            assert len(data) < 8 * 1024
            before = peak_rss_mb(bot.process.pid)
            started = time.monotonic()
            refused = await web.post("/dashboard/roster/preview", data={"csrf": csrf},
                                     files={"files": ("名册.xlsx", data, "application/octet-stream")})
            elapsed = time.monotonic() - started
            grown = peak_rss_mb(bot.process.pid) - before
            assert refused.status_code == 400 and "名册最多 20000 行" in refused.text
            assert elapsed < 2, elapsed
            assert grown < 50, grown
            print(f"\nhostile xlsx: refused in {elapsed * 1000:.0f} ms, peak RSS +{grown:.1f} MB")
    finally:
        stop_bot(bot)
