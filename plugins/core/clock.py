"""The one source of "now".

Everything is stored in UTC; the configured zone (Asia/Shanghai by default) is
used only to decide local dates (today, quarters, quiet hours) and to display.
Tests move time with `set_now` instead of sleeping.
"""

import os
import time as _time
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

_frozen: datetime | None = None
_local: tzinfo = ZoneInfo("Asia/Shanghai")

# End-to-end tests set the clock of the real bot process through a file holding
# an ISO instant, from which time then runs on; never set in production.
_clock_path = os.environ.get("LIANQING_TEST_CLOCK")
_clock_file = Path(_clock_path) if _clock_path else None
_file_cache: tuple[float, datetime] | None = None


def _from_file(path: Path) -> datetime:
    """The instant written in the file, plus the real time elapsed since it was written."""
    global _file_cache
    mtime = path.stat().st_mtime
    if _file_cache is None or _file_cache[0] != mtime:
        _file_cache = (mtime, datetime.fromisoformat(path.read_text().strip()))
    return _file_cache[1] + timedelta(seconds=max(0.0, _time.time() - mtime))


def now() -> datetime:
    """Aware UTC now (or the instant frozen by a test)."""
    if _frozen is not None:
        return _frozen
    if _clock_file is not None:
        return _from_file(_clock_file).astimezone(UTC)
    return datetime.now(UTC)


def set_now(instant: datetime | None) -> None:
    """Freeze the clock at `instant` (aware, any zone); None lets it run again."""
    global _frozen
    if instant is not None and instant.tzinfo is None:
        raise ValueError("set_now needs an aware datetime")
    _frozen = instant.astimezone(UTC) if instant is not None else None


def set_local_zone(name: str) -> None:
    global _local, _day
    _local = ZoneInfo(name)
    _day = None


# The local day of the last `today()` and the UTC instants where it starts and ends. The wire's
# fast path asks for every message it counts: converting to the zone each time was 5 % of its
# CPU (py-spy, bench/overload.py, 63,850 msg/s); two comparisons of aware datetimes are not.
_day: tuple[datetime, datetime, date] | None = None


def local_zone() -> tzinfo:
    return _local


def to_local(instant: datetime) -> datetime:
    return instant.astimezone(_local)


def today() -> date:
    global _day
    instant = now()
    cached = _day
    if cached is not None and cached[0] <= instant < cached[1]:
        return cached[2]
    day = to_local(instant).date()
    start, end = local_datetime(day), local_datetime(day + timedelta(days=1))
    if start <= instant < end:  # (a zone whose midnight is skipped is never cached wrongly)
        _day = (start, end, day)
    return day


def local_datetime(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """The UTC instant of a local wall-clock time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=_local).astimezone(
        UTC
    )


def in_window(instant: datetime, start: time, end: time) -> bool:
    """Whether the local wall-clock time of `instant` lies in [start, end), wrapping midnight."""
    t = to_local(instant).time()
    return start <= t < end if start <= end else (t >= start or t < end)


def next_local(instant: datetime, at: time) -> datetime:
    """The first UTC instant after `instant` whose local wall-clock time is `at`."""
    local = to_local(instant)
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if candidate <= local:
        day = local.date().toordinal() + 1
        candidate = datetime.combine(date.fromordinal(day), at, tzinfo=_local)
    return candidate.astimezone(UTC)


def day_start(instant: datetime) -> datetime:
    """The UTC instant of local midnight starting the day of `instant`."""
    return local_datetime(to_local(instant).date())


def fmt_local(instant: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return to_local(instant).strftime(pattern) if instant else "—"


def fmt_when(instant: datetime | None) -> str:
    """A moment as people read it on a phone: 12-05 14:30, with the year when it is not
    this year's (2025-12-05 14:30), so last December's case is not read as this one's."""
    if not instant:
        return "—"
    local = to_local(instant)
    return local.strftime("%m-%d %H:%M" if local.year == to_local(now()).year else "%Y-%m-%d %H:%M")
