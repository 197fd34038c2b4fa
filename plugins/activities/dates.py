"""Dates as people type them (2026-12-05, 12-05, 12月5日, 今天, 明天) and the calendar rules."""

import re
from datetime import date, timedelta

from plugins.core.errors import UsageError

_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_SHORT = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})日?$")
WORDS = {"今天": 0, "明天": 1, "后天": 2, "昨天": -1, "前天": -2}
DATE_HELP = "日期可写 2026-12-05、12-05、12月5日、今天、明天"


def parse_day(text: str, today: date) -> date:
    text = text.strip()
    if text in WORDS:
        return today + timedelta(days=WORDS[text])
    try:
        if m := _FULL.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _SHORT.match(text):
            month, day = int(m.group(1)), int(m.group(2))
            candidate = date(today.year, month, day)
            # "01-05" typed in late December means next January.
            if candidate < today - timedelta(days=180):
                candidate = date(today.year + 1, month, day)
            return candidate
    except ValueError as e:
        raise UsageError(f"日期“{text[:20]}”不存在。{DATE_HELP}") from e
    raise UsageError(f"看不懂日期“{text[:20]}”。{DATE_HELP}")


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_key(day: date) -> str:
    return f"{day.year}Q{quarter_of(day)}"


def quarter_bounds(day: date) -> tuple[date, date]:
    first_month = (quarter_of(day) - 1) * 3 + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def year_bounds(day: date) -> tuple[date, date]:
    return date(day.year, 1, 1), date(day.year, 12, 31)


def fmt_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def quarter_label(day: date) -> str:
    return f"{day.year}年第{quarter_of(day)}季度"
