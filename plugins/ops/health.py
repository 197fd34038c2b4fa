"""What /healthz and /metrics report: the database, the accounts, the scheduler, the outbox.

The database probe is the outbox count itself (`status IN (pending, sending,
failed)`, served by the (status, not_before) index), run with a short timeout:
on SQLite `SELECT 1` is answered without reading the database file, so it
would call a locked or vanished database healthy; a query on a real table does
not. On PostgreSQL the same query also needs a working connection.

Healthy means: the database answered within `LIANQING_HEALTH_DB_TIMEOUT`
seconds and the scheduler ticked within max(120 s, 4 × LIANQING_TICK_SECONDS).
No QQ account connected is reported but stays healthy: restarting the bot does
not log NapCat in, so a restart loop would not help.
"""

import asyncio
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from plugins.core import db, metrics
from plugins.core.bots import connected_bots
from plugins.core.sql import fetch

MIN_TICK_LIMIT = 120.0
STATUSES = ("pending", "sending", "failed")


@dataclass
class Health:
    database: bool
    bot_accounts: int
    tick_age: float
    tick_limit: float
    outbox: dict[str, int] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return self.database and self.tick_age <= self.tick_limit

    def problems(self) -> list[str]:
        found = []
        if not self.database:
            found.append("数据库无法访问")
        if self.tick_age > self.tick_limit:
            found.append(f"定时任务已 {self.tick_age:.0f} 秒没有运行")
        return found

    def warnings(self) -> list[str]:
        if self.bot_accounts:
            return []
        return ["没有 QQ 账号连接：请检查 OneBot 实现（如 NapCat）是否登录并连上反向 WebSocket"]

    def as_json(self) -> dict:
        """Counts and ages only: nothing about any person or group."""
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "database": "ok" if self.database else "unreachable",
            "bot_accounts": self.bot_accounts,
            "scheduler": {
                "last_tick_age_seconds": round(self.tick_age, 1),
                "limit_seconds": self.tick_limit,
            },
            "outbox": {
                "pending": self.outbox.get("pending", 0) + self.outbox.get("sending", 0),
                "failed": self.outbox.get("failed", 0),
            }
            if self.database
            else None,
            "problems": self.problems(),
            "warnings": self.warnings(),
        }


_last = Health(database=False, bot_accounts=0, tick_age=0.0, tick_limit=MIN_TICK_LIMIT)


async def outbox_counts(timeout: float) -> dict[str, int] | None:
    """Messages waiting and failed, or None when the database did not answer in time."""
    if not db.is_open():
        return None
    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    try:
        rows = await asyncio.wait_for(
            fetch(
                "SELECT status, COUNT(*) AS n FROM outbox_message "
                f"WHERE status IN ({statuses}) GROUP BY status"
            ),
            timeout,
        )
    except Exception:
        metrics.DATABASE_ERRORS.labels("health").inc()
        return None
    return {r["status"]: int(r["n"]) for r in rows}


async def check(*, db_timeout: float, tick_seconds: float) -> Health:
    global _last
    counts = await outbox_counts(db_timeout)
    _last = Health(
        database=counts is not None,
        bot_accounts=len(connected_bots()),
        tick_age=metrics.tick_age(),
        tick_limit=max(MIN_TICK_LIMIT, 4 * tick_seconds),
        outbox=counts or {},
    )
    return _last


class Gauges(Collector):
    """Values read at scrape time: events (plain counters kept by the dispatcher),
    accounts, scheduler lag, and the outbox counts of the last `check`."""

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        events = CounterMetricFamily(
            "lianqing_events", "OneBot events received, by post type.", labels=["type"]
        )
        for post_type, n in sorted(metrics.events_seen().items()):
            events.add_metric([post_type], n)
        yield events
        yield GaugeMetricFamily(
            "lianqing_bot_accounts_connected",
            "QQ accounts connected to this process.",
            value=len(connected_bots()),
        )
        yield GaugeMetricFamily(
            "lianqing_scheduler_tick_age_seconds",
            "Seconds since the scheduler last ticked (scheduler lag).",
            value=metrics.tick_age(),
        )
        yield GaugeMetricFamily(
            "lianqing_database_up", "1 when the database answered the last probe.",
            value=1 if _last.database else 0,
        )
        outbox = GaugeMetricFamily(
            "lianqing_outbox_messages",
            "Outbox messages waiting (pending) and given up (failed), at the last probe.",
            labels=["status"],
        )
        if _last.database:
            waiting = _last.outbox.get("pending", 0) + _last.outbox.get("sending", 0)
            outbox.add_metric(["pending"], waiting)
            outbox.add_metric(["failed"], _last.outbox.get("failed", 0))
        else:
            outbox.add_metric(["pending"], math.nan)
            outbox.add_metric(["failed"], math.nan)
        yield outbox
