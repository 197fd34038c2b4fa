"""Private messages take the path QQ allows: friend, temporary session, or the inbox.

And a send that timed out is looked up in the chat's history before it is tried again.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from models import BoundGroup, GroupMember, InboxMessage, OutboxMessage
from plugins.core import clock
from plugins.outbox import friends, inbox, service
from tests.fakebot import FakeBot
from tests.seed import make_cadre, seed_tree

SH = ZoneInfo("Asia/Shanghai")
BOT, OTHER_BOT = 10000, 10002
YOUTH, STRANGER = 50001, 50009
G1, G2 = 700001, 700002


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SH)


async def bound(group_id: int, members: list[int], bot_id: int = BOT) -> None:
    tree = await seed_tree() if not await BoundGroup.exists() else None
    if tree:
        cadre = await make_cadre(20000 + group_id % 100, "张三", tree.hangzhou)
    else:
        earlier = await BoundGroup.first().prefetch_related("cadre")
        assert earlier is not None
        cadre = earlier.cadre
    await BoundGroup.create(group_id=group_id, cadre=cadre, bot_id=bot_id, bound_by=cadre.qq, bound_at=clock.now())
    for qq in members:
        await GroupMember.create(group_id=group_id, qq=qq, seen_at=clock.now())


async def test_a_friend_gets_a_plain_private_message() -> None:
    clock.set_now(at(1, 10))
    await bound(G1, [YOUTH])
    friends.seed(BOT, {YOUTH})
    bot = FakeBot()
    await service.enqueue(YOUTH, "你好", category="test", group_id=G1)
    assert await service.deliver_due([bot]) == 1
    assert bot.sent == [("private", YOUTH, "你好")] and bot.temp_groups == []
    row = await OutboxMessage.get(target=YOUTH)
    assert (row.status, row.via) == ("sent", "private")


async def test_a_non_friend_gets_a_temporary_session_through_the_group_the_message_concerns() -> None:
    clock.set_now(at(1, 10))
    await bound(G1, [YOUTH])
    await bound(G2, [YOUTH])
    friends.seed(BOT, set())
    bot = FakeBot()
    await service.enqueue(YOUTH, "关于你的诉求", category="test", bulk=False, group_id=G2)
    await service.enqueue(YOUTH, "另一条", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 2
    assert bot.sent == [("temp", YOUTH, "关于你的诉求"), ("temp", YOUTH, "另一条")]
    assert bot.temp_groups == [G2, G1]  # the concerned group first, else any shared one
    rows = await OutboxMessage.filter(target=YOUTH).order_by("id")
    assert [(r.via, r.group_id) for r in rows] == [("temp", G2), ("temp", G1)]


async def test_the_temporary_session_is_sent_by_the_account_in_that_group() -> None:
    clock.set_now(at(1, 10))
    await bound(G1, [YOUTH], bot_id=OTHER_BOT)
    friends.seed(BOT, set())
    friends.seed(OTHER_BOT, set())
    mine, other = FakeBot(str(BOT)), FakeBot(str(OTHER_BOT))
    await service.enqueue(YOUTH, "你好", category="test", bulk=False)
    assert await service.deliver_due([mine, other]) == 1
    assert mine.sent == [] and other.sent == [("temp", YOUTH, "你好")]


async def test_someone_unreachable_gets_the_message_in_the_inbox_and_one_mention_a_day() -> None:
    clock.set_now(at(1, 10))
    await bound(G1, [YOUTH])
    friends.seed(BOT, set())
    bot = FakeBot(refuse_temp=True)  # the group forbids temporary sessions
    await service.enqueue(YOUTH, "邀请你确认联系", category="invitation", group_id=G1)
    await service.enqueue(YOUTH, "诉求 #1 有了答复", category="case_reply", bulk=False, group_id=G1)
    assert await service.deliver_due([bot]) == 0  # both refused: into the inbox
    assert [m.text for m in await InboxMessage.filter(qq=YOUTH).order_by("id")] == ["邀请你确认联系", "诉求 #1 有了答复"]
    assert await OutboxMessage.filter(target=YOUTH, status="inboxed").count() == 2
    # One mention today, in the shared group, as a real @ and fixed text.
    assert await service.deliver_due([bot]) == 1
    assert bot.sent[-1] == ("group", G1, " 联青有 2 条消息给你，加我为好友或私聊我发送 /消息 查看")
    assert bot.segments[-1][0] == {"type": "at", "data": {"qq": str(YOUTH)}}
    # A third message the same day: kept, no second mention.
    await service.enqueue(YOUTH, "第三条", category="case_reply", bulk=False, group_id=G1)
    assert await service.deliver_due([bot]) == 0
    assert await service.deliver_due([bot]) == 0
    assert await InboxMessage.filter(qq=YOUTH).count() == 3
    assert len([s for s in bot.sent if s[0] == "group"]) == 1
    # The next day, another message brings another mention.
    clock.set_now(at(2, 10))
    await service.enqueue(YOUTH, "第四条", category="case_reply", bulk=False, group_id=G1)
    await service.deliver_due([bot])
    await service.deliver_due([bot])
    assert bot.sent[-1] == ("group", G1, " 联青有 4 条消息给你，加我为好友或私聊我发送 /消息 查看")


async def test_the_mention_respects_quiet_hours_and_is_dropped_once_read() -> None:
    clock.set_now(at(1, 21, 59))
    await bound(G1, [YOUTH])
    friends.seed(BOT, set())
    bot = FakeBot(refuse_temp=True)
    await service.enqueue(YOUTH, "晚上的消息", category="case_reply", bulk=False, group_id=G1)
    assert await service.deliver_due([bot]) == 0
    clock.set_now(at(1, 22, 30))
    assert await service.deliver_due([bot]) == 0  # quiet hours: the mention waits
    assert bot.sent == []
    page = await inbox.next_page(YOUTH)  # read with /消息 before morning
    await inbox.clear(page)
    clock.set_now(at(2, 8, 0))
    assert await service.deliver_due([bot]) == 0
    assert bot.sent == []
    assert (await OutboxMessage.get(target_type="mention")).status == "dropped"


async def test_someone_sharing_no_group_with_the_bot_gets_the_inbox_without_a_mention() -> None:
    clock.set_now(at(1, 10))
    friends.seed(BOT, {YOUTH})
    bot = FakeBot()
    await service.enqueue(STRANGER, "你好", category="invitation")
    assert await service.deliver_due([bot]) == 0
    assert bot.sent == []
    assert [m.text for m in await InboxMessage.filter(qq=STRANGER)] == ["你好"]
    assert not await OutboxMessage.exists(target_type="mention")


async def test_an_account_that_does_not_report_friends_sends_as_before() -> None:
    """get_friend_list unsupported: through the shared group (NapCat then sends C2C to a
    friend anyway), else a plain private message."""
    clock.set_now(at(1, 10))
    await bound(G1, [YOUTH])
    friends.reset()
    bot = FakeBot(friends=None)
    await service.enqueue(YOUTH, "经由群", category="test", bulk=False)
    await service.enqueue(STRANGER, "直接私聊", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 2
    assert bot.sent == [("temp", YOUTH, "经由群"), ("private", STRANGER, "直接私聊")]
    assert ("get_friend_list", {}) in bot.calls


async def test_friend_lists_are_loaded_once_a_day_and_follow_approvals() -> None:
    clock.set_now(at(1, 10))
    friends.reset()
    bot = FakeBot(friends={YOUTH})
    await service.enqueue(YOUTH, "一", category="test", bulk=False)
    await service.enqueue(STRANGER, "二", category="test", bulk=False)
    await service.deliver_due([bot])
    assert bot.sent == [("private", YOUTH, "一")]  # the stranger's went to the inbox
    friends.added(BOT, STRANGER)  # an approved request or notice.friend_add
    await service.enqueue(STRANGER, "三", category="test", bulk=False)
    await service.deliver_due([bot])
    assert bot.sent[-1] == ("private", STRANGER, "三")
    assert [c for c, _ in bot.calls].count("get_friend_list") == 1
    clock.set_now(at(2, 10, 1))
    await service.enqueue(YOUTH, "四", category="test", bulk=False)
    await service.deliver_due([bot])
    assert [c for c, _ in bot.calls].count("get_friend_list") == 2


async def test_a_refused_private_send_reloads_the_friend_list() -> None:
    from nonebot.adapters.onebot.v11 import ActionFailed

    clock.set_now(at(1, 10))
    await bound(G1, [YOUTH])
    friends.reset()
    bot = FakeBot(friends={YOUTH}, fail_with=ActionFailed(retcode=1200))
    await service.enqueue(YOUTH, "你好", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 0
    bot.fail_with, bot.friends = None, set()  # they had removed the bot
    clock.set_now(at(1, 10, 1))
    assert await service.deliver_due([bot]) == 1
    assert bot.sent == [("temp", YOUTH, "你好")]


async def test_a_timed_out_send_found_in_the_history_is_not_sent_again() -> None:
    clock.set_now(at(1, 10))
    bot = FakeBot(time_out=True)
    await service.enqueue(YOUTH, "只发一次", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 0
    row = await OutboxMessage.get(target=YOUTH)
    assert (row.status, row.attempted_by) == ("pending", BOT) and row.attempted_at is not None
    bot.time_out = False
    clock.set_now(at(1, 10, 1))
    assert await service.deliver_due([bot]) == 0
    assert bot.sent == [("private", YOUTH, "只发一次")]  # carried out once, not repeated
    assert ("get_friend_msg_history", {"user_id": YOUTH, "count": 20}) in bot.calls
    row = await OutboxMessage.get(target=YOUTH)
    assert row.status == "sent" and row.attempted_at is None


async def test_a_timed_out_send_missing_from_the_history_is_sent_again() -> None:
    from nonebot.adapters.onebot.v11 import NetworkError

    clock.set_now(at(1, 10))
    bot = FakeBot(fail_with=NetworkError("WebSocket call api send_private_msg timeout"))
    await service.enqueue(YOUTH, "再试一次", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 0  # nothing went out, but we cannot know
    bot.fail_with = None
    clock.set_now(at(1, 10, 1))
    assert await service.deliver_due([bot]) == 1  # the history has no such message
    assert bot.sent == [("private", YOUTH, "再试一次")]
    assert (await OutboxMessage.get(target=YOUTH)).status == "sent"


async def test_a_timed_out_send_that_cannot_be_checked_is_left_unknown() -> None:
    clock.set_now(at(1, 10))
    bot = FakeBot(time_out=True, history=False)
    await service.enqueue(YOUTH, "无法确认", category="test", bulk=False)
    await service.deliver_due([bot])
    bot.time_out = False
    clock.set_now(at(1, 11))
    assert await service.deliver_due([bot]) == 0
    clock.set_now(at(1, 12))
    assert await service.deliver_due([bot]) == 0
    assert len(bot.sent) == 1  # never resent on its own
    assert (await OutboxMessage.get(target=YOUTH)).status == "unknown"
    assert (await service.status_counts())["unknown"] == 1


async def test_a_timed_out_group_message_is_looked_up_in_the_group_history() -> None:
    clock.set_now(at(1, 10))
    bot = FakeBot(time_out=True)
    await service.enqueue(G1, "群通知", category="test", target_type="group", bulk=False)
    await service.deliver_due([bot])
    bot.time_out = False
    clock.set_now(at(1, 10, 1))
    assert await service.deliver_due([bot]) == 0
    assert bot.sent == [("group", G1, "群通知")]
    assert ("get_group_msg_history", {"group_id": G1, "count": 20}) in bot.calls
    assert (await OutboxMessage.get(target=G1)).status == "sent"


async def test_napcats_own_send_timeout_is_an_unknown_outcome_too() -> None:
    """NapCat answers "Timeout: NTEvent … sendMsg" when QQ did not confirm in time; the
    message can still arrive (NapCatQQ#1772), so it is looked up rather than resent."""
    clock.set_now(at(1, 10))
    bot = FakeBot(unconfirmed=True)
    await service.enqueue(YOUTH, "确认超时", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 0
    bot.unconfirmed = False
    clock.set_now(at(1, 10, 1))
    await service.deliver_due([bot])
    assert bot.sent == [("private", YOUTH, "确认超时")]
    assert (await OutboxMessage.get(target=YOUTH)).status == "sent"


async def test_a_temporary_session_that_timed_out_and_never_arrived_goes_to_the_inbox() -> None:
    clock.set_now(at(1, 10))
    await bound(G1, [YOUTH])
    friends.seed(BOT, set())
    bot = FakeBot(unconfirmed=True, dropped=True)
    await service.enqueue(YOUTH, "没送到的临时会话", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 0
    clock.set_now(at(1, 10, 1))
    assert await service.deliver_due([bot]) == 0
    assert ("get_friend_msg_history", {"user_id": YOUTH, "count": 20}) in bot.calls
    assert [m.text for m in await InboxMessage.filter(qq=YOUTH)] == ["没送到的临时会话"]
    assert (await OutboxMessage.get(target=YOUTH, target_type="private")).status == "inboxed"


def test_history_entries_in_cq_code_are_recognised_too() -> None:
    """Implementations configured for string messages return history as CQ code."""
    mention = OutboxMessage(target_type="mention", target=YOUTH, text=service.MENTION)
    entry = {"user_id": BOT, "time": 2_000_000_000,
             "message": f"[CQ:at,qq={YOUTH}] 联青有 1 条消息给你，加我为好友或私聊我发送 /消息 查看"}
    assert service._is_this(entry, mention, BOT, 0)
    plain = OutboxMessage(target_type="private", target=YOUTH, text="[CQ:at,qq=all] 原样")
    assert service._is_this({"user_id": BOT, "time": 2_000_000_000, "message": "&#91;CQ:at,qq=all&#93; 原样"}, plain, BOT, 0)
    assert not service._is_this({"user_id": YOUTH, "time": 2_000_000_000, "message": "&#91;CQ:at,qq=all&#93; 原样"}, plain, BOT, 0)
    assert not service._is_this({"user_id": BOT, "time": 10, "message": "&#91;CQ:at,qq=all&#93; 原样"}, plain, BOT, 100)


async def test_unread_inbox_messages_expire() -> None:
    clock.set_now(at(1, 10))
    await InboxMessage.create(qq=YOUTH, text="旧消息", category="test", created_at=clock.now())
    clock.set_now(at(30, 10))
    assert await inbox.expire() == 0
    clock.set_now(at(31, 10, 1))
    assert await inbox.expire() == 1


async def test_with_several_accounts_the_inbox_waits_for_the_others_to_try() -> None:
    """Friend lists live in each process: an account elsewhere may have them as a friend."""
    from models import BotAccount

    clock.set_now(at(1, 10))
    await BotAccount.create(self_id=OTHER_BOT, first_seen=clock.now(), last_seen=clock.now())
    friends.seed(BOT, set())
    bot = FakeBot()
    await service.enqueue(STRANGER, "你好", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 0
    assert not await InboxMessage.exists(qq=STRANGER)  # not yet: another process may send it
    clock.set_now(at(1, 11, 1))
    await service.deliver_due([bot])
    assert [m.text for m in await InboxMessage.filter(qq=STRANGER)] == ["你好"]


async def test_a_duplicate_queued_inside_a_transaction_does_not_undo_the_rest_of_it() -> None:
    """PostgreSQL aborts a whole transaction on a duplicate key unless it is a savepoint."""
    from tortoise.transactions import in_transaction

    clock.set_now(at(1, 10))
    async with in_transaction():
        assert await service.enqueue(YOUTH, "一", category="test", dedup_key="once") is not None
        assert await service.enqueue(YOUTH, "二", category="test", dedup_key="once") is None
        await InboxMessage.create(qq=YOUTH, text="同一事务里的其他写入", category="test", created_at=clock.now())
    assert await InboxMessage.exists(qq=YOUTH)
    assert await OutboxMessage.filter(target=YOUTH).count() == 1
