"""Flood control: the bot never lets one person, or one busy group, make it talk nonstop.

QQ freezes accounts that send too much, and one user typing `/签到 000000` fifty
times must not make the bot answer fifty times. Per sender, at most
`LIANQING_GROUP_COMMANDS_PER_MINUTE` commands in groups and
`LIANQING_PRIVATE_COMMANDS_PER_MINUTE` in private chat are handled in any
sliding minute; the first one past it gets "操作太频繁，请一分钟后再试", the rest
are dropped silently until the minute has passed. Per group, all senders
together get at most `LIANQING_GROUP_REPLIES_PER_MINUTE` replies a minute
(above the size of a class joining at once). Everything is in memory and
checked synchronously before a handler runs: nothing costs a query.
"""

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from plugins.core import clock

MINUTE = timedelta(minutes=1)
TOO_FAST = "操作太频繁，请一分钟后再试。"
_MAX_KEYS = 100_000


@dataclass
class Limits:
    group_commands: int = 10
    private_commands: int = 30
    group_replies: int = 60


@dataclass
class _Window:
    times: deque[datetime] = field(default_factory=deque)
    warned: bool = False


_limits = Limits()
_senders: dict[tuple[int, int], _Window] = {}  # (group id or 0, qq)
_groups: dict[int, deque[datetime]] = {}


def configure(limits: Limits) -> None:
    global _limits
    _limits = limits


def _trim(times: deque[datetime], now: datetime) -> None:
    while times and not timedelta(0) <= now - times[0] < MINUTE:
        times.popleft()


def _bounded(table: dict) -> None:
    if len(table) > _MAX_KEYS:  # a flood of distinct senders: forget the oldest half
        for key in list(table)[: _MAX_KEYS // 2]:
            del table[key]


def command_verdict(qq: int, group_id: int | None) -> str:
    """"run", "warn" (answer TOO_FAST once) or "drop" for a command from `qq`."""
    now = clock.now()
    key = (group_id or 0, qq)
    window = _senders.get(key)
    if window is None:
        _bounded(_senders)
        window = _senders[key] = _Window()
    _trim(window.times, now)
    limit = _limits.group_commands if group_id else _limits.private_commands
    if len(window.times) < limit:
        window.times.append(now)
        window.warned = False
        return "run"
    if window.warned:
        return "drop"
    window.warned = True
    return "warn"


def group_reply_allowed(group_id: int) -> bool:
    """Count one reply in the group; False when the group's minute is used up."""
    now = clock.now()
    times = _groups.get(group_id)
    if times is None:
        _bounded(_groups)
        times = _groups[group_id] = deque()
    _trim(times, now)
    if len(times) >= _limits.group_replies:
        return False
    times.append(now)
    return True


def reset() -> None:
    _senders.clear()
    _groups.clear()
