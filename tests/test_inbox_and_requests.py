"""/消息 shows and clears what the bot kept for someone; friend requests and group
invitations are answered for the people the bot serves, and left alone otherwise."""

import contextlib
import time

import pytest
from nonebot.adapters.onebot.v11 import (
    ActionFailed,
    Bot,
    FriendAddNoticeEvent,
    FriendRequestEvent,
    GroupRequestEvent,
)
from nonebug import App

from models import BoundGroup, GroupMember, InboxMessage, OutboxMessage
from plugins.contacts.links import erase_person
from plugins.core import clock
from plugins.outbox import enqueue, friends
from tests.conftest import SUPERUSER
from tests.helpers import BOT_ID, Api, Contains, converse, group, private
from tests.seed import HANGZHOU_ADMIN, make_cadre, seed_tree

YOUTH, STRANGER, ZHANG = 50001, 50009, 20001
G = 700001


async def kept(qq: int, *texts: str) -> None:
    for text in texts:
        await InboxMessage.create(qq=qq, text=text, category="test", created_at=clock.now())


async def test_a_youth_reads_and_clears_the_messages_kept_for_them(app: App) -> None:
    await kept(YOUTH, "邀请你确认联系", "诉求 #1 有了答复")
    await converse(
        app, private(YOUTH, "/消息"),
        Contains("暂存给你的消息（2 条）", "【1】", "邀请你确认联系", "【2】", "诉求 #1 有了答复", "已从暂存中删除"),
    )
    assert not await InboxMessage.exists(qq=YOUTH)
    await converse(app, private(YOUTH, "/消息"), Contains("没有暂存给你的消息"))


async def test_long_inboxes_are_shown_a_page_at_a_time(app: App) -> None:
    await kept(YOUTH, "甲" * 450, "乙" * 450, "丙" * 10)
    await converse(app, private(YOUTH, "/消息"), Contains("暂存给你的消息（3 条）", "甲" * 450, "还有 2 条，再发 /消息 查看"))
    await converse(app, private(YOUTH, "/消息"), Contains("暂存给你的消息（2 条）", "乙" * 450, "丙" * 10, "已从暂存中删除"))
    assert not await InboxMessage.exists(qq=YOUTH)


async def test_messages_are_kept_when_the_answer_could_not_be_sent(app: App) -> None:
    await kept(YOUTH, "重要的答复")
    event = private(YOUTH, "/消息")
    async with app.test_matcher() as ctx:
        bot = ctx.create_bot(base=Bot, self_id=str(BOT_ID))
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, Contains("重要的答复"), exception=ActionFailed(retcode=1200))
    assert await InboxMessage.filter(qq=YOUTH).count() == 1


async def test_in_a_group_the_inbox_is_not_shown(app: App) -> None:
    await kept(YOUTH, "只给本人看的内容")
    await converse(app, group(G, YOUTH, "/消息"), Contains("请私聊我发送 /消息"))
    assert await InboxMessage.filter(qq=YOUTH).count() == 1


async def test_leaving_entirely_deletes_the_inbox_and_its_mentions() -> None:
    await kept(YOUTH, "暂存的内容")
    await enqueue(YOUTH, "联青有 {n} 条消息给你", category="inbox_mention", target_type="mention", group_id=G, bulk=False)
    await erase_person(YOUTH, "left")
    assert not await InboxMessage.exists(qq=YOUTH)
    assert not await OutboxMessage.exists(target=YOUTH)


def friend_request(user_id: int, flag: str = "1764470000000001") -> FriendRequestEvent:
    return FriendRequestEvent(
        time=int(time.time()), self_id=BOT_ID, post_type="request", request_type="friend",
        user_id=user_id, comment="我是杭州的青年", flag=flag,
    )


def group_invitation(group_id: int, inviter: int, flag: str = "1764470000000002") -> GroupRequestEvent:
    return GroupRequestEvent(
        time=int(time.time()), self_id=BOT_ID, post_type="request", request_type="group",
        sub_type="invite", group_id=group_id, user_id=inviter, comment="", flag=flag,
    )


def approved(flag: str = "1764470000000001") -> Api:
    return Api("set_friend_add_request", {"flag": flag, "approve": True})


@pytest.fixture
def policy():
    from plugins.contacts.config import settings

    with contextlib.ExitStack() as stack:
        yield lambda value: stack.enter_context(settings.override(lianqing_friend_approve=value))


async def world() -> None:
    tree = await seed_tree()
    cadre = await make_cadre(ZHANG, "张三", tree.hangzhou)
    await BoundGroup.create(group_id=G, cadre=cadre, bot_id=BOT_ID, bound_by=ZHANG, bound_at=clock.now())
    await GroupMember.create(group_id=G, qq=YOUTH, seen_at=clock.now())


async def test_a_member_of_a_bound_group_becomes_a_friend(app: App) -> None:
    await world()
    friends.seed(BOT_ID, set())
    await converse(app, friend_request(YOUTH), approved())
    assert friends.status(BOT_ID, YOUTH) is True  # private messages go plainly from now on


async def test_staff_and_superusers_become_friends(app: App) -> None:
    await world()
    for qq in (ZHANG, HANGZHOU_ADMIN, SUPERUSER):
        await converse(app, friend_request(qq, flag=str(qq)), approved(str(qq)))


async def test_a_stranger_is_left_unanswered(app: App) -> None:
    await world()
    friends.seed(BOT_ID, set())
    await converse(app, friend_request(STRANGER))  # no set_friend_add_request at all
    assert friends.status(BOT_ID, STRANGER) is False


async def test_the_approval_policy_is_configurable(app: App, policy) -> None:
    await world()
    policy("all")
    await converse(app, friend_request(STRANGER), approved())
    policy("none")
    await converse(app, friend_request(YOUTH))
    await converse(app, friend_request(ZHANG))


async def test_invitations_into_groups_are_accepted_from_staff_only(app: App) -> None:
    await world()
    await converse(
        app, group_invitation(800001, ZHANG),
        Api("set_group_add_request", {"flag": "1764470000000002", "sub_type": "invite", "approve": True}),
    )
    await converse(
        app, group_invitation(800002, SUPERUSER, flag="9"),
        Api("set_group_add_request", {"flag": "9", "sub_type": "invite", "approve": True}),
    )
    await converse(app, group_invitation(800003, YOUTH))  # a youth's invitation: left alone
    await converse(app, group_invitation(800004, STRANGER))


async def test_a_new_friend_notice_updates_the_friend_list(app: App) -> None:
    friends.seed(BOT_ID, set())
    notice = FriendAddNoticeEvent(
        time=int(time.time()), self_id=BOT_ID, post_type="notice", notice_type="friend_add", user_id=YOUTH
    )
    await converse(app, notice)
    assert friends.status(BOT_ID, YOUTH) is True
