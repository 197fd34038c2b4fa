"""In-process measurements for operators: the numbers behind `/metrics` and `/healthz`.

Kept in core because the code measured lives here and in the outbox; the ops
plugin only serves them. Nothing here touches the database or the network.

Cost (bench/ops.py): the per-message hook `event_seen` is one dict increment,
0.23 µs per call; a prometheus_client `Counter.inc` takes a lock, so events
are counted in a plain dict and exported at scrape time. Commands are rare and
use prometheus_client directly: 6.7 µs per command (two label lookups, a
histogram observation, a counter increment).

Privacy: no label ever holds a QQ number, a group number or a name: labels are
event types, command words (the fixed names in the command registry) and
fixed outcome / source names.
"""

import time

from prometheus_client import Counter, Histogram

# post_type -> events received ("message", "notice", "request", "meta_event").
_events: dict[str, int] = {}

COMMANDS = Counter(
    "lianqing_commands_total",
    "Commands handled, by command word and outcome (ok, refused, busy, failed).",
    ["command", "outcome"],
)
COMMAND_SECONDS = Histogram(
    "lianqing_command_seconds",
    "Time from dispatch to the handler's return, by command word.",
    ["command"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
OUTBOX_SENT = Counter(
    "lianqing_outbox_sent_total", "Outbox messages the OneBot side accepted."
)
OUTBOX_SEND_FAILURES = Counter(
    "lianqing_outbox_send_failures_total",
    "Outbox send attempts the OneBot side refused or that timed out (each is retried).",
)
DATABASE_ERRORS = Counter(
    "lianqing_database_errors_total",
    "Database errors seen, by where (command, tick, health).",
    ["source"],
)

_started = time.monotonic()
_last_tick: float | None = None


def event_seen(post_type: str) -> None:
    _events[post_type] = _events.get(post_type, 0) + 1


def events_seen() -> dict[str, int]:
    return dict(_events)


def tick_started() -> None:
    global _last_tick
    _last_tick = time.monotonic()


def tick_age() -> float:
    """Seconds since the scheduler last ticked (since start-up before the first tick)."""
    return time.monotonic() - (_last_tick if _last_tick is not None else _started)


def ticked() -> bool:
    return _last_tick is not None
