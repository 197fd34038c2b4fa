"""Online interaction end to end: topics, replies by quote and by #N, exchanges, unbound
groups leaving no trace, a member who never consented counted without their QQ, and
retention after a restart with the clock moved on."""

from datetime import timedelta

import pytest

from tests.e2e.botproc import (
    DEFAULT_NOW,
    db_rows,
    e2e_database_url,
    eventually,
    import_roster,
    start_bot,
    stop_bot,
)
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_group_to

ORGS = "组织名称,上级组织,层级\n浙江省委,,省\n"
CADRES = "姓名,组织,类别,QQ\n张三,浙江省委,专职,20001\n"
ZHANG, Y1, Y2, Y3 = 20001, 50001, 50002, 50003
G, UNBOUND = 820001, 820009


@pytest.fixture(scope="module")
async def world(tmp_path_factory):
    url = e2e_database_url("lianqing_e2e_interaction")
    import_roster(url, tmp_path_factory.mktemp("roster"), ORGS, CADRES)
    process = await start_bot(url)
    yield {"url": url, "bot": process}
    stop_bot(process)


def simulator(bot) -> OneBotSimulator:
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    sim.add_group(G, "青年交流群", [(ZHANG, "张三", "owner"), (Y1, "小一"), (Y2, "小二"), (Y3, "小三")])
    sim.add_group(UNBOUND, "没绑定的群", [(Y1, "小一"), (Y2, "小二")])
    return sim


async def test_topics_exchanges_and_retention(world) -> None:
    url, bot = world["url"], world["bot"]
    sim = simulator(bot)
    async with sim.connected():
        await sim.ask_group(G, ZHANG, "/绑定本群")
        for youth in (Y1, Y3):  # Y2 never consents
            await sim.ask_private(youth, "/加入 1")
            assert "谢谢！你已和" in await sim.ask_private(youth, "/同意")
        start = len(sim.calls)
        await sim.group_message(G, ZHANG, "/话题 寒假志愿服务去哪儿？\n欢迎大家出主意")
        post = await sim.wait_for(lambda c: is_group_to(c, G) and "【话题 #1】" in c.text, start=start)
        assert "寒假志愿服务去哪儿？" in post.text and "欢迎大家出主意" in post.text
        assert post.segments[0]["type"] == "text"  # a post of its own, not a quoted answer
        topic_message = post.result["message_id"]
        await sim.ask_private(ZHANG, "/话题 列表")  # as in life, youth answer once they see it

        # Replies: by quoting the post (the adapter fetches it with get_msg) and by #1.
        y1_reply = await sim.group_message(G, Y1, "去敬老院陪老人过年", reply_to=topic_message)
        await sim.group_message(G, Y2, "#1 去社区图书馆整理图书")
        question = await sim.group_message(G, Y3, "请问志愿时长怎么认定？")
        for i in range(5):
            await sim.group_message(G, Y2, f"普通聊天 {i}")
            await sim.group_message(UNBOUND, Y1, f"别的群里的聊天 {i}")
        # The cadre answers: quoting Y1's topic reply, and @-ing Y3.
        await sim.group_message(G, ZHANG, "好主意！", reply_to=y1_reply)
        await sim.group_message(G, ZHANG, "按实际服务小时认定", at=[Y3])

        async def answered() -> str | None:  # exchanges reach the database with the next flush
            text = await sim.ask_private(ZHANG, "/话题 1")
            return text if "你已答复" in text else None

        summary = await eventually(answered)
        assert summary and "回复 2 条，参与青年 1 人（其中 1 条匿名回复不计人数）；你已答复" in summary

        async def interaction() -> str | None:
            text = await sim.ask_private(ZHANG, "/互动")
            return text if "得到你答复的青年消息：2 条" in text else None

        answer = await eventually(interaction)
        assert answer and "发起话题 1 个，收到回复 2 条，参与互动的青年 2 人" in answer
        assert question  # answered by @

    # Counts, not text; nothing at all from the unbound group.
    rows = dict(db_rows(url, f"SELECT qq, count FROM message_count WHERE group_id = {G} ORDER BY qq"))
    assert rows[0] == 6 and rows[Y1] == 1 and rows[Y3] == 1 and rows[ZHANG] >= 3  # Y2 anonymous
    for table, column in (("message_count", "qq"), ("topic_reply", "qq"), ("exchange", "youth_qq")):
        assert db_rows(url, f"SELECT COUNT(*) FROM {table} WHERE {column} = {Y2}") == [(0,)]
    assert db_rows(url, f"SELECT COUNT(*) FROM message_count WHERE group_id = {UNBOUND}") == [(0,)]
    assert db_rows(url, f"SELECT COUNT(*) FROM topic_reply WHERE group_id = {UNBOUND}") == [(0,)]
    assert db_rows(url, "SELECT qq, text FROM topic_reply ORDER BY qq") == [(0, None), (Y1, "去敬老院陪老人过年")]

    # 181 days later, after a restart: the text is gone, the counts stay.
    stop_bot(bot)
    later = await start_bot(url, clock_at=DEFAULT_NOW + timedelta(days=181))
    world["bot"] = later
    sim = simulator(later)
    async with sim.connected():

        async def expired() -> str | None:
            text = await sim.ask_private(ZHANG, "/话题 列表")
            return text if "内容已过保存期删除" in text else None

        listing = await eventually(expired)
        assert listing and "#1 （内容已过保存期删除）｜进行中｜回复 2 条，参与 0 人（其中 2 条匿名回复不计人数），你已答复" in listing
    assert db_rows(url, "SELECT COUNT(*) FROM topic_reply WHERE text IS NOT NULL OR qq <> 0") == [(0,)]
    assert db_rows(url, "SELECT COUNT(*) FROM topic_reply") == [(2,)]
    assert db_rows(url, f"SELECT count FROM message_count WHERE group_id = {G} AND qq = 0") == [(6,)]
    # The wire found uvicorn's protocol, so it can pause the keep-alive under backpressure.
    assert "keep-alive cannot be paused" not in later.log()
