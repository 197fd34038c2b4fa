"""Evaluation end to end: a spot check and a survey go out through the outbox, youth answer
with plain private replies, results appear, and confirming freezes a snapshot."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.e2e.botproc import db_rows, e2e_database_url, run_cli, start_bot, stop_bot
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_private_to

SH = ZoneInfo("Asia/Shanghai")
ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n杭州市委,浙江省委,市,30002\n"
CADRES = "姓名,组织,类别,QQ\n张三,杭州市委,兼职,20001\n"
ZHANG, ADMIN = 20001, 30002
YOUTH = list(range(50001, 50006))


async def test_spot_check_survey_results_and_snapshot(tmp_path) -> None:
    url = e2e_database_url("lianqing_e2e_evaluation")
    (tmp_path / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (tmp_path / "cadres.csv").write_text(CADRES, encoding="utf-8")
    run_cli(url, "import", str(tmp_path / "orgs.csv"), str(tmp_path / "cadres.csv"))
    bot = await start_bot(url, clock_at=datetime(2026, 12, 2, 10, 0, tzinfo=SH))  # a Wednesday
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    try:
        async with sim.connected():
            for qq in YOUTH:  # five youth confirm their link with 张三
                await sim.ask_private(qq, "/加入 1")
                assert "谢谢！你已和团干部张三（杭州市委）建立联系" in await sim.ask_private(qq, "/同意")

            start = len(sim.calls)
            reply = await sim.ask_private(ADMIN, "/抽查 1 5")
            assert "抽查 #1：已安排私信询问团干部张三（杭州市委）的 5 名联系青年" in reply
            for qq in YOUTH:
                question = await sim.wait_for(lambda c, qq=qq: is_private_to(c, qq), start=start)
                assert "和你有联系吗" in question.text
            answers = ["是", "是", "是", "否", "是"]
            for qq, answer in zip(YOUTH, answers, strict=True):
                assert "谢谢，记下了你的回答" in await sim.ask_private(qq, answer)
            result = await sim.ask_private(ADMIN, "/抽查 结果 1")
            assert "问了 5 人，已回答 5，回答“是” 4，确认率 80%" in result

            # The survey goes out the next day (one unsolicited message per youth per day).
            bot.set_clock(datetime(2026, 12, 3, 10, 0, tzinfo=SH))
            start = len(sim.calls)
            assert "名联系青年打分" in await sim.ask_private(ADMIN, "/满意度调查 杭州市委 5")
            for qq in YOUTH:
                question = await sim.wait_for(lambda c, qq=qq: is_private_to(c, qq), start=start)
                assert "请给团干部张三（杭州市委）打个分" in question.text
            assert "请直接回复 1 到 5" in await sim.ask_private(YOUTH[0], "很好")
            for qq, rating in zip(YOUTH, [5, 4, 4, 5, 3], strict=True):
                assert "谢谢你的评分" in await sim.ask_private(qq, str(rating))

            # 5 of target 10: 50%, × 80% confirmed = 40%; mean rating 4.2 → 80%.
            mine = await sim.ask_private(ZHANG, "/评估")
            assert "实现度 40%：已确认联系 5/10，抽查确认率 4/5" in mine
            assert "满意度 80%：评分 5 份，平均 4.2 分" in mine

            confirmed = await sim.ask_private(ADMIN, "/评估 确认 2026Q4")
            assert "已确认“杭州市委”2026Q4 的评估结果（1 名团干部）" in confirmed
            frozen = db_rows(url, "SELECT realization, satisfaction FROM evaluation_result WHERE cadre_id = 1")
            assert [tuple(round(v, 2) for v in row) for row in frozen] == [(0.4, 0.8)]

            # Later data changes the advisory figures, not the confirmed snapshot.
            for qq in range(50006, 50009):
                await sim.ask_private(qq, "/加入 1")
                await sim.ask_private(qq, "/同意")
            later = await sim.ask_private(ZHANG, "/评估")
            assert "已确认联系 8/10" in later and "已确认的 2026Q4：实现度 40%" in later
            assert [round(r[0], 2) for r in db_rows(url, "SELECT realization FROM evaluation_result WHERE cadre_id = 1")] == [0.4]
            # Rankings read the summary, recounted when older than an hour (and say when).
            stale = await sim.ask_private(30001, "/排行 满意度")
            assert "数据更新于" in stale
            bot.set_clock(datetime(2026, 12, 3, 11, 1, tzinfo=SH))
            ranking = await sim.ask_private(30001, "/排行 满意度")
            assert "张三（杭州市委） 80%" in ranking and "数据更新于 11:0" in ranking
    finally:
        stop_bot(bot)


