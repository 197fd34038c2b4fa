"""The problem list's period selector: URL keys for the chat's periods (plugins/core/periods.py).

URLs carry stable English keys (month, last_quarter, 2026Q4 …); what they mean,
and how a period is labelled, is the one calendar's."""

from datetime import date

from plugins.core import clock
from plugins.core import periods as calendar
from plugins.core.errors import UsageError
from plugins.core.periods import Period

DEFAULT = "quarter"
WORDS = {
    "month": "本月", "last_month": "上月", "quarter": "本季度", "last_quarter": "上季度",
    "year": "今年", "last_year": "去年", "all": "全部",
}


def parse(key: str | None, today: date | None = None) -> Period:
    """A period from its URL key (or a key such as 2026Q4); anything unknown is this quarter."""
    word = WORDS.get((key or DEFAULT).strip(), (key or "").strip())
    try:
        return calendar.parse(word, today)
    except UsageError:
        return calendar.parse(WORDS[DEFAULT], today)


def choices(today: date | None = None) -> list[tuple[str, str]]:
    """(key, label) pairs for the period selector."""
    today = today or clock.today()
    fixed = [(key, word) for key, word in WORDS.items() if key != "last_year"]
    return [*fixed, (str(today.year - 1), f"{today.year - 1}年")]
