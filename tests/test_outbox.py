"""The outbox: budgets, quiet hours, pacing, retries and exactly-once, with a controlled clock."""

import contextlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import OutboxMessage
from plugins.core import clock
from plugins.outbox import service
from plugins.outbox.config import Config
from tests.fakebot import FakeBot
from tests.seed import make_cadre, seed_tree

SH = ZoneInfo("Asia/Shanghai")
YOUTH = 50001


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SH)


@pytest.fixture
def limits():
    """Apply outbox settings for one test, then restore the suite's."""
    from plugins.outbox.config import settings

    with contextlib.ExitStack() as stack:
        yield lambda **changes: stack.enter_context(settings.override(**changes))


async def test_youth_gets_at_most_one_unsolicited_message_a_day() -> None:
    clock.set_now(at(1, 10))
    bot = FakeBot()
    await service.enqueue(YOUTH, "第一条", category="test")
    await service.enqueue(YOUTH, "第二条", category="test")
    await service.enqueue(YOUTH, "审核结果", category="test", bulk=False)  # follow-up: not capped
    assert await service.deliver_due([bot]) == 2
    assert [t for _, _, t in bot.sent] == ["第一条", "审核结果"]
    clock.set_now(at(1, 20))
    assert await service.deliver_due([bot]) == 0  # still the same day
    clock.set_now(at(2, 9))
    assert await service.deliver_due([bot]) == 1
    assert bot.sent[-1][2] == "第二条"


async def test_staff_get_a_larger_allowance() -> None:
    tree = await seed_tree()
    await make_cadre(20001, "张三", tree.province)
    clock.set_now(at(1, 10))
    bot = FakeBot()
    for i in range(25):
        await service.enqueue(20001, f"提醒{i}", category="test")
    assert await service.deliver_due([bot]) == 20


async def test_quiet_hours_hold_messages_until_morning(limits) -> None:
    bot = FakeBot()
    clock.set_now(at(1, 22, 30))
    await service.enqueue(YOUTH, "晚上排队的消息", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 0
    clock.set_now(at(2, 7, 59))
    assert await service.deliver_due([bot]) == 0
    clock.set_now(at(2, 8, 0))
    assert await service.deliver_due([bot]) == 1
    limits(outbox_quiet_start=datetime(2026, 1, 1, 0, 0).time(), outbox_quiet_end=datetime(2026, 1, 1, 0, 0).time())
    clock.set_now(at(2, 23, 0))
    await service.enqueue(YOUTH, "关闭免打扰后", category="test", bulk=False)
    assert await service.deliver_due([bot]) == 1


async def test_bot_daily_budget_and_pacing(limits) -> None:
    limits(outbox_bot_daily_limit=5, outbox_per_minute=2)
    clock.set_now(at(1, 10))
    bot = FakeBot()
    for i in range(8):
        await service.enqueue(60000 + i, f"消息{i}", category="test")
    assert await service.deliver_due([bot]) == 2  # pace: two a minute
    clock.set_now(at(1, 10, 1))
    assert await service.deliver_due([bot]) == 2
    clock.set_now(at(1, 10, 2))
    assert await service.deliver_due([bot]) == 1  # the daily budget of 5 is spent
    clock.set_now(at(1, 12))
    assert await service.deliver_due([bot]) == 0
    assert await OutboxMessage.filter(status="pending").count() == 3
    clock.set_now(at(2, 10))
    assert await service.deliver_due([bot]) == 2


async def test_refused_messages_are_retried_then_marked_failed(limits) -> None:
    limits(outbox_max_attempts=3)
    clock.set_now(at(1, 10))
    await service.enqueue(YOUTH, "重要通知", category="test", bulk=False)
    broken = FakeBot(fail_with=RuntimeError("retcode 1200"))
    assert await service.deliver_due([broken]) == 0
    row = await OutboxMessage.get(target=YOUTH)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.not_before == clock.now() + timedelta(seconds=30)
    assert await service.deliver_due([broken]) == 0  # backing off: not tried again yet
    clock.set_now(at(1, 10, 1))
    assert await service.deliver_due([broken]) == 0
    clock.set_now(at(1, 10, 3))
    assert await service.deliver_due([broken]) == 0
    row = await OutboxMessage.get(target=YOUTH)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error is not None and "retcode 1200" in row.last_error
    counts = await service.status_counts()
    assert counts["failed"] == 1


async def test_a_refused_message_is_delivered_once_it_goes_through() -> None:
    clock.set_now(at(1, 10))
    await service.enqueue(YOUTH, "稍后送达", category="test", bulk=False)
    assert await service.deliver_due([FakeBot(fail_with=ConnectionError("ws closed"))]) == 0
    clock.set_now(at(1, 10, 5))
    ok = FakeBot()
    assert await service.deliver_due([ok]) == 1
    assert await service.deliver_due([ok]) == 0
    assert ok.sent == [("private", YOUTH, "稍后送达")]


async def test_dedup_key_sends_once_ever() -> None:
    clock.set_now(at(1, 10))
    first = await service.enqueue(YOUTH, "提醒", category="test", dedup_key="rule:50001:2026Q4")
    again = await service.enqueue(YOUTH, "提醒", category="test", dedup_key="rule:50001:2026Q4")
    assert first is not None and again is None
    assert await OutboxMessage.all().count() == 1


async def test_two_processes_never_send_the_same_message() -> None:
    """Each process holds its own lock; the conditional claim is what keeps it once."""
    import asyncio

    clock.set_now(at(1, 10))
    for i in range(30):
        await service.enqueue(60000 + i, f"消息{i}", category="test", bulk=False)
    a, b = FakeBot("10000"), FakeBot("10001")
    sent = await asyncio.gather(service._deliver([a]), service._deliver([b]))
    assert sum(sent) == 30
    targets = [t for _, t, _ in a.sent + b.sent]
    assert sorted(targets) == [60000 + i for i in range(30)]


async def test_preferred_account_waits_for_its_own_connection() -> None:
    clock.set_now(at(1, 10))
    await service.enqueue(YOUTH, "经由群内账号发送", category="test", bulk=False, bot_id=10001)
    other = FakeBot("10000")
    assert await service.deliver_due([other]) == 0
    clock.set_now(at(1, 11, 1))  # its account has been away for over an hour: any account may send
    assert await service.deliver_due([other]) == 1


def test_config_defaults_are_documented() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Config.model_fields:
        assert name.upper() in readme, f"{name.upper()} is not in the README"
