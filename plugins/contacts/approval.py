"""Friend requests and group invitations, answered by the bot itself.

QQ delivers a plain private message only to a friend, so the bot accepts the
friend requests of the people it serves: with LIANQING_FRIEND_APPROVE=members
(default) a member of a bound group, a cadre, an administrator or a superuser;
`all` accepts everyone, `none` leaves every request to the operator. A request
from anyone else is left unanswered (not refused): it stays in the account's
notifications, where an operator can still accept it by hand, and a stranger
learns nothing.

An invitation into a group is accepted only from a cadre, an administrator or
a superuser (the group is then theirs to bind with /绑定本群); other
invitations are left unanswered for the same reasons.

Shapes as NapCat posts and answers them (NapNeko/NapCatQQ
packages/napcat-onebot/index.ts initBuddyListener / initGroupListener;
action/user/SetFriendAddRequest.ts, action/group/SetGroupAddRequest.ts).
"""

from nonebot.adapters.onebot.v11 import Bot, FriendRequestEvent, GroupRequestEvent, RequestEvent
from nonebot.log import logger

from models import Admin, Cadre, GroupMember
from plugins.contacts.config import settings
from plugins.core.bots import is_superuser
from plugins.outbox import friends, service


async def is_staff_or_superuser(bot: Bot, qq: int) -> bool:
    return is_superuser(bot, qq) or await Cadre.exists(qq=qq) or await Admin.exists(qq=qq)


async def may_befriend(bot: Bot, qq: int) -> bool:
    policy = settings().lianqing_friend_approve
    if policy == "all":
        return True
    if policy == "none":
        return False
    return await is_staff_or_superuser(bot, qq) or await GroupMember.exists(qq=qq)


async def _friend_request(bot: Bot, event: RequestEvent) -> None:
    if not isinstance(event, FriendRequestEvent):
        return
    qq = int(event.user_id)
    if not await may_befriend(bot, qq):
        return  # left unanswered
    await bot.call_api("set_friend_add_request", flag=event.flag, approve=True)
    friends.added(int(bot.self_id), qq)
    service.kick()  # messages waiting for them can now go privately


async def _group_invitation(bot: Bot, event: RequestEvent) -> None:
    if not isinstance(event, GroupRequestEvent) or event.sub_type != "invite":
        return
    if not await is_staff_or_superuser(bot, int(event.user_id)):
        return  # left unanswered
    await bot.call_api("set_group_add_request", flag=event.flag, sub_type="invite", approve=True)
    logger.info(f"joined group {event.group_id} on an invitation by a cadre or administrator")
