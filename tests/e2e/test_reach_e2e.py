"""Reaching real people on a real account, through the strict simulator (QQ's rules as
NapCat reports them): most youth are not the bot's friend.

- invitations and answers to requests reach non-friends as temporary sessions, and so
  do the bot's direct answers to people who write through one;
- where temporary sessions are refused, the message waits in the person's inbox, they
  are @-mentioned once in the group and read it with /消息;
- friend requests of members of bound groups are accepted, a stranger's are not;
  invitations into groups from cadres are accepted, a youth's are not;
- exports reach the chat inside the call (base64), never as a path;
- a send whose answer never came is not sent twice.
"""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.e2e.botproc import (
    DEFAULT_NOW,
    db_rows,
    e2e_database_url,
    eventually,
    run_cli,
    start_bot,
    stop_bot,
)
from tests.narrow import found
from tests.simulator import OneBotSimulator
from tests.simulator.onebot import is_group_to, is_private_to

ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n杭州市委,浙江省委,市,30002\n"
CADRES = "姓名,组织,类别,QQ\n张三,杭州市委,专职,20001\n"
ZHANG, ADMIN = 20001, 30002
Y1, Y2, Y3, Y4, Y5 = 50001, 50002, 50003, 50004, 50005
STRANGER = 59999
G1, G2, G3, G4 = 820001, 820002, 820003, 820004
MENTION = " 联青有 1 条消息给你，加我为好友或私聊我发送 /消息 查看"


def roster(folder, url: str) -> None:
    (folder / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (folder / "cadres.csv").write_text(CADRES, encoding="utf-8")
    imported = run_cli(url, "import", str(folder / "orgs.csv"), str(folder / "cadres.csv"))
    assert "团干部：新增 1" in imported.stdout, imported.stdout + imported.stderr


def world(sim: OneBotSimulator) -> OneBotSimulator:
    sim.add_group(G1, "杭州青年一群", [(ZHANG, "张三", "owner"), (Y1, "小明"), (Y3, "小红"), (Y5, "小刚")])
    sim.add_group(G2, "杭州青年二群", [(ZHANG, "张三", "owner"), (Y2, "小丽")])
    sim.temp_refused.add(G2)  # its owner forbids temporary sessions
    sim.add_outside_group(G3, "杭州青年三群", [(ZHANG, "张三", "owner"), (Y4, "小四")])
    sim.add_outside_group(G4, "小四的群", [(Y4, "小四", "owner")])
    sim.add_user(STRANGER, "陌生人")
    return sim


@pytest.fixture(scope="module")
async def bot(tmp_path_factory):
    url = e2e_database_url("lianqing_e2e_reach")
    roster(tmp_path_factory.mktemp("roster"), url)
    process = await start_bot(url)
    yield process
    stop_bot(process)


@pytest.fixture(scope="module")
async def sim(bot):
    sim = world(OneBotSimulator(bot.ws_url, access_token=bot.access_token, strict=True))
    async with sim.connected():
        await sim.ask_group(G1, ZHANG, "/绑定本群")
        await sim.ask_group(G2, ZHANG, "/绑定本群")

        async def welcome_settled() -> bool:  # the roster import's welcome to 张三 is not one of the tests' sends
            return db_rows(bot.database_url, f"SELECT COUNT(*) FROM outbox_message WHERE target = {ZHANG} "
                                             "AND status IN ('pending', 'sending')")[0][0] == 0

        assert await eventually(welcome_settled)
        yield sim


def refused(sim: OneBotSimulator, start: int) -> list:
    return [c for c in sim.calls[start:] if c.action.startswith("send_") and not c.ok]


async def test_a_youth_who_is_not_a_friend_receives_an_invitation_through_a_temporary_session(
    sim: OneBotSimulator,
) -> None:
    start = len(sim.calls)
    # The cadre is not a friend either: he writes through the group, and so does the answer.
    assert "已安排给 50001 发邀请" in await sim.ask_private(ZHANG, f"/邀请 {Y1}")
    answer = next(c for c in sim.calls[start:] if is_private_to(c, ZHANG))
    assert answer.ok and answer.temp_group == G1
    invitation = await sim.wait_for(lambda c: is_private_to(c, Y1) and c.ok, start=start)
    assert invitation.temp_group == G1
    assert "团干部张三（杭州市委）想和你建立联系" in invitation.text
    assert refused(sim, start) == []  # no plain send to a stranger was even tried
    # The youth answers through the same kind of session.
    assert "【个人信息说明】" in await sim.ask_private(Y1, "/加入 1")
    assert "谢谢！你已和团干部张三（杭州市委）建立联系" in await sim.ask_private(Y1, "/同意")


async def test_an_answer_to_a_request_reaches_a_youth_who_is_not_a_friend(sim: OneBotSimulator) -> None:
    await sim.ask_group(G1, Y3, "/加入")
    assert "谢谢！你已和团干部张三（杭州市委）建立联系" in await sim.ask_private(Y3, "/同意")
    start = len(sim.calls)
    in_group = await sim.ask_group(G1, Y3, "/诉求 困难 宿舍热水时有时无")
    number = found(r"#(\d+)", in_group.text)
    follow_up = await sim.wait_for(
        lambda c: is_private_to(c, Y3) and c.ok and "你在群里提出的诉求已记录" in c.text, start=start
    )
    assert follow_up.temp_group == G1 and f"#{number}" in follow_up.text
    start = len(sim.calls)
    assert "已答复" in await sim.ask_private(ZHANG, f"/回复 {number} 已联系后勤，明天修好")
    answer = await sim.wait_for(lambda c: is_private_to(c, Y3) and c.ok and "明天修好" in c.text, start=start)
    assert answer.temp_group == G1  # the group the request came from
    assert refused(sim, start) == []


async def test_where_temporary_sessions_are_refused_the_youth_is_mentioned_and_reads_it_with_消息(
    bot, sim: OneBotSimulator
) -> None:
    start = len(sim.calls)
    await sim.ask_private(ZHANG, f"/邀请 {Y2}")
    attempt = await sim.wait_for(lambda c: is_private_to(c, Y2), start=start)
    assert not attempt.ok and attempt.temp_group == G2
    mention = await sim.wait_for(lambda c: is_group_to(c, G2) and c.ok, start=start)
    assert mention.segments[0] == {"type": "at", "data": {"qq": str(Y2)}}  # a real @, no typed name
    assert mention.text == MENTION
    assert db_rows(bot.database_url, f"SELECT COUNT(*) FROM inbox_message WHERE qq = {Y2}") == [(1,)]
    [(status, error)] = db_rows(bot.database_url, f"SELECT status, last_error FROM outbox_message WHERE target = {Y2} AND target_type = 'private'")
    assert status == "inboxed" and "群主已禁止群成员发起临时会话" in error
    # The youth cannot write through that group; as a member of a bound group, their
    # friend request is accepted, and they read the message as a friend.
    with pytest.raises(ValueError):
        await sim.private_message(Y2, "/消息")
    flag = await sim.friend_request(Y2, "看到群里的提醒")
    await sim.wait_for(lambda c: c.action == "set_friend_add_request" and c.params["flag"] == flag and c.ok)
    assert Y2 in sim.friends
    kept = await sim.ask_private(Y2, "/消息")
    assert "暂存给你的消息（1 条）" in kept and "团干部张三（杭州市委）想和你建立联系" in kept

    async def cleared():  # deleted once the answer is out
        return db_rows(bot.database_url, f"SELECT COUNT(*) FROM inbox_message WHERE qq = {Y2}") == [(0,)]

    assert await eventually(cleared)
    assert "没有暂存给你的消息" in await sim.ask_private(Y2, "/消息")


async def test_a_cadre_inviting_someone_the_bot_cannot_reach_is_told_so(bot, sim: OneBotSimulator) -> None:
    answer = await sim.ask_private(ZHANG, f"/邀请 {STRANGER}")
    assert "已安排给 59999 发邀请" in answer and "不是联青的好友，也不在你绑定的群里" in answer

    async def kept():
        return db_rows(bot.database_url, f"SELECT COUNT(*) FROM inbox_message WHERE qq = {STRANGER}") == [(1,)]

    assert await eventually(kept)  # kept for /消息; no group to mention them in
    assert not [c for c in sim.calls if is_private_to(c, STRANGER)]


async def test_a_member_becomes_a_friend_and_a_stranger_does_not(bot, sim: OneBotSimulator) -> None:
    stranger = await sim.friend_request(STRANGER, "加个好友")
    member = await sim.friend_request(Y5, "我是小刚")
    await sim.wait_for(lambda c: c.action == "set_friend_add_request" and c.params["flag"] == member)
    assert Y5 in sim.friends
    # From now on the member gets plain private messages.
    start = len(sim.calls)
    await sim.ask_private(ZHANG, f"/邀请 {Y5}")
    invitation = await sim.wait_for(lambda c: is_private_to(c, Y5) and c.ok, start=start)
    assert invitation.temp_group is None
    # The stranger's request was left alone: no answer, still waiting in QQ.
    await sim.ask_private(Y5, "/帮助")  # one more round trip through the bot
    assert not [c for c in sim.calls if c.action == "set_friend_add_request" and c.params["flag"] == stranger]
    assert stranger in sim.requests and STRANGER not in sim.friends


async def test_invitations_into_groups_are_accepted_from_cadres_only(sim: OneBotSimulator) -> None:
    from_youth = await sim.group_invite(G4, Y4)
    from_cadre = await sim.group_invite(G3, ZHANG)
    await sim.wait_for(lambda c: c.action == "set_group_add_request" and c.params["flag"] == from_cadre and c.ok)
    assert G3 in sim.groups
    assert "【联青】本群的团干部：" in (await sim.ask_group(G3, ZHANG, "/绑定本群")).text
    assert from_youth in sim.requests and G4 not in sim.groups


async def test_exports_reach_the_chat_without_a_path(bot, sim: OneBotSimulator) -> None:
    start = len(sim.calls)
    group_reply = await sim.ask_group(G1, ZHANG, "/清单 导出")
    assert "已发送问题清单文件" in group_reply.text
    # Privately QQ sends files to friends only: a non-friend is told how to get it.
    refusal = await sim.ask_private(ZHANG, "/清单 导出")
    assert "文件发送失败" in refusal and "请先加好友" in refusal
    flag = await sim.friend_request(ZHANG, "张三")
    await sim.wait_for(lambda c: c.action == "set_friend_add_request" and c.params["flag"] == flag)
    assert "已发送问题清单文件" in await sim.ask_private(ZHANG, "/清单 导出")
    uploads = [c for c in sim.calls[start:] if c.action in ("upload_group_file", "upload_private_file")]
    assert [c.action for c in uploads] == ["upload_group_file", "upload_private_file", "upload_private_file"]
    assert all(c.params["file"].startswith("base64://") for c in uploads)
    assert [(f.action, f.target) for f in sim.files] == [("upload_group_file", G1), ("upload_private_file", ZHANG)]
    book = load_workbook(io.BytesIO(sim.files[-1].data))
    rows = list(book["诉求"].iter_rows(values_only=True))
    assert "宿舍热水时有时无" in [r[rows[0].index("内容")] for r in rows[1:]]


# ---------------------------------------------------------------- no answer: sent once


@pytest.fixture
async def slow_bot(tmp_path):
    url = e2e_database_url("lianqing_e2e_reach_timeout")
    roster(tmp_path, url)
    # The adapter gives up on an API call after 2 s (NoneBot's API_TIMEOUT, 30 by default).
    process = await start_bot(url, API_TIMEOUT="2")
    yield process
    stop_bot(process)


async def invite_through(sim: OneBotSimulator, qq: int) -> None:
    """The cadre (a friend here, to keep the test to one path) invites `qq`."""
    assert "已安排给" in await sim.ask_private(ZHANG, f"/邀请 {qq}")


def sends_to(sim: OneBotSimulator, qq: int) -> list:
    return [c for c in sim.calls if c.action == "send_private_msg" and c.params.get("user_id") == qq]


async def test_a_send_answered_after_the_timeout_is_not_sent_again(slow_bot) -> None:
    sim = world(OneBotSimulator(slow_bot.ws_url, access_token=slow_bot.access_token, strict=True))
    sim.friends.update({ZHANG, Y1})
    async with sim.connected():
        sim.answer_late["send_private_msg"] = 3.0  # delivered at once, answered after 3 s
        await invite_through(sim, Y1)
        await sim.wait_for(lambda c: is_private_to(c, Y1))

        async def timed_out():
            rows = db_rows(slow_bot.database_url, f"SELECT attempted_at FROM outbox_message WHERE target = {Y1}")
            return rows and rows[0][0] is not None

        assert await eventually(timed_out)
        sim.answer_late.clear()
        slow_bot.set_clock(DEFAULT_NOW + timedelta(minutes=1))  # past the 30 s backoff

        async def settled():
            return db_rows(slow_bot.database_url, f"SELECT status FROM outbox_message WHERE target = {Y1}") == [("sent",)]

        assert await eventually(settled)
        assert any(c.action == "get_friend_msg_history" and c.params["user_id"] == Y1 for c in sim.calls)
        assert len(sends_to(sim, Y1)) == 1


async def test_a_send_cut_off_by_a_dropped_connection_is_not_sent_again(slow_bot) -> None:
    sim = world(OneBotSimulator(slow_bot.ws_url, access_token=slow_bot.access_token, strict=True))
    sim.friends.update({ZHANG, Y1, Y3})
    async with sim.connected():
        await invite_through(sim, Y3)  # a first invitation goes normally
        await sim.wait_for(lambda c: is_private_to(c, Y3) and c.ok)
        sim.drop_during.add("send_private_msg")  # the next one is carried out, then the line dies
        await invite_through(sim, Y1)
        await sim.wait_lost()
    sim.drop_during.clear()

    async def timed_out():
        rows = db_rows(slow_bot.database_url, f"SELECT attempted_at FROM outbox_message WHERE target = {Y1}")
        return rows and rows[0][0] is not None

    assert await eventually(timed_out)
    slow_bot.set_clock(DEFAULT_NOW + timedelta(minutes=1))
    async with sim.connected():

        async def settled():
            return db_rows(slow_bot.database_url, f"SELECT status FROM outbox_message WHERE target = {Y1}") == [("sent",)]

        assert await eventually(settled)
    assert any(c.action == "get_friend_msg_history" and c.params["user_id"] == Y1 for c in sim.calls)
    assert len(sends_to(sim, Y1)) == 1


async def test_a_send_lost_with_the_connection_is_sent_once_more(slow_bot) -> None:
    sim = world(OneBotSimulator(slow_bot.ws_url, access_token=slow_bot.access_token, strict=True))
    sim.friends.update({ZHANG, Y1})
    async with sim.connected():
        await sim.ask_private(ZHANG, "/帮助")
        # The roster import's welcome goes first (the outbox sends in order): it must not be the lost one.
        await sim.wait_for(lambda c: is_private_to(c, ZHANG) and "团干部名册" in c.text and c.ok, timeout=15)
        sim.lose.add("send_private_msg")  # the request never arrives
        await sim.private_message(ZHANG, f"/邀请 {Y1}")
        await sim.wait_lost()
    sim.lose.clear()

    async def timed_out():
        rows = db_rows(slow_bot.database_url, f"SELECT attempted_at FROM outbox_message WHERE target = {Y1}")
        return rows and rows[0][0] is not None

    assert await eventually(timed_out, timeout=15)
    slow_bot.set_clock(DEFAULT_NOW + timedelta(minutes=1))
    async with sim.connected():
        delivered = await sim.wait_for(lambda c: is_private_to(c, Y1) and c.ok, timeout=15)
        assert "想和你建立联系" in delivered.text
        assert any(c.action == "get_friend_msg_history" and c.params["user_id"] == Y1 for c in sim.calls)

        async def settled():
            return db_rows(slow_bot.database_url, f"SELECT status FROM outbox_message WHERE target = {Y1}") == [("sent",)]

        assert await eventually(settled)
    assert len(sends_to(sim, Y1)) == 1
