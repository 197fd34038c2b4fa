"""Downloads as streamed workbooks, filled chunk by chunk off the event loop.

A province's problem list is some 200,000 rows: read from SQL in chunks of
CHUNK rows, each chunk written as sheet XML (plugins/core/xlsx_stream.py) in a
worker thread, so a chat command answered meanwhile waits for at most one chunk,
never the whole file. Every row is written: there is no row limit on this path.
"""

import asyncio
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from plugins.core.xlsx_stream import Book

CHUNK = 2000
"""Rows read from the database (and written to the sheet) at a time."""


def chunks(items: Sequence[Any], size: int | None = None) -> Iterable[Sequence[Any]]:
    size = size or CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


def same(value: Any) -> Any:
    return value


class StreamedBook:
    """A streamed workbook; `append` and `save` run in a worker thread. Text is always text."""

    def __init__(self, convert: Callable[[Any], Any] = same) -> None:
        self.book = Book()
        self.convert = convert
        self._pending: asyncio.Future | None = None

    def sheet(self, title: str, header: list[str] | None = None) -> Any:
        sheet = self.book.create_sheet(title)
        if header:
            sheet.append_rows([header])
        return sheet

    def _append(self, sheet: Any, rows: Iterable[list[Any]]) -> None:
        convert = self.convert
        if convert is same:
            sheet.append_rows(rows)
        else:
            sheet.append_rows([[convert(v) for v in row] for row in rows])

    async def append(self, sheet: Any, rows: list[list[Any]]) -> None:
        """Write these rows (after the previous `append` of this book has finished)."""
        await self.flush()
        if rows:
            self._pending = asyncio.ensure_future(asyncio.to_thread(self._append, sheet, rows))

    async def flush(self) -> None:
        """Wait for the rows being written: the next chunk is read from SQL meanwhile."""
        pending, self._pending = self._pending, None
        if pending is not None:
            await pending

    async def save(self, path: Path) -> None:
        await self.flush()

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            self.book.save(tmp)
            tmp.replace(path)

        await asyncio.to_thread(write)

    async def to_bytes(self) -> bytes:
        await self.flush()

        def write() -> bytes:
            out = io.BytesIO()
            self.book.save(out)
            return out.getvalue()

        return await asyncio.to_thread(write)
