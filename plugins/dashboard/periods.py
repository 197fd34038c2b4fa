"""Periods for the problem list: this month, last month, quarters, years, everything."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from plugins.core import clock

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
DEFAULT = "quarter"


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: date | None
    after: date | None

    @property
    def start(self) -> datetime | None:
        return clock.local_datetime(self.first) if self.first else None

    @property
    def end(self) -> datetime | None:
        return clock.local_datetime(self.after) if self.after else None


def _month(year: int, month: int, key: str | None = None) -> Period:
    after = date(year + (month == 12), month % 12 + 1, 1)
    return Period(key or f"{year}-{month:02d}", f"{year}年{month}月", date(year, month, 1), after)


def _quarter(year: int, quarter: int, key: str | None = None) -> Period:
    first = date(year, (quarter - 1) * 3 + 1, 1)
    after = date(year + (quarter == 4), (quarter * 3) % 12 + 1, 1)
    return Period(key or f"{year}Q{quarter}", f"{year}年第{quarter}季度", first, after)


def _year(year: int, key: str | None = None) -> Period:
    return Period(key or str(year), f"{year}年", date(year, 1, 1), date(year + 1, 1, 1))


def parse(key: str | None, today: date | None = None) -> Period:
    """A period from its key; anything unknown is the default (this quarter)."""
    today = today or clock.today()
    key = (key or DEFAULT).strip()
    quarter = (today.month - 1) // 3 + 1
    if key == "month":
        return _month(today.year, today.month, "month")
    if key == "last_month":
        return _month(today.year - (today.month == 1), (today.month - 2) % 12 + 1, "last_month")
    if key == "last_quarter":
        return _quarter(today.year - (quarter == 1), (quarter - 2) % 4 + 1, "last_quarter")
    if key == "year":
        return _year(today.year, "year")
    if key == "all":
        return Period("all", "全部", None, None)
    if (m := _MONTH.match(key)) and 1 <= int(m.group(2)) <= 12:
        return _month(int(m.group(1)), int(m.group(2)))
    if m := _QUARTER.match(key):
        return _quarter(int(m.group(1)), int(m.group(2)))
    if (m := _YEAR.match(key)) and 2000 <= int(m.group(1)) <= 2100:
        return _year(int(m.group(1)))
    return _quarter(today.year, quarter, "quarter")


def choices(today: date | None = None) -> list[tuple[str, str]]:
    """(key, label) pairs for the period selector."""
    today = today or clock.today()
    fixed = [("month", "本月"), ("last_month", "上月"), ("quarter", "本季度"),
             ("last_quarter", "上季度"), ("year", "今年"), ("all", "全部")]
    year = today.year
    earlier = [(f"{year - 1}", f"{year - 1}年")]
    return fixed + earlier
