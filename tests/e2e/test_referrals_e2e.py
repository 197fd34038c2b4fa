"""Requests beyond the league, end to end: a referral with its follow-up reminder (the bot's
clock is moved) and its outcome in /诉求 and the .xlsx export; a cadre-recorded case
confirmed by one youth and refused by another."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.e2e.botproc import DEFAULT_NOW, db_rows, e2e_database_url, run_cli, start_bot, stop_bot
from tests.e2e.test_requests_e2e import (
    CADRES,
    HANGZHOU_ADMIN,
    ORGS,
    Y1,
    Y2,
    Y3,
    ZHANG,
    G,
    ask,
    link,
    number,
    told,
)
from tests.simulator import OneBotSimulator


@pytest.fixture
async def world(tmp_path_factory):
    url = e2e_database_url("lianqing_e2e_referrals")
    folder = tmp_path_factory.mktemp("roster")
    (folder / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (folder / "cadres.csv").write_text(CADRES, encoding="utf-8")
    run_cli(url, "import", str(folder / "orgs.csv"), str(folder / "cadres.csv"))
    exports = tmp_path_factory.mktemp("exports")
    process = await start_bot(url, REQUESTS_EXPORT_DIR=str(exports))
    yield {"url": url, "bot": process}
    stop_bot(process)


@pytest.fixture
async def sim(world):
    sim = OneBotSimulator(world["bot"].ws_url, access_token=world["bot"].access_token)
    sim.add_group(G, "杭州青年群", [(ZHANG, "张三", "owner"), (Y1, "小一"), (Y2, "小二"), (Y3, "小三")])
    async with sim.connected():
        yield sim


async def test_referral_follow_up_and_outcome_in_the_export(world, sim: OneBotSimulator) -> None:
    await link(sim, Y1)
    n = number(await ask(sim, Y1, "/诉求 困难 学校宿舍漏水一直没人修", "已收到"))
    await ask(sim, ZHANG, f"/回复 {n} 我去问问学校后勤", f"已答复诉求 #{n}")  # not the 【新诉求】 notice
    start = len(sim.calls)
    reply = await ask(sim, ZHANG, f"/转介 {n} 区教育局 已电话说明情况", "区教育局")
    assert f"诉求 #{n} 转给「区教育局」" in reply
    assert "已电话说明情况" in await told(sim, Y1, "已转给「区教育局」处理", start)

    start = len(sim.calls)
    world["bot"].set_clock(DEFAULT_NOW + timedelta(days=7, minutes=5))
    follow = await told(sim, ZHANG, "【转介跟进】", start)
    assert f"/转介 结果 {n}" in follow
    world["bot"].set_clock(DEFAULT_NOW + timedelta(days=7, hours=1))
    await ask(sim, ZHANG, "/诉求 列表", "诉求")
    assert sum("【转介跟进】" in c.text for c in sim.calls[start:]) == 1  # once

    start = len(sim.calls)
    assert "已告诉青年" in await ask(sim, ZHANG, f"/转介 结果 {n} 教育局已安排下周维修", "的结果")
    assert "教育局已安排下周维修" in await told(sim, Y1, "有了结果", start)
    assert "转介：区教育局" in await ask(sim, ZHANG, f"/诉求 {n}", "【诉求")

    start = len(sim.calls)
    exported = await ask(sim, HANGZHOU_ADMIN, "/清单 导出 2026Q4", "")
    assert "已发送问题清单文件" in exported, exported
    await sim.wait_for(lambda c: c.action == "upload_private_file", start=start)
    rows = list(load_workbook(io.BytesIO(sim.files[-1].data))["诉求"].iter_rows(values_only=True))
    cell = rows[1][rows[0].index("转介")]
    assert isinstance(cell, str) and "区教育局" in cell and "结果：教育局已安排下周维修" in cell


async def test_cadre_recorded_cases_one_confirmed_one_refused(world, sim: OneBotSimulator) -> None:
    for youth in (Y2, Y3):
        assert "已记下你的同意" in await ask(sim, youth, "/同意", "同意")
    start = len(sim.calls)
    first = number(await ask(sim, ZHANG, f"/诉求 代记 {Y2} 困难 实习单位拖欠补贴", "代记"))
    second = number(await ask(sim, ZHANG, f"/诉求 代记 {Y3} 建议 食堂多开一个窗口", "代记"))
    asked = await told(sim, Y2, "为你记录了一件诉求", start)
    assert "团干部张三（杭州市委）" in asked and f"/同意 代记 {first}" in asked
    await told(sim, Y3, f"/拒绝 代记 {second}", start)
    assert db_rows(world["url"], 'SELECT COUNT(*) FROM "case"') == [(0,)]  # nothing counts yet

    start = len(sim.calls)
    confirmed = await ask(sim, Y2, f"/同意 代记 {first}", "已确认")
    case = number(confirmed)
    assert "实习单位拖欠补贴" in await told(sim, ZHANG, f"【新诉求 #{case}】", start)
    assert "已删除" in await ask(sim, Y3, f"/拒绝 代记 {second}", "代记")
    await told(sim, ZHANG, f"代记 #{second}", start)
    assert db_rows(world["url"], 'SELECT youth_qq, category FROM "case"') == [(Y2, "difficulty")]
    assert db_rows(world["url"], "SELECT COUNT(*) FROM case_draft") == [(0,)]
