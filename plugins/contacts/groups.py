"""Bound groups and their members (reachable): bind, unbind, sync, membership notices."""

import asyncio
from dataclasses import dataclass

from nonebot.adapters.onebot.v11 import Bot
from nonebot.log import logger
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import BoundGroup, Cadre, GroupMember
from plugins.contacts import cache
from plugins.contacts.optout import opted_out
from plugins.contacts.stats import confirmed_count
from plugins.core import clock
from plugins.core.actor import Actor
from plugins.core.errors import Conflict, Forbidden, NotFound, UsageError
from plugins.core.text import parse_qq, parse_ref, ref
from plugins.identity.orgs import chat_name, target_for
from plugins.outbox import enqueue

CHUNK = 500


@dataclass
class SyncResult:
    added: int
    removed: int
    total: int


BOUND_NEXT = (
    "群 {group_id} 已交给你联系，联青在群里发了说明。\n"
    "下一步：请群友发 /加入（你在群里说一声更快）；发 /联系人 看进度（现在 {confirmed}/{target}）。"
)


async def find_cadre(token: str) -> Cadre:
    """A cadre by `#N`/small N (cadre number) or by QQ number (5 digits or more)."""
    token = token.strip()
    number = parse_ref(token) or parse_qq(token)
    if number is None:
        raise UsageError("请写团干部编号（如 #3）或 QQ 号")
    # A cadre number first (#N always is one), then a QQ: numbers printed on cards can be
    # above 10000, and a bare number was once taken for a QQ from 10000 on.
    cadre = await Cadre.get_or_none(id=number).prefetch_related("org")
    if cadre is None and not token.startswith(("#", "＃")):
        cadre = await Cadre.get_or_none(qq=number).prefetch_related("org")
    if cadre is None:
        raise NotFound(f"没有找到团干部 {token[:20]}，请核对团干部编号（如 #3）")
    if cadre.left_at is not None:
        after = f"，接任的是 {ref(cadre.successor_id)}" if cadre.successor_id else ""
        raise NotFound(f"团干部 {ref(cadre.id)} 已离任{after}")
    return cadre


async def find_cadre_by_qq(token: str) -> Cadre:
    """The cadre whose QQ was @-mentioned."""
    cadre = await Cadre.get_or_none(qq=int(token)).prefetch_related("org")
    if cadre is None:
        raise NotFound("你 @ 的人不是认证团干部。请写团干部编号，例如 /诉求 @3 食堂饭菜太贵")
    return cadre


async def bound_group(group_id: int) -> BoundGroup | None:
    return await BoundGroup.get_or_none(group_id=group_id).prefetch_related("cadre", "cadre__org")


async def bind(actor: Actor, group_id: int, bot_id: int, cadre: Cadre) -> BoundGroup:
    """Bind the group to `cadre` (the actor is that cadre, or administers the cadre's organisation)."""
    if not (actor.cadre is not None and actor.cadre.id == cadre.id) and not actor.administers(cadre.org):
        raise Forbidden("只能为自己，或作为管理员为所辖组织的团干部绑定群")
    existing = await bound_group(group_id)
    if existing is not None:
        if existing.cadre_id == cadre.id:
            raise Conflict(f"本群已绑定为{chat_name(existing.cadre.org, existing.cadre.name)}的联系群，无需重复绑定")
        raise Conflict(
            f"本群已绑定{chat_name(existing.cadre.org, existing.cadre.name, existing.cadre_id)}，"
            "一个群只能绑定一名团干部；如需更换，请其先发送 /解绑本群"
        )
    confirmed, target = await confirmed_count(cadre.id), await target_for(cadre)
    try:
        async with in_transaction():
            group = await BoundGroup.create(
                group_id=group_id, cadre=cadre, bot_id=bot_id, bound_by=actor.qq or 0, bound_at=clock.now()
            )
            # The next step, to the cadre in private (the group gets the notice).
            await enqueue(
                cadre.qq,
                BOUND_NEXT.format(group_id=group_id, confirmed=confirmed, target=target),
                category="next_step",
                bulk=False,
                dedup_key=f"bound:{group_id}:{cadre.id}:{clock.today().isoformat()}",
                bot_id=bot_id,
                group_id=group_id,
            )
    except IntegrityError as e:  # bound by someone else a moment ago
        raise Conflict("本群刚刚已被绑定，请发送 /联系人 查看") from e
    group.cadre = cadre
    cache.put(group_id, cadre.id, cadre.qq)
    return group


async def unbind(actor: Actor, group_id: int) -> BoundGroup:
    group = await bound_group(group_id)
    if group is None:
        raise NotFound("本群没有绑定团干部")
    own = actor.cadre is not None and actor.cadre.id == group.cadre_id
    if not own and not actor.administers(group.cadre.org):
        raise Forbidden("只有绑定本群的团干部或其组织的管理员可以解绑")
    async with in_transaction():
        await GroupMember.filter(group_id=group_id).delete()
        await BoundGroup.filter(id=group.id).delete()
    cache.drop(group_id)
    return group


async def fetch_members(bot: Bot, group_id: int) -> dict[int, str] | None:
    """QQ → role from the OneBot side; None when the call fails or looks wrong."""
    try:
        members = await bot.get_group_member_list(group_id=group_id)
    except Exception as e:
        logger.warning(f"member list of a bound group unavailable: {e!r}")
        return None
    if not isinstance(members, list) or not members:
        return None  # an empty list is an implementation error, not an empty group
    result: dict[int, str] = {}
    for m in members:
        try:
            result[int(m["user_id"])] = str(m.get("role") or "member")[:8]
        except (KeyError, TypeError, ValueError):
            continue
    return result or None


_syncing: dict[int, asyncio.Lock] = {}


async def apply_members(group_id: int, members: dict[int, str], bot_id: int) -> SyncResult:
    """Make the stored membership equal `members`, in bulk, in one transaction.

    One group at a time in this process: `/绑定本群` syncs the group it binds while the start-up
    catch-up may pick the same, newly bound group; on PostgreSQL both inserted the same members
    and the command failed (系统繁忙, seen in tests/e2e/test_ops_e2e.py). Inserts also skip rows
    another process wrote meanwhile."""
    members = {qq: role for qq, role in members.items() if qq != bot_id}
    for qq in await opted_out(list(members)):
        members.pop(qq, None)
    async with _syncing.setdefault(group_id, asyncio.Lock()):  # one small lock per bound group, kept
        return await _apply(group_id, members)


async def _apply(group_id: int, members: dict[int, str]) -> SyncResult:
    now = clock.now()
    async with in_transaction():
        stored = dict(await GroupMember.filter(group_id=group_id).values_list("qq", "role"))
        added = [qq for qq in members if qq not in stored]
        removed = [qq for qq in stored if qq not in members]
        for i in range(0, len(added), CHUNK):
            await GroupMember.bulk_create(
                [GroupMember(group_id=group_id, qq=qq, role=members[qq], seen_at=now) for qq in added[i : i + CHUNK]],
                ignore_conflicts=True,
            )
        for i in range(0, len(removed), CHUNK):
            await GroupMember.filter(group_id=group_id, qq__in=removed[i : i + CHUNK]).delete()
        changed: dict[str, list[int]] = {}
        for qq, role in members.items():
            if qq in stored and stored[qq] != role:
                changed.setdefault(role, []).append(qq)
        for role, qqs in changed.items():
            for i in range(0, len(qqs), CHUNK):
                await GroupMember.filter(group_id=group_id, qq__in=qqs[i : i + CHUNK]).update(role=role)
        await BoundGroup.filter(group_id=group_id).update(synced_at=now, member_count=len(members))
    return SyncResult(len(added), len(removed), len(members))


async def sync_group(bot: Bot, group_id: int) -> SyncResult | None:
    """Refresh one bound group from `get_group_member_list`; None leaves it untouched."""
    members = await fetch_members(bot, group_id)
    if members is None:
        return None
    try:
        info = await bot.get_group_info(group_id=group_id)
        name = str(info.get("group_name") or "")[:100]
        if name:
            await BoundGroup.filter(group_id=group_id).update(name=name)
    except Exception:
        pass  # the name is cosmetic
    return await apply_members(group_id, members, int(bot.self_id))


async def member_joined(group_id: int, qq: int, bot_id: int) -> None:
    if qq == bot_id or not await BoundGroup.exists(group_id=group_id):
        return
    if await opted_out([qq]):
        return
    try:
        await GroupMember.create(group_id=group_id, qq=qq, role="member", seen_at=clock.now())
    except IntegrityError:
        return
    await BoundGroup.filter(group_id=group_id).update(member_count=await GroupMember.filter(group_id=group_id).count())


async def member_left(group_id: int, qq: int, bot_id: int) -> BoundGroup | None:
    """Forget the member; when the bot itself left, the binding ends (returned)."""
    if qq == bot_id:
        group = await bound_group(group_id)
        if group is not None:
            async with in_transaction():
                await GroupMember.filter(group_id=group_id).delete()
                await BoundGroup.filter(id=group.id).delete()
            cache.drop(group_id)
        return group
    deleted = await GroupMember.filter(group_id=group_id, qq=qq).delete()
    if deleted:
        await BoundGroup.filter(group_id=group_id).update(
            member_count=await GroupMember.filter(group_id=group_id).count()
        )
    return None
