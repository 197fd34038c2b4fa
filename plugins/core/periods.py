"""One calendar for the whole product: periods people type, quarters, local days.

Every plugin used to carry its own: the problem list parsed 本月/2026Q4, the
dashboard its URL keys, activities their quarters and typed dates, evaluation
its confirmed periods. They disagreed at the edges (the dashboard knew 全部,
the chat did not; evaluation refused 2026-11 with its own message). Here is
the only parser and formatter; `format_key(parse(x))` round-trips for every
period (tests/test_periods.py checks it with hypothesis, and quarter
boundaries around local midnight in Asia/Shanghai).

Periods are local-calendar spans [first, after) of whole local days; their
instants (`start`, `end`) are the UTC moments of local midnight, which is how
rows stored in UTC are filtered.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from plugins.core import clock
from plugins.core.errors import UsageError

PERIOD_HELP = "期间可写 本月、上月、本季度、上季度、今年、去年、全部、2026Q4、2026-11 或 2026"
DATE_HELP = "日期可写 2026-12-05、12-05、12月5日、今天、明天"
YEARS = range(2000, 2101)

_QUARTER = re.compile(r"^([0-9]{4})\s*[Qq]\s*([1-4])$")
_QUARTER_CN = re.compile(r"^([0-9]{4})年?第?([1-4一二三四])季度?$")
_MONTH = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})月?$")
_YEAR = re.compile(r"^([0-9]{4})年?$")
_FULL_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_SHORT_DAY = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})日?$")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
DAY_WORDS = {"今天": 0, "明天": 1, "后天": 2, "昨天": -1, "前天": -2}


class Span(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"
    all = "all"


@dataclass(frozen=True)
class Period:
    span: Span
    first: date | None
    """First local day (None: from the beginning)."""
    after: date | None
    """The local day after the last one (None: up to now and on)."""

    @property
    def key(self) -> str:
        """How it is written and named in files: 2026-11, 2026Q4, 2026, 全部."""
        return format_key(self)

    @property
    def label(self) -> str:
        """How a person reads it: 2026年11月, 2026年第4季度, 2026年, 全部."""
        return _written(self, 1)

    @property
    def start(self) -> datetime | None:
        return clock.local_datetime(self.first) if self.first else None

    @property
    def end(self) -> datetime | None:
        return clock.local_datetime(self.after) if self.after else None

    @property
    def window(self) -> tuple[datetime, datetime]:
        """[start, end) as instants for queries; 全部 is from 1970 to 9999."""
        return (self.start or datetime(1970, 1, 1, tzinfo=UTC), self.end or datetime(9999, 1, 1, tzinfo=UTC))

    @property
    def last(self) -> date | None:
        return self.after - timedelta(days=1) if self.after else None

    def contains(self, day: date) -> bool:
        return (self.first is None or day >= self.first) and (self.after is None or day < self.after)


EVERYTHING = Period(Span.all, None, None)


def month(year: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise UsageError(f"月份须在 1–12 之间。{PERIOD_HELP}")
    return Period(Span.month, date(year, number, 1), date(year + (number == 12), number % 12 + 1, 1))


def quarter(year: int, number: int) -> Period:
    first_month = (number - 1) * 3 + 1
    return Period(Span.quarter, date(year, first_month, 1), date(year + (number == 4), (number * 3) % 12 + 1, 1))


def year(number: int) -> Period:
    return Period(Span.year, date(number, 1, 1), date(number + 1, 1, 1))


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_containing(day: date) -> Period:
    return quarter(day.year, quarter_of(day))


def quarter_key(day: date) -> str:
    return f"{day.year}Q{quarter_of(day)}"


def quarter_bounds(day: date) -> tuple[date, date]:
    """First and last local day of the quarter containing `day`."""
    q = quarter_containing(day)
    assert q.first is not None and q.last is not None
    return q.first, q.last


def year_bounds(day: date) -> tuple[date, date]:
    return date(day.year, 1, 1), date(day.year, 12, 31)


def quarter_label(day: date) -> str:
    return quarter_containing(day).label


def month_after_quarter(day: date) -> date:
    """The first day of the first month after the quarter containing `day`."""
    after = quarter_containing(day).after
    assert after is not None
    return after


_WRITTEN = {
    Span.month: ("{y}-{m:02d}", "{y}年{m}月"),
    Span.quarter: ("{y}Q{q}", "{y}年第{q}季度"),
    Span.year: ("{y}", "{y}年"),
}


def _written(period: Period, form: int) -> str:
    """The key (form 0) or the label (form 1) of a period."""
    if period.first is None:
        return "全部"
    first = period.first
    return _WRITTEN[period.span][form].format(y=first.year, m=first.month, q=quarter_of(first))


def format_key(period: Period) -> str:
    return _written(period, 0)


def parse(text: str | None, today: date | None = None, *, default: str = "本月") -> Period:
    """本月, 上月, 本季度, 上季度, 今年, 去年, 全部, 2026Q4, 2026年第4季度, 2026-11, 2026."""
    today = today or clock.today()
    word = (text or default).strip()
    this_quarter = quarter_of(today)
    relative = {
        "本月": lambda: month(today.year, today.month),
        "上月": lambda: month(today.year - (today.month == 1), (today.month - 2) % 12 + 1),
        "本季度": lambda: quarter(today.year, this_quarter),
        "本季": lambda: quarter(today.year, this_quarter),
        "上季度": lambda: quarter(today.year - (this_quarter == 1), (this_quarter - 2) % 4 + 1),
        "上季": lambda: quarter(today.year - (this_quarter == 1), (this_quarter - 2) % 4 + 1),
        "今年": lambda: year(today.year),
        "本年": lambda: year(today.year),
        "本年度": lambda: year(today.year),
        "去年": lambda: year(today.year - 1),
        "全部": lambda: EVERYTHING,
    }
    if word in relative:
        return relative[word]()
    m = _QUARTER.match(word) or _QUARTER_CN.match(word) or _MONTH.match(word) or _YEAR.match(word)
    if m is None:
        raise UsageError(f"看不懂期间“{word[:20]}”。{PERIOD_HELP}")
    number = int(m.group(1))
    if number not in YEARS:
        raise UsageError(f"年份须在 {YEARS.start}–{YEARS.stop - 1} 之间。{PERIOD_HELP}")
    if m.re in (_QUARTER, _QUARTER_CN):
        q = m.group(2)
        return quarter(number, _CN_DIGITS.get(q) or int(q))
    if m.re is _MONTH:
        return month(number, int(m.group(2)))
    return year(number)


def parse_day(text: str, today: date | None = None) -> date:
    """A local date as people type it: 2026-12-05, 12-05, 12月5日, 今天, 明天…"""
    today = today or clock.today()
    text = text.strip()
    if text in DAY_WORDS:
        return today + timedelta(days=DAY_WORDS[text])
    try:
        if m := _FULL_DAY.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _SHORT_DAY.match(text):
            number, day = int(m.group(1)), int(m.group(2))
            candidate = date(today.year, number, day)
            # "01-05" typed in late December means next January.
            if candidate < today - timedelta(days=180):
                candidate = date(today.year + 1, number, day)
            return candidate
    except ValueError as e:
        raise UsageError(f"日期“{text[:20]}”不存在。{DATE_HELP}") from e
    raise UsageError(f"看不懂日期“{text[:20]}”。{DATE_HELP}")


def fmt_day(day: date, today: date | None = None) -> str:
    """12月5日, with the year when it is not the current one (2027年1月5日)."""
    today = today or clock.today()
    if day.year != today.year:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.month}月{day.day}日"


TARGET_MONTH, TARGET_DAY = 8, 31
"""The notice's 8 月底: the contact target is reached by 31 August."""


def target_deadline(today: date | None = None) -> str:
    """When a cadre short of target must reach it, said so that a past date is not a trap:
    须于今年 8 月 31 日前达到, or 今年 8 月 31 日的目标已过，下一个是 2027 年 8 月 31 日."""
    today = today or clock.today()
    if (today.month, today.day) <= (TARGET_MONTH, TARGET_DAY):
        return f"须于今年 {TARGET_MONTH} 月 {TARGET_DAY} 日前达到"
    return f"今年 {TARGET_MONTH} 月 {TARGET_DAY} 日的目标已过，下一个是 {today.year + 1} 年 {TARGET_MONTH} 月 {TARGET_DAY} 日"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight starting `day` and the next day."""
    return clock.local_datetime(day), clock.local_datetime(day + timedelta(days=1))


def month_starts(count: int, today: date | None = None) -> list[date]:
    """First days of the last `count` local months, oldest first, this month last."""
    today = today or clock.today()
    year_, month_ = today.year, today.month
    firsts = []
    for _ in range(count):
        firsts.append(date(year_, month_, 1))
        year_, month_ = (year_ - 1, 12) if month_ == 1 else (year_, month_ - 1)
    return list(reversed(firsts))


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
