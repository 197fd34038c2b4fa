"""A table as pages show it and exports write it: title, columns, rows, optional links."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from plugins.core import clock


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)
    """Per row, where the cell in `link_col` leads (pages only)."""
    link_col: int = 0
    total: int | None = None
    """All rows there are, when `rows` holds only the first ones."""


class Percent(float):
    """A share in 0–1, shown as a percentage (exports keep the number)."""


def show(value: Any) -> str:
    """How a cell reads on a page (the export keeps numbers and dates as such)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Percent):
        return f"{value * 100:.0f}%"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return clock.fmt_local(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
