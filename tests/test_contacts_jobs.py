"""Daily upkeep with a controlled clock: member sync, monthly trend, retention."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

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
    clock.set_now(clock.now() + timedelta(hours=5, minutes=59))
    assert await jobs.sync_bot_groups(bot, stale_only=True) == 0  # within CONTACTS_RESYNC_AFTER_HOURS
    clock.set_now(clock.now() + timedelta(minutes=2))
    assert await jobs.sync_bot_groups(bot, stale_only=True) == 1


class TimedBot(FakeBot):
    """Records when (by the controlled clock) each member list was asked for; fails after `fail_after`."""

    def __init__(self, group_ids: list[int], fail_after: int | None = None) -> None:
        super().__init__(members={g: members(g * 10 + 1) for g in group_ids})
        self.asked: list[tuple[int, datetime]] = []
        self.fail_after = fail_after

    async def get_group_member_list(self, *, group_id: int) -> list[dict]:
        if self.fail_after is not None and len(self.asked) >= self.fail_after:
            raise TimeoutError("connection lost")
        self.asked.append((group_id, clock.now()))
        return await super().get_group_member_list(group_id=group_id)


@pytest.fixture
def paced(monkeypatch: pytest.MonkeyPatch):
    """The pacer waits by moving the controlled clock on, not by sleeping."""

    async def advance(seconds: float) -> None:
        clock.set_now(clock.now() + timedelta(seconds=seconds))

    jobs.reset()
    monkeypatch.setattr(jobs, "wait", advance)
    yield
    jobs.reset()


async def _many_groups(n: int) -> list[int]:
    tree = await seed_tree()
    cadre = await make_cadre(20001, "张三", tree.province)
    ids = [800000 + i for i in range(n)]
    await BoundGroup.bulk_create(
        [BoundGroup(group_id=g, cadre=cadre, bot_id=10000, bound_by=20001, bound_at=clock.now()) for g in ids]
    )
    return ids


async def test_start_up_with_many_groups_asks_at_most_60_member_lists_a_minute(paced) -> None:
    ids = await _many_groups(150)
    bot = TimedBot(ids)
    start = clock.now()
    assert await jobs.sync_bot_groups(bot, stale_only=True) == 150
    times = [t for _, t in bot.asked]
    assert sum(1 for t in times if t - start < timedelta(minutes=1)) == 60
    for i, t in enumerate(times):  # no minute anywhere holds more than 60 calls
        assert sum(1 for u in times[i:] if u - t < timedelta(minutes=1)) <= 60
    assert times[-1] - start >= timedelta(minutes=2)


class LateFirstBot(TimedBot):
    """The first request reaches the OneBot side half a second after it was made; the rest at once."""

    async def get_group_member_list(self, *, group_id: int) -> list[dict]:
        if not self.asked:
            clock.set_now(clock.now() + timedelta(milliseconds=500))
        return await super().get_group_member_list(group_id=group_id)


async def test_a_first_request_slow_to_arrive_does_not_let_a_61st_into_its_minute(paced) -> None:
    """Where the limit matters, at the OneBot side: at most 60 arrivals in any minute."""
    ids = await _many_groups(70)
    bot = LateFirstBot(ids)
    assert await jobs.sync_bot_groups(bot, stale_only=True) == 70
    times = [t for _, t in bot.asked]
    for i, t in enumerate(times):
        assert sum(1 for u in times[i:] if u - t < timedelta(minutes=1)) <= 60


async def test_sync_goes_oldest_first_and_resumes_after_a_restart(paced) -> None:
    ids = await _many_groups(8)
    t0 = clock.now()
    # Synced 7, 8, … 14 hours ago, the last never: never-synced first, then the oldest.
    for i, g in enumerate(ids[:-1]):
        await BoundGroup.filter(group_id=g).update(synced_at=t0 - timedelta(hours=7 + i))
    expected = [ids[-1], *reversed(ids[:-1])]
    cut_short = TimedBot(ids, fail_after=3)  # the connection drops after three groups
    assert await jobs.sync_bot_groups(cut_short, stale_only=True) == 3
    assert [g for g, _ in cut_short.asked] == expected[:3]
    jobs.reset()  # the process restarts and the account connects again
    resumed = TimedBot(ids)
    assert await jobs.sync_bot_groups(resumed, stale_only=True) == 5
    assert [g for g, _ in resumed.asked] == expected[3:]
    # Reconnecting again within CONTACTS_RESYNC_AFTER_HOURS syncs nothing.
    clock.set_now(clock.now() + timedelta(hours=5))
    again = TimedBot(ids)
    assert await jobs.sync_bot_groups(again, stale_only=True) == 0 and again.asked == []


async def test_daily_sync_runs_in_the_background_and_a_reconnection_replaces_it(paced) -> None:
    ids = await _many_groups(3)
    bot = TimedBot(ids)
    first = jobs.start(bot, stale_only=False)
    second = jobs.start(bot, stale_only=True)
    await asyncio.gather(first, second, return_exceptions=True)
    assert first.cancelled()
    assert sorted(g for g, _ in bot.asked) == ids


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


async def test_two_syncs_of_one_group_at_once_both_succeed_and_agree() -> None:
    """/绑定本群 syncs the group it binds while the start-up catch-up may sync it too."""
    from plugins.contacts import groups

    await _cadre_with_group()
    first, second = await asyncio.gather(
        groups.apply_members(700, {1001: "member", 1002: "admin"}, 10000),
        groups.apply_members(700, {1001: "member", 1002: "admin", 1003: "member"}, 10000),
    )
    assert first.added + second.added == 3
    assert sorted(await GroupMember.filter(group_id=700).values_list("qq", flat=True)) == [1001, 1002, 1003]
