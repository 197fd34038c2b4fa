"""The urgent path end to end: at 23:00 (quiet hours) an urgent case by command and one by
phrase reach the cadre and the administrators at once through the real outbox; ordinary
notices wait for the morning; two hours without an answer (the bot's clock is moved) the
next level's administrator is told, once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.botproc import db_rows, e2e_database_url, run_cli, start_bot, stop_bot
from tests.e2e.test_requests_e2e import (
    CADRES,
    HANGZHOU_ADMIN,
    ORGS,
    PROVINCE_ADMIN,
    Y1,
    Y2,
    ZHANG,
    ask,
    link,
    number,
    told,
)
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_private_to

NIGHT = datetime(2026, 11, 30, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
async def world(tmp_path_factory):
    url = e2e_database_url("lianqing_e2e_urgent")
    folder = tmp_path_factory.mktemp("roster")
    (folder / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (folder / "cadres.csv").write_text(CADRES, encoding="utf-8")
    imported = run_cli(url, "import", str(folder / "orgs.csv"), str(folder / "cadres.csv"))
    assert "团干部：新增 2" in imported.stdout, imported.stdout + imported.stderr
    process = await start_bot(url, clock_at=NIGHT)
    yield {"url": url, "bot": process}
    stop_bot(process)


@pytest.fixture
async def sim(world):
    sim = OneBotSimulator(world["bot"].ws_url, access_token=world["bot"].access_token)
    async with sim.connected():
        yield sim


async def test_urgent_cases_reach_cadre_and_admins_at_night_and_escalate_after_two_hours(world, sim) -> None:
    await link(sim, Y1)
    await link(sim, Y2)
    start = len(sim.calls)
    ordinary = number(await ask(sim, Y2, "/诉求 困难 食堂饭菜太贵了", "已收到"))

    by_command = await ask(sim, Y1, "/诉求 紧急 宿舍有人天天找我麻烦", "编号")
    first = number(by_command)
    assert by_command.index("12355") < by_command.index("编号") and "110" not in by_command
    notice = await told(sim, ZHANG, f"【紧急诉求 #{first}】", start)
    assert "宿舍有人天天找我麻烦" in notice and f"/回复 {first}" in notice
    await told(sim, HANGZHOU_ADMIN, f"【紧急诉求 #{first}】", start)

    by_phrase = await ask(sim, Y1, "/诉求 最近压力很大，不想活了", "编号")
    second = number(by_phrase)
    assert "110" in by_phrase and "120" in by_phrase and "12355" in by_phrase
    assert "联青按内容判断为紧急" in await told(sim, ZHANG, f"【紧急诉求 #{second}】", start)
    await told(sim, HANGZHOU_ADMIN, f"【紧急诉求 #{second}】", start)

    # The ordinary case's notice waits for the morning (quiet hours).
    assert db_rows(
        world["url"], f"SELECT status FROM outbox_message WHERE dedup_key = 'case:{ordinary}:new:{ZHANG}'"
    ) == [("pending",)]
    assert not any(is_private_to(c, ZHANG) and f"【新诉求 #{ordinary}】" in c.text for c in sim.calls[start:])

    # The cadre answers the second in time; the first goes unanswered for two hours.
    await ask(sim, ZHANG, f"/回复 {second} 我在，马上给你打电话", f"诉求 #{second}")
    start = len(sim.calls)
    world["bot"].set_clock(NIGHT + timedelta(hours=2, minutes=1))
    up = await told(sim, PROVINCE_ADMIN, f"【紧急诉求 #{first} 无人答复】", start)
    assert "杭州市委" in up and "超过 2 小时" in up
    assert db_rows(world["url"], f'SELECT urgent_escalated_at IS NOT NULL FROM "case" WHERE id = {second}') in (
        [(False,)], [(0,)],
    )
    sent = db_rows(world["url"], f"SELECT COUNT(*) FROM outbox_message WHERE dedup_key LIKE 'case:{first}:urgent_up:%'")
    assert sent == [(1,)]
