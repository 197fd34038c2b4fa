"""Requests end to end through the OneBot simulator: submit → acknowledge → cadre notified →
reply → close → rate; a group submission; escalation after the deadline (the bot's clock is
moved); the problem list against the database; the .xlsx upload; mutual help with consent.

Every test starts its own bot on its own database and creates what it checks: none relies
on numbers made by another."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.e2e.botproc import (
    DEFAULT_NOW,
    db_rows,
    e2e_database_url,
    import_roster,
    start_bot,
    stop_bot,
)
from tests.narrow import found
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_group_to, is_private_to

ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n杭州市委,浙江省委,市,30002\n宁波市委,浙江省委,市,30003\n"
CADRES = "姓名,组织,类别,QQ\n张三,杭州市委,专职,20001\n王五,宁波市委,专职,20002\n"
ZHANG, WANG = 20001, 20002
PROVINCE_ADMIN, HANGZHOU_ADMIN = 30001, 30002
Y1, Y2, Y3 = 50001, 50002, 50003
G = 830001


@pytest.fixture
async def world(tmp_path_factory):
    url = e2e_database_url("lianqing_e2e_requests")
    imported = import_roster(url, tmp_path_factory.mktemp("roster"), ORGS, CADRES)
    assert "团干部：新增 2" in imported.stdout, imported.stdout + imported.stderr
    exports = tmp_path_factory.mktemp("exports")
    process = await start_bot(url, REQUESTS_EXPORT_DIR=str(exports))
    yield {"url": url, "bot": process, "exports": exports}
    stop_bot(process)


@pytest.fixture
async def sim(world):
    sim = OneBotSimulator(world["bot"].ws_url, access_token=world["bot"].access_token)
    sim.add_group(G, "杭州青年群", [(ZHANG, "张三", "owner"), (Y1, "小一"), (Y2, "小二"), (Y3, "小三")])
    async with sim.connected():
        yield sim


async def ask(sim: OneBotSimulator, user: int, text: str, fragment: str) -> str:
    """Send a private message; the bot's next answer (`send_msg`, as ask_private) to `user`
    containing `fragment`. Outbox messages (`send_private_msg`) are never taken for it: a
    【新诉求】 notice taken for the answer to /回复 let the test send /办结 before /回复 was
    handled, and /办结 found the case changed (seen in CI on PostgreSQL)."""
    start = len(sim.calls)
    await sim.private_message(user, text)
    call = await sim.wait_for(
        lambda c: c.action == "send_msg" and is_private_to(c, user) and fragment in c.text, start=start
    )
    return call.text


async def told(sim: OneBotSimulator, user: int, fragment: str, start: int) -> str:
    """A message the bot sent `user` on its own (through the outbox) since call `start`."""
    call = await sim.wait_for(lambda c: is_private_to(c, user) and fragment in c.text, start=start)
    return call.text


def number(text: str) -> int:
    """The record number a reply names first (#N)."""
    return int(found(r"#(\d+)", text))


async def three_cases(world, sim: OneBotSimulator) -> dict[str, int]:
    """What the other tests check: a closed difficulty (Y1), a confusion raised in the group
    (Y3, routed to the administrators), a suggestion escalated after five days (Y2)."""
    await link(sim, Y1)
    closed = number(await ask(sim, Y1, "/诉求 困难 食堂饭菜太贵了", "已收到"))
    await ask(sim, ZHANG, f"/回复 {closed} 已向后勤反映，下周调整", f"已答复诉求 #{closed}")
    await ask(sim, ZHANG, f"/办结 {closed} 价格已下调", "已办结")
    await sim.ask_group(G, ZHANG, "/绑定本群")
    await ask(sim, Y3, "/同意", "已记下你的同意")
    group = number((await sim.ask_group(G, Y3, "/诉求 困惑 毕业后留杭还是回老家")).text)
    await ask(sim, HANGZHOU_ADMIN, f"/回复 {group} 欢迎来团委面谈", f"已答复诉求 #{group}")
    await link(sim, Y2)
    start = len(sim.calls)
    late = number(await ask(sim, Y2, "/诉求 建议 希望多办志愿活动", "已收到"))
    world["bot"].set_clock(DEFAULT_NOW + timedelta(days=5, hours=1))
    await told(sim, HANGZHOU_ADMIN, f"【诉求上报 #{late}】", start)
    return {"closed": closed, "group": group, "late": late}


async def link(sim: OneBotSimulator, youth: int) -> None:
    await ask(sim, youth, "/加入 1", "个人信息说明")
    await ask(sim, youth, "/同意", "谢谢！你已和团干部张三（杭州市委）建立联系")


async def test_submit_reply_close_rate(world, sim: OneBotSimulator) -> None:
    await link(sim, Y1)
    start = len(sim.calls)
    ack = await ask(sim, Y1, "/诉求 困难 食堂饭菜太贵了", "已收到")
    n = number(ack)
    assert f"已收到，编号 #{n}，由团干部张三（杭州市委）跟进" in ack
    assert db_rows(world["url"], f'SELECT youth_qq, category, status FROM "case" WHERE id = {n}') == [(Y1, "difficulty", "open")]
    notice = await told(sim, ZHANG, f"【新诉求 #{n}】", start)
    assert "食堂饭菜太贵了" in notice and f"/回复 {n}" in notice

    start = len(sim.calls)
    assert f"已答复诉求 #{n}" in await ask(sim, ZHANG, f"/回复 {n} 已向后勤反映，下周调整", f"已答复诉求 #{n}")
    answer = await told(sim, Y1, f"【诉求 #{n} 的答复】", start)
    assert "团干部张三（杭州市委）" in answer and "已向后勤反映" in answer

    start = len(sim.calls)
    assert "已办结" in await ask(sim, ZHANG, f"/办结 {n} 价格已下调", "已办结")
    closing = await told(sim, Y1, f"【诉求 #{n} 已解决】", start)
    assert "价格已下调" in closing and f"/评价 {n}" in closing

    assert "评分须为 1 到 5 的整数" in await ask(sim, Y1, f"/评价 {n} 6", "评分")
    assert f"诉求 #{n}：5 分" in await ask(sim, Y1, f"/评价 {n} 5 很及时", "评价")
    assert "只能评价一次" in await ask(sim, Y1, f"/评价 {n} 4", "评价")
    assert db_rows(world["url"], f'SELECT status, rating, rating_comment FROM "case" WHERE id = {n}') == [("closed", 5, "很及时")]


async def test_group_submission_stays_private(world, sim: OneBotSimulator) -> None:
    await sim.ask_group(G, ZHANG, "/绑定本群")
    await ask(sim, Y3, "/同意", "已记下你的同意")  # nothing about a youth is stored before this
    start = len(sim.calls)
    ack = await sim.ask_group(G, Y3, "/诉求 困惑 毕业后留杭还是回老家")
    n = number(ack.text)
    assert f"已收到，编号 #{n}，由共青团杭州市委管理员跟进" in ack.text
    assert "留杭" not in ack.text
    assert all("留杭" not in c.text for c in sim.calls[start:] if is_group_to(c, G))
    assert "毕业后留杭还是回老家" in await told(sim, Y3, "你在群里提出的诉求已记录", start)
    admin_notice = await told(sim, HANGZHOU_ADMIN, f"【新诉求 #{n}】", start)
    assert "匿名" in admin_notice and str(Y3) not in admin_notice
    start = len(sim.calls)
    await ask(sim, HANGZHOU_ADMIN, f"/回复 {n} 欢迎来团委面谈", f"已答复诉求 #{n}")
    assert "欢迎来团委面谈" in await told(sim, Y3, f"【诉求 #{n} 的答复】", start)


async def test_escalation_after_the_deadline(world, sim: OneBotSimulator) -> None:
    await link(sim, Y2)
    start = len(sim.calls)
    n = number(await ask(sim, Y2, "/诉求 建议 希望多办志愿活动", "已收到"))
    await told(sim, ZHANG, f"【新诉求 #{n}】", start)

    start = len(sim.calls)
    world["bot"].set_clock(DEFAULT_NOW + timedelta(days=5, hours=1))
    escalated = await told(sim, HANGZHOU_ADMIN, f"【诉求上报 #{n}】", start)
    assert "希望多办志愿活动" in escalated and "匿名" in escalated and str(Y2) not in escalated
    assert "超过 48 小时未答复" in await told(sim, ZHANG, f"【提醒】诉求 #{n}", start)
    assert f"/诉求 署名 {n}" in await told(sim, Y2, f"你的诉求 #{n} 已上报", start)
    rows = db_rows(world["url"], f'SELECT escalated_at IS NOT NULL, reminded_at IS NOT NULL FROM "case" WHERE id = {n}')
    assert [tuple(bool(v) for v in r) for r in rows] == [(True, True)]


async def test_problem_list_counts_match_the_cases(world, sim: OneBotSimulator) -> None:
    made = await three_cases(world, sim)
    by_category = dict(db_rows(world["url"], 'SELECT category, COUNT(*) FROM "case" GROUP BY category'))
    assert by_category == {"difficulty": 1, "confusion": 1, "suggestion": 1}
    # Cases answered in time were neither reminded nor escalated.
    assert db_rows(world["url"], 'SELECT COUNT(*) FROM "case" WHERE escalated_at IS NOT NULL') == [(1,)]
    mine = await ask(sim, ZHANG, "/清单 2026Q4", "【问题清单】")
    assert "【问题清单】共青团杭州市委张三｜2026年第4季度" in mine
    assert "诉求 2 件：未办结 1，超时未答复 1，已上报 1，已办结 1" in mine
    assert "实际困难：1 件（未办结 0，超时 0，上报 0，办结 1）" in mine
    assert "意见建议：1 件（未办结 1，超时 1，上报 1，办结 0）" in mine
    admin = await ask(sim, HANGZHOU_ADMIN, "/清单 2026Q4", "【问题清单】")
    assert "诉求 3 件：未办结 2，超时未答复 1，已上报 1，已办结 1" in admin
    assert "思想困惑：1 件（未办结 1，超时 0，上报 0，办结 0）" in admin
    late = made["late"]
    assert "上报事项（1 件）：" in admin and f"#{late} 意见建议｜杭州市委" in admin and "匿名｜希望多办志愿活动" in admin
    ningbo = await ask(sim, 30003, "/清单 2026Q4", "【问题清单】")
    assert "诉求 0 件" in ningbo and "志愿" not in ningbo


async def test_export_uploads_an_xlsx(world, sim: OneBotSimulator) -> None:
    made = await three_cases(world, sim)
    start = len(sim.calls)
    reply = await ask(sim, HANGZHOU_ADMIN, "/清单 导出 2026Q4", "问题清单")
    assert "已发送问题清单文件" in reply and "3 件诉求" in reply
    upload = await sim.wait_for(lambda c: c.action == "upload_private_file", start=start)
    assert upload.params["user_id"] == HANGZHOU_ADMIN
    assert upload.params["name"] == "问题清单_杭州市委（含下级组织）_2026Q4.xlsx"
    # Handed over inside the call, never as a path of the bot's machine, and not kept.
    assert upload.ok and upload.params["file"].startswith("base64://")
    assert list(world["exports"].iterdir()) == []
    book = load_workbook(io.BytesIO(sim.files[-1].data))
    assert book.sheetnames == ["汇总", "诉求"]
    rows = list(book["诉求"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [made["late"], made["closed"], made["group"]]  # the overdue case first
    contents = [r[rows[0].index("内容")] for r in rows[1:]]
    assert contents == ["希望多办志愿活动", "食堂饭菜太贵了", "毕业后留杭还是回老家"]
    assert all(r[rows[0].index("提出人")] == "匿名" for r in rows[1:])
    summary = list(book["汇总"].iter_rows(values_only=True))
    total = next(r for r in summary if r[0] == "合计")
    assert total[1:5] == (3, 2, 1, 1)


async def test_mutual_help_with_consent_on_both_sides(world, sim: OneBotSimulator) -> None:
    await link(sim, Y1)
    await link(sim, Y2)
    start = len(sim.calls)
    assert "已发布互助 #1（需要）" in await ask(sim, Y1, "/互助 需要 想找人练英语口语", "互助")
    assert "已发布互助 #2（提供）" in await ask(sim, Y2, "/互助 提供 可以陪练英语口语", "互助")
    await told(sim, ZHANG, "【互助 #2】", start)
    listing = await ask(sim, Y2, "/互助 列表", "互助")
    assert "#1 需要：想找人练英语口语" in listing and str(Y1) not in listing

    start = len(sim.calls)
    assert "已发出互助介绍 #1" in await ask(sim, ZHANG, "/互助 匹配 1 2", "互助介绍")
    to_y1 = await told(sim, Y1, "【互助介绍 #1】", start)
    to_y2 = await told(sim, Y2, "【互助介绍 #1】", start)
    assert "可以陪练英语口语" in to_y1 and str(Y2) not in to_y1
    assert "想找人练英语口语" in to_y2 and str(Y1) not in to_y2

    assert "已记录你的同意" in await ask(sim, Y1, "/互助 同意 1", "介绍 #1")
    assert not any(str(Y2) in c.text for c in sim.sent_to_user(Y1, start))
    start = len(sim.calls)
    await sim.private_message(Y2, "/互助 同意 1")
    assert "QQ 50001" in await told(sim, Y2, "双方都同意了。", start)
    assert "QQ 50002" in await told(sim, Y1, "双方都同意了。", start)
    assert "双方都已同意" in await told(sim, ZHANG, "互助介绍 #1", start)
    assert db_rows(world["url"], "SELECT status FROM help_match WHERE id = 1") == [("introduced",)]
