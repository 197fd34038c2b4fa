"""The one source of "now".

Everything is stored in UTC; the configured zone (Asia/Shanghai by default) is
used only to decide local dates (today, quarters, quiet hours) and to display.
Tests move time with `set_now` instead of sleeping.
"""

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

_frozen: datetime | None = None
_local: tzinfo = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """Aware UTC now (or the frozen instant set by a test)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def set_now(instant: datetime | None) -> None:
    """Freeze the clock at `instant` (aware, any zone); None lets it run again."""
    global _frozen
    if instant is not None and instant.tzinfo is None:
        raise ValueError("set_now needs an aware datetime")
    _frozen = instant.astimezone(UTC) if instant is not None else None


def set_local_zone(name: str) -> None:
    global _local
    _local = ZoneInfo(name)


def local_zone() -> tzinfo:
    return _local


def to_local(instant: datetime) -> datetime:
    return instant.astimezone(_local)


def today() -> date:
    return to_local(now()).date()


def local_datetime(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """The UTC instant of a local wall-clock time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=_local).astimezone(
        UTC
    )


def fmt_local(instant: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return to_local(instant).strftime(pattern) if instant else "—"
