"""Lookups whose result the type checker sees as possibly absent, narrowed in one place.

A test that finds nothing fails here with what it looked for, instead of an
AttributeError on None further on.
"""

import re

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def found(pattern: str | re.Pattern[str], text: str, group: int = 1) -> str:
    """The `group` of the first match of `pattern` in `text` (group 0: the whole match)."""
    match = re.search(pattern, text)
    assert match is not None, f"{pattern!r} not found in {text[:2000]!r}"
    return match.group(group)


def active_sheet(book: Workbook) -> Worksheet:
    """The workbook's active sheet (openpyxl types `Workbook.active` as possibly absent or
    a chartsheet; a new or loaded workbook always has a worksheet there)."""
    sheet = book.active
    assert isinstance(sheet, Worksheet), f"active sheet is {sheet!r}"
    return sheet
