"""Flood control through the real bot: one youth hammering /签到 cannot make the bot talk
nonstop in a group, while a whole class joining at once is answered in full."""

import asyncio
import time

import pytest

from tests.e2e.botproc import e2e_database_url, run_cli, start_bot, stop_bot
from tests.simulator import OneBotSimulator

ZHANG, HAMMER = 20001, 50001
CLASS = [51000 + i for i in range(40)]
G1, G2 = 840001, 840002


async def settled(sim: OneBotSimulator, group_id: int, start: int, *, at_least: int = 1) -> int:
    """Bot messages in the group since `start`, once no new one has come for a second."""
    deadline = time.monotonic() + 30
    last, stable_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        n = len(sim.sent_to_group(group_id, start))
        if n != last:
            last, stable_since = n, time.monotonic()
        elif n >= at_least and time.monotonic() - stable_since > 1.0:
            return n
        await asyncio.sleep(0.05)
    return last


@pytest.fixture
async def world(tmp_path):
    url = e2e_database_url("lianqing_e2e_flood")
    (tmp_path / "orgs.csv").write_text("组织名称,上级组织,层级\n浙江省委,,省\n", encoding="utf-8")
    (tmp_path / "cadres.csv").write_text("姓名,组织,类别,QQ\n张三,浙江省委,专职,20001\n", encoding="utf-8")
    run_cli(url, "import", str(tmp_path / "orgs.csv"), str(tmp_path / "cadres.csv"))
    bot = await start_bot(url)
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G1, "一群", [(ZHANG, "张三", "owner"), (HAMMER, "小锤")])
    sim.add_group(G2, "二群", [(ZHANG, "张三", "owner"), *[(qq, f"同学{qq}") for qq in CLASS]])
    try:
        async with sim.connected():
            yield sim
    finally:
        stop_bot(bot)


async def test_fifty_wrong_check_ins_get_at_most_eleven_answers_and_a_class_is_answered(world) -> None:
    sim = world
    assert "本群的团干部" in (await sim.ask_group(G1, ZHANG, "/绑定本群")).text
    assert "本群的团干部" in (await sim.ask_group(G2, ZHANG, "/绑定本群")).text
    assert "已记下你的同意" in await sim.ask_private(HAMMER, "/同意")

    start = len(sim.calls)
    for _ in range(50):
        await sim.group_message(G1, HAMMER, "/签到 000000")
    count = await settled(sim, G1, start, at_least=11)
    answers = [c.text for c in sim.sent_to_group(G1, start)]
    assert count <= 11, answers
    assert sum("签到码不正确" in a for a in answers) <= 5
    assert any("签到码输错太多次了" in a for a in answers)
    assert answers.count("操作太频繁，请一分钟后再试。") == 1

    start = len(sim.calls)
    for qq in CLASS:
        await sim.group_message(G2, qq, "/加入 学生")
    await settled(sim, G2, start, at_least=len(CLASS))
    replies = sim.sent_to_group(G2, start)
    assert len(replies) == len(CLASS), [c.text for c in replies]
    # Two lines each: the notice goes to each of them privately, never forty copies in the group.
    assert all("个人信息说明" in c.text and c.text.count("\n") <= 1 for c in replies)
