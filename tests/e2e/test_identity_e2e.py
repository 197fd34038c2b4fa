"""亮身份 end to end: the real bot process, driven over a real WebSocket by the simulator."""

import aiohttp
import pytest

from tests.e2e.botproc import (
    e2e_database_url,
    free_port,
    import_roster,
    spawn_bot,
    start_bot,
    stop_bot,
)
from tests.simulator import OneBotSimulator

ORGS = """组织名称,上级组织,层级,兼职目标,管理员QQ
浙江省委,,省,,30001
杭州市委,浙江省委,市,,30002
杭州市西湖区委,杭州市委,县,,
"""
CADRES = """姓名,组织,类别,QQ
张三,浙江省委,专职,20001
"""
GROUP = 900100
ZHANG, LI, CITY_ADMIN = 20001, 20002, 30002


@pytest.fixture(scope="module")
async def bot(tmp_path_factory):
    url = e2e_database_url(migrated=False)  # the operator's first import migrates it
    imported = import_roster(url, tmp_path_factory.mktemp("roster"), ORGS, CADRES)
    assert "组织：新增 3" in imported.stdout, imported.stdout + imported.stderr
    process = await start_bot(url)
    yield process
    stop_bot(process)


@pytest.fixture
async def sim(bot):
    sim = OneBotSimulator(bot.ws_url, self_id=10000, access_token=bot.access_token)
    sim.add_group(GROUP, "西湖区青年交流群", [(ZHANG, "张三"), (LI, "李四"), (20003, "小王")])
    async with sim.connected():
        yield sim


async def test_roster_register_review_channels_card_mine(sim: OneBotSimulator) -> None:
    # A roster cadre is recognised at once.
    answer = await sim.ask_private(ZHANG, "/注册 张三 浙江省委 专职")
    assert "已在“浙江省委”的团干部名册中" in answer and "团干部编号 #1" in answer

    # A newcomer applies in the group; the city administrator is told privately.
    start = len(sim.calls)
    reply = await sim.ask_group(GROUP, LI, "/注册 李四 杭州市西湖区委 专职")
    assert "已提交注册申请 #1" in reply.text
    assert "共青团杭州市西湖区委李四" in reply.text
    assert reply.segments[0]["type"] == "reply"  # quotes the command in a busy group
    notice = await sim.wait_for(
        lambda c: c.action == "send_private_msg" and c.params["user_id"] == CITY_ADMIN
        and "新的团干部注册申请" in c.text,
        start=start,
    )
    assert "新的团干部注册申请 #1" in notice.text

    # The administrator approves; the applicant learns it privately.
    start = len(sim.calls)
    answer = await sim.ask_private(CITY_ADMIN, "/审核 #1 通过")
    assert "已通过申请 #1" in answer and "团干部编号 #2" in answer
    told = await sim.wait_for(
        lambda c: c.action == "send_private_msg" and c.params["user_id"] == LI, start=start
    )
    assert "通过了" in told.text and "共青团杭州市西湖区委李四" in told.text and "下一步" in told.text

    answer = await sim.ask_private(CITY_ADMIN, "/审核 1 通过")
    assert "已通过，无需再次审核" in answer

    answer = await sim.ask_private(LI, "/联系方式 微信 lisi_xihu")
    assert "已公开你的微信：lisi_xihu" in answer

    card = await sim.ask_group(GROUP, LI, "/名片")
    for part in ("【团干部名片】", "共青团杭州市西湖区委李四", "专职团干部", "微信 lisi_xihu", "/加入 #2"):
        assert part in card.text

    mine = await sim.ask_private(LI, "／我的")
    assert "团干部编号 #2" in mine and "不少于 100 名" in mine


async def test_at_bot_prefix_and_hostile_text_stays_text(sim: OneBotSimulator) -> None:
    reply = await sim.ask_group(GROUP, 20003, "/我的", at=[sim.self_id])
    assert "你的个人信息只在私聊里看" in reply.text

    reply = await sim.ask_group(GROUP, 20003, "/注册 王五 [CQ:at,qq=all] 专职")
    assert "没有找到组织“[CQ:at,qq=all]”" in reply.text
    assert {seg["type"] for seg in reply.segments} <= {"reply", "text"}

    reply = await sim.ask_group(GROUP, 20003, "/注册 王五 &#91;CQ:image,file=x&#93; 专职")
    assert "&#91;CQ:image,file=x&#93;" in reply.text
    assert {seg["type"] for seg in reply.segments} <= {"reply", "text"}


async def test_plain_chat_gets_no_answer(sim: OneBotSimulator) -> None:
    start = len(sim.calls)
    await sim.group_message(GROUP, 20003, "今天的活动几点开始？")
    # The next command's answer is the first thing the bot sends after the chat line.
    reply = await sim.ask_group(GROUP, 20003, "/帮助")
    sent = sim.sent_to_group(GROUP, start)
    assert sent == [reply]


@pytest.mark.parametrize("token", [None, "wrong-token"])
async def test_connection_without_the_right_token_is_refused(bot, token) -> None:
    sim = OneBotSimulator(bot.ws_url, self_id=10009, access_token=token)
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await sim.connect()
    assert refused.value.status in (401, 403)


async def test_refuses_to_listen_beyond_loopback_without_token() -> None:
    refused = spawn_bot(e2e_database_url("lianqing_e2e_open"), free_port(), None, HOST="0.0.0.0")
    assert refused.process.wait(timeout=60) == 2
    lines = [line for line in refused.log().splitlines() if line.strip()]
    assert lines[-1].startswith("联青拒绝启动：监听 0.0.0.0 却没有设置 ONEBOT_ACCESS_TOKEN")
    # The operator may insist; then it starts, with a warning in the log.
    process = await start_bot(e2e_database_url("lianqing_e2e_open"), access_token=None, HOST="0.0.0.0",
                              LIANQING_ALLOW_NO_TOKEN="true")
    try:
        sim = OneBotSimulator(f"ws://127.0.0.1:{process.port}/onebot/v11/ws", self_id=10010)
        async with sim.connected():
            assert "联青" in await sim.ask_private(20005, "/帮助")
    finally:
        stop_bot(process)
    assert "without ONEBOT_ACCESS_TOKEN" in process.log()
