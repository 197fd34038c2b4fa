"""Daily upkeep with a controlled clock: member sync, monthly trend, retention."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models import BoundGroup, ContactLink, ContactSnapshot, GroupMember, Invitation, Youth
from plugins.contacts import jobs, links, stats
from plugins.contacts.groups import apply_members
from plugins.core import clock
from tests.fakebot import FakeBot
from tests.seed import make_cadre, seed_tree

SH = ZoneInfo("Asia/Shanghai")


def members(*qqs: int) -> list[dict]:
    return [{"user_id": q, "role": "member", "nickname": "x"} for q in qqs]


async def _cadre_with_group():
    tree = await seed_tree()
    cadre = await make_cadre(20001, "张三", tree.province)
    await BoundGroup.create(group_id=700, cadre=cadre, bot_id=10000, bound_by=20001, bound_at=clock.now())
    return cadre


async def test_sync_replaces_membership_and_ignores_failures() -> None:
    await _cadre_with_group()
    bot = FakeBot(members={700: members(10000, 1, 2, 3)})
    assert await jobs.sync_bot_groups(bot) == 1
    assert set(await GroupMember.all().values_list("qq", flat=True)) == {1, 2, 3}
    bot.members[700] = members(10000, 2, 3, 4)
    await jobs.sync_bot_groups(bot)
    assert set(await GroupMember.all().values_list("qq", flat=True)) == {2, 3, 4}
    # An implementation answering [] or failing does not empty the group.
    bot.members[700] = []
    assert await jobs.sync_bot_groups(bot) == 0
    assert await GroupMember.all().count() == 3
    assert await jobs.sync_bot_groups(FakeBot(fail_with=TimeoutError())) == 0
    assert await GroupMember.all().count() == 3
    # Another account's groups are not this bot's to sync.
    assert await jobs.sync_bot_groups(FakeBot("10001", members={700: members(1)})) == 0


async def test_stale_only_sync_after_reconnect() -> None:
    await _cadre_with_group()
    bot = FakeBot(members={700: members(1)})
    assert await jobs.sync_bot_groups(bot, stale_only=True) == 1  # never synced
    assert await jobs.sync_bot_groups(bot, stale_only=True) == 0  # synced just now
    clock.set_now(clock.now() + timedelta(days=1, minutes=1))
    assert await jobs.sync_bot_groups(bot, stale_only=True) == 1


async def test_monthly_trend_survives_deletion() -> None:
    cadre = await _cadre_with_group()
    clock.set_now(datetime(2026, 10, 20, 4, 30, tzinfo=SH))
    for qq in (1, 2):
        await links.join(qq, "青年", cadre, source="private")
        await links.consent(qq)
    assert await stats.snapshot_month() == 1
    clock.set_now(datetime(2026, 11, 20, 4, 30, tzinfo=SH))
    await links.join(3, "青年", cadre, source="private")
    await links.consent(3)
    await stats.snapshot_month()
    await stats.snapshot_month()  # idempotent
    await links.erase_person(1, "left")
    info = await stats.cadre_contacts(cadre, 100)
    assert info.trend == [("2026-10", 2), ("2026-11", 2)]  # current month is live: 3 - 1
    assert await ContactSnapshot.filter(month="2026-11").count() == 1


async def test_retention_deletes_unconfirmed_links_and_old_invitations() -> None:
    cadre = await _cadre_with_group()
    clock.set_now(datetime(2026, 11, 1, 10, tzinfo=SH))
    await links.join(1, "没同意的人", cadre, source="private")
    await links.join(2, "同意的人", cadre, source="private")
    await links.consent(2)
    await Invitation.create(cadre=cadre, qq=3, created_at=clock.now())
    clock.set_now(datetime(2026, 11, 8, 9, tzinfo=SH))  # under 7 days
    assert await links.expire_stale() == (0, 0)
    clock.set_now(datetime(2026, 11, 8, 11, tzinfo=SH))
    assert await links.expire_stale() == (1, 0)
    assert not await Youth.exists(qq=1)  # nothing left to keep about them
    assert await ContactLink.filter(status="confirmed").count() == 1
    clock.set_now(datetime(2026, 12, 2, 10, tzinfo=SH))
    assert await links.expire_stale() == (0, 1)


async def test_apply_members_skips_the_bot_itself() -> None:
    await _cadre_with_group()
    result = await apply_members(700, {10000: "admin", 5: "member"}, 10000)
    assert (result.added, result.total) == (1, 1)
