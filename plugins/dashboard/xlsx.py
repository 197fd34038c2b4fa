"""Tables to an .xlsx workbook (openpyxl), one sheet per table.

Text stays text: a youth's "=HYPERLINK(...)" never becomes a formula.
Times are written as local wall-clock times (Excel has no time zones).
"""

import io
import re
from datetime import datetime
from urllib.parse import quote

from plugins.core import clock
from plugins.core.xlsx_stream import Book
from plugins.dashboard.tables import Table

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value):
    """A value as the download shows it: local wall-clock times, 是/否 (text stays text)."""
    if isinstance(value, datetime):
        return clock.to_local(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def sheet_title(title: str) -> str:
    return _BAD_TITLE.sub("_", title)[:28] or "表"


def workbook(tables: list[Table]) -> bytes:
    """Every row of every table (call it in a worker thread: `web.download` does)."""
    book = Book()
    used: set[str] = set()
    for table in tables:
        title = sheet_title(table.title)
        while title in used:
            title = title[:26] + f"_{len(used)}"
        used.add(title)
        sheet = book.create_sheet(title)
        sheet.append_rows([table.columns])
        sheet.append_rows([[cell(v) for v in row] for row in table.rows])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def disposition(name: str) -> str:
    """Content-Disposition for a download named in Chinese (RFC 5987), ASCII fallback."""
    return f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(name)}"
