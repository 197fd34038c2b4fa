"""A minimal streaming .xlsx writer: rows go straight to sheet XML, no cell objects.

openpyxl's write-only mode still builds an object per cell (about 20 µs each on
this machine): 200,000 cases × 10 columns took 40 s. Here a row is one string:
numbers as numbers, datetimes and dates as Excel serials with a date style, text
as inline strings (never a formula, whatever a youth typed; characters XML does
not allow are dropped). Each sheet is deflated as it is written (spooled to a
temporary file) and the workbook is zipped on `save`. Files open in Excel, WPS and openpyxl.

A sheet can also be written in parts, each by another process (`Sheet(first_row=…,
head=…, tail=…)`, `Sheet.finish`, `Book.add_parts`): every part but the last ends
its deflate stream with a sync flush, so the parts' bytes joined are one deflate
stream (as pigz joins its blocks), and their CRCs combine without the text
(`crc32_combine`). The zip is written here (`_zip`): zipfile cannot take a member
deflated elsewhere. The province's problem list (182,725 rows) is written by both
export workers at once this way (plugins/dashboard/problem_list.py).
"""

import os
import re
import struct
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import IO, Any

EPOCH = datetime(1899, 12, 30)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DATETIME_STYLE, DATE_STYLE = 1, 2


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(value: Any, ref: str = "") -> str:
    """One cell; `ref` (' r="B7"') only where an empty cell came before it in the row."""
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        text = escaped(value)
        if text[:1].isspace() or text[-1:].isspace():
            return f'<c{ref} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
        return f'<c{ref} t="inlineStr"><is><t>{text}</t></is></c>'
    if kind is int or kind is float:
        return f"<c{ref}><v>{value!r}</v></c>"
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c{ref} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c{ref}><v>{value!r}</v></c>"
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c{ref} s="{DATETIME_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c{ref} s="{DATE_STYLE}"><v>{(value - EPOCH.date()).days}</v></c>'
    return cell_xml(str(value), ref)


@dataclass(frozen=True)
class Deflated:
    """A sheet's XML, or a part of it, raw-deflated: what `Sheet.finish` returns (and pickles)."""

    data: bytes
    crc: int
    size: int
    """Bytes before deflating."""
    rows: int
    """The sheet's last row number so far (a part's rows end there)."""


class Sheet:
    """Rows appended go to sheet XML, deflated at once. A part of a sheet written elsewhere starts at
    `first_row`; only the first part has the sheet's `head` and only the last its `tail`."""

    def __init__(self, title: str, *, first_row: int = 1, head: bool = True, tail: bool = True) -> None:
        self.title = title
        self.rows = first_row - 1
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(1 << 24)
        self._letters: list[str] = []
        self._deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
        self._crc = self._size = 0
        self._tail = tail
        if head:
            self._write(_SHEET_HEAD.encode())

    def _write(self, data: bytes) -> None:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        self.file.write(self._deflate.compress(data))

    def finish(self) -> Deflated:
        """The deflated XML; a part that is not the last ends on a byte boundary, stream open."""
        if self._tail:
            self._write(_SHEET_TAIL.encode())
        self.file.write(self._deflate.flush(zlib.Z_FINISH if self._tail else zlib.Z_SYNC_FLUSH))
        self.file.seek(0)
        data = self.file.read()
        self.file.close()
        return Deflated(data, self._crc, self._size, self.rows)

    def append_rows(self, rows: Iterable[list[Any]]) -> None:
        parts = []
        letters = self._letters
        for row in rows:
            self.rows += 1
            n = self.rows
            while len(letters) < len(row):
                letters.append(column_letter(len(letters)))
            cells = []
            gap = False
            for i, value in enumerate(row):
                xml = cell_xml(value, f' r="{letters[i]}{n}"' if gap else "")
                gap = not xml
                cells.append(xml)
            parts.append(f'<row r="{n}">{"".join(cells)}</row>')
        self._write("".join(parts).encode("utf-8"))

    def append_typed(self, rows: Iterable[Sequence[Any]], layout: "Layout") -> None:
        """Rows whose columns have a known kind each (see `Layout`), 5,000 at a time."""
        rows = iter(rows)
        while chunk := list(islice(rows, 5000)):
            parts, self.rows = layout.lines(chunk, self.rows)
            self._write("".join(parts).encode("utf-8"))


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of a + b from crc32(a), crc32(b) and len(b): zlib's crc32_combine (its GF(2)
    matrix method), which Python's zlib module does not offer."""
    if length2 <= 0:
        return crc1

    def times(matrix: list[int], vector: int) -> int:
        total, i = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[i]
            vector >>= 1
            i += 1
        return total

    def square(matrix: list[int]) -> list[int]:
        return [times(matrix, row) for row in matrix]

    one_bit = [0xEDB88320] + [1 << n for n in range(31)]  # the CRC of one more zero bit
    operator = square(square(square(one_bit)))  # of a zero byte; squared, of twice as many
    while length2:
        if length2 & 1:
            crc1 = times(operator, crc1)
        length2 >>= 1
        if length2:
            operator = square(operator)
    return crc1 ^ crc2


def joined(parts: Sequence[Deflated]) -> Deflated:
    """Parts written apart (each but the last sync-flushed), as one member's data."""
    crc, size = parts[0].crc, parts[0].size
    for part in parts[1:]:
        crc = crc32_combine(crc, part.crc, part.size)
        size += part.size
    return Deflated(b"".join(p.data for p in parts), crc, size, parts[-1].rows)


def escaped(value: str) -> str:
    """Text as XML character data: characters XML does not allow dropped, & < > escaped."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


EMPTY = "/>"
"""The rest of a cell without a value (`<c r="B7"/>`): nullable columns always carry their reference."""


def text_tail(value: Any) -> str:
    """A cell after `<c r="…"`: text, never a formula; None or "" an empty cell."""
    if value is None:
        return EMPTY
    value = str(value)
    if not value:
        return EMPTY
    text = escaped(value)
    if text[:1].isspace() or text[-1:].isspace():
        return f' t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f' t="inlineStr"><is><t>{text}</t></is></c>'


class Layout:
    """The columns of `Sheet.append_typed`, compiled once for all the rows into one loop (`lines`)
    whose body is a single f-string per row: numbers and datetimes formatted by the f-string itself
    (`!r`), every other cell by one C-level call where it can be (labels are cached by value),
    instead of `cell_xml`'s checks per cell. 182,725 rows of the problem list's 11 columns took 4.7 s
    cell by cell and 1.9 s with a template per row (same busy 2-core machine, load 2); the loop
    itself compiled, without a call and a `map` per row, took 91,451 rows from 1.17 to 0.93 s."""

    def __init__(self, columns: Sequence["Column"]) -> None:
        writers = [c.writer() for c in columns]
        cells = []
        for i, (c, write) in enumerate(zip(columns, writers, strict=True)):
            cells.append(c.template(column_letter(i), f"r[{i}]!r" if write is repr else f"w{i}(r[{i}])"))
        body = '<row r="{n}">' + "".join(cells) + "</row>"
        # Only digits, letters and fixed markup go into the source: no value is ever compiled.
        source = (
            f"def lines(rows, n, {', '.join(f'w{i}' for i in range(len(columns)))}):\n"
            "    out = []\n    append = out.append\n    for r in rows:\n        n += 1\n"
            f"        append(f'{body}')\n    return out, n\n"
        )
        scope: dict[str, Any] = {}
        exec(source, scope)
        compiled = scope["lines"]
        self.lines: Callable[[Iterable[Sequence[Any]], int], tuple[list[str], int]] = (
            lambda rows, n: compiled(rows, n, *writers))


def _label_tail(value: Any) -> str:
    return text_tail(value) if value is not None and value != "" else ' t="inlineStr"><is><t></t></is></c>'


def number_tail(value: Any) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    return f"><v>{value!r}</v></c>"


class _Cached(dict):
    """value → cell XML, computed once per distinct value (a C-level lookup afterwards)."""

    def __init__(self, tail: Callable[[Any], str], transform: Callable[[Any], Any] | None) -> None:
        super().__init__()
        self.tail, self.transform = tail, transform

    def __missing__(self, value: Any) -> str:
        xml = self[value] = self.tail(self.transform(value) if self.transform else value)
        return xml


@dataclass(frozen=True)
class Column:
    """How one column of `Sheet.append_typed` is written.

    kind: "label" (text from few distinct values: categories, statuses, names; cached), "text"
    (text that differs row by row), "number", "datetime" (an Excel serial, local time: see
    export_process.Database.local_serial), "cell" (`transform` gives the cell's XML after its
    reference itself, `text_tail(…)` or EMPTY: one call per row, a C-level one for a dict's
    `__getitem__`). `transform` maps the raw value first (a label for a key).
    Cells that may be empty carry their reference; the others do not (smaller files)."""

    kind: str
    transform: Callable[[Any], Any] | None = None
    nullable: bool = True
    """Labels are never empty (a missing one is written as empty text); other kinds may be."""

    def template(self, letter: str, expression: str) -> str:
        i = "{" + expression + "}"
        if self.kind == "number" and not self.nullable and self.transform is None:
            return f"<c><v>{i}</v></c>"
        if self.kind == "datetime" and not self.nullable:
            return f'<c s="{DATETIME_STYLE}"><v>{i}</v></c>'
        if self.kind == "label":
            return f"<c{i}"
        return f'<c r="{letter}{{n}}"{i}'

    def writer(self) -> Callable[[Any], str]:
        transform = self.transform
        if self.kind == "cell":
            assert transform is not None
            return transform
        if self.kind == "number" and not self.nullable and transform is None:
            return repr
        if self.kind == "datetime":
            if not self.nullable:
                return (lambda v: repr(transform(v))) if transform else repr

            def serial(value: Any) -> str:
                value = transform(value) if transform else value
                return EMPTY if value is None else f' s="{DATETIME_STYLE}"><v>{value!r}</v></c>'

            return serial
        if self.kind == "label":
            return _Cached(_label_tail, transform).__getitem__
        if self.kind == "number" and transform is None:
            return _Cached(number_tail, None).__getitem__
        tail = text_tail if self.kind == "text" else number_tail
        if transform is None:
            return tail
        return lambda value: tail(transform(value))


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _deflated(text: str) -> Deflated:
    data = text.encode("utf-8")
    z = zlib.compressobj(1, zlib.DEFLATED, -15)
    return Deflated(z.compress(data) + z.flush(), zlib.crc32(data), len(data), 0)


def _zip(out: IO[bytes], members: Sequence[tuple[str, Deflated]]) -> None:
    """A zip of deflated members (APPNOTE 4.3: local headers, data, central directory). No zip64:
    a member over 4 GiB is refused (the largest export, the province's problem list, is ~20 MB)."""
    now = time.localtime()
    dos_time = now.tm_hour << 11 | now.tm_min << 5 | now.tm_sec // 2
    dos_date = (now.tm_year - 1980) << 9 | now.tm_mon << 5 | now.tm_mday
    central = []
    offset = 0
    for name, m in members:
        if max(m.size, len(m.data), offset) >= 0xFFFFFFFF:
            raise ValueError(f"{name}: too large for a zip without zip64 ({m.size} bytes)")
        raw = name.encode("ascii")
        fields = (20, 0, 8, dos_time, dos_date, m.crc, len(m.data), m.size, len(raw))
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + raw
        out.write(header)
        out.write(m.data)
        central.append(struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, 0,
                                                                         offset) + raw)
        offset += len(header) + len(m.data)
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), offset, 0))


class Book:
    """Sheets in the order created; `save` zips them to `out` (a path or a binary file)."""

    def __init__(self) -> None:
        self.sheets: list[tuple[str, Sheet | Deflated]] = []

    def create_sheet(self, title: str) -> Sheet:
        sheet = Sheet(title[:31])
        self.sheets.append((sheet.title, sheet))
        return sheet

    def add_parts(self, title: str, parts: Sequence[Deflated]) -> None:
        """A sheet written in parts elsewhere (`Sheet(first_row=…, head=…, tail=…).finish()`), in order."""
        self.sheets.append((title[:31], joined(parts)))

    def save(self, out: Any) -> None:
        if isinstance(out, str | os.PathLike):
            with open(out, "wb") as file:
                return self.save(file)
        n = len(self.sheets)
        titles = "".join(f'<sheet name="{escaped(title)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                         for i, (title, _) in enumerate(self.sheets))
        rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(n)
        )
        rels += (f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/styles" Target="styles.xml"/>')
        members = [
            ("[Content_Types].xml", _deflated(_CONTENT_TYPES.format(
                sheets="".join(_SHEET_TYPE.format(n=i + 1) for i in range(n))))),
            ("_rels/.rels", _deflated(_ROOT_RELS)),
            ("xl/workbook.xml", _deflated(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f"<sheets>{titles}</sheets></workbook>")),
            ("xl/_rels/workbook.xml.rels", _deflated(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f"{rels}</Relationships>")),
            ("xl/styles.xml", _deflated(_STYLES)),
        ]
        for i, (_, sheet) in enumerate(self.sheets):
            members.append((f"xl/worksheets/sheet{i + 1}.xml",
                            sheet.finish() if isinstance(sheet, Sheet) else sheet))
        _zip(out, members)
        return None
