"""A minimal streaming .xlsx writer: rows go straight to sheet XML, no cell objects.

openpyxl's write-only mode still builds an object per cell (about 20 µs each on
this machine): 200,000 cases × 10 columns took 40 s. Here a row is one string:
numbers as numbers, datetimes and dates as Excel serials with a date style, text
as inline strings (never a formula, whatever a youth typed; characters XML does
not allow are dropped). Each sheet is spooled to a temporary file as it is
written and the workbook is zipped on `save`. Files open in Excel, WPS and openpyxl.
"""

import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import call
from typing import IO, Any, cast

EPOCH = datetime(1899, 12, 30)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
DATETIME_STYLE, DATE_STYLE = 1, 2


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    return value.translate(_ESCAPE)


def cell_xml(value: Any, ref: str = "") -> str:
    """One cell; `ref` (' r="B7"') only where an empty cell came before it in the row."""
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        if _ILLEGAL.search(value):
            value = _ILLEGAL.sub("", value)
        text = value.translate(_ESCAPE)
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


class Sheet:
    def __init__(self, title: str) -> None:
        self.title = title
        self.rows = 0
        self.file: IO[bytes] = tempfile.TemporaryFile()
        self._letters: list[str] = []

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
        self.file.write("".join(parts).encode("utf-8"))

    def append_typed(self, rows: Iterable[Sequence[Any]], layout: "Layout") -> None:
        """Rows whose columns have a known kind each (see `Layout`)."""
        n = self.rows
        write = layout.row
        parts = []
        for row in rows:
            n += 1
            parts.append(write(n, *map(_apply, layout.cells, row)))
            if len(parts) >= 5000:
                self.file.write("".join(parts).encode("utf-8"))
                parts.clear()
        self.rows = n
        self.file.write("".join(parts).encode("utf-8"))


def _escaped(value: str) -> str:
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
    text = _escaped(value)
    if text[:1].isspace() or text[-1:].isspace():
        return f' t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f' t="inlineStr"><is><t>{text}</t></is></c>'


class Layout:
    """The columns of `Sheet.append_typed`, compiled once for all the rows: each row is one
    f-string from a template, its cells computed by C-level calls where they can be (labels are
    cached by value), instead of `cell_xml`'s checks per cell: 182,725 rows of the problem list's 11
    columns took 4.7 s cell by cell and 1.9 s this way (same busy 2-core machine, load 2)."""

    def __init__(self, columns: Sequence["Column"]) -> None:
        names = ["n"] + [f"v{i}" for i in range(len(columns))]
        body = '<row r="{n}">' + "".join(
            c.template(column_letter(i), names[i + 1]) for i, c in enumerate(columns)) + "</row>"
        # Only digits, letters and fixed markup go into the source: no value is ever compiled.
        self.row: Callable[..., str] = eval(f"lambda {', '.join(names)}: f'{body}'")
        self.cells = [c.writer() for c in columns]


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
    export_process.Database.local_serial). `transform` maps the raw value first (a label for a key).
    Cells that may be empty carry their reference; the others do not (smaller files)."""

    kind: str
    transform: Callable[[Any], Any] | None = None
    nullable: bool = True
    """Labels are never empty (a missing one is written as empty text); other kinds may be."""

    def template(self, letter: str, name: str) -> str:
        i = "{" + name + "}"
        if self.kind == "number" and not self.nullable and self.transform is None:
            return f"<c><v>{i}</v></c>"
        if self.kind == "datetime" and not self.nullable:
            return f'<c s="{DATETIME_STYLE}"><v>{i}</v></c>'
        if self.kind == "label":
            return f"<c{i}"
        return f'<c r="{letter}{{n}}"{i}'

    def writer(self) -> Callable[[Any], str]:
        transform = self.transform
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


_apply = cast(Callable[[Callable[[Any], str], Any], str], call)
"""operator.call, typed for map(): a cell's writer applied to its value without a Python frame."""

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


class Book:
    """Sheets in the order created; `save` zips them to `out` (a path or a binary file)."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []

    def create_sheet(self, title: str) -> Sheet:
        sheet = Sheet(title[:31])
        self.sheets.append(sheet)
        return sheet

    def save(self, out: Any) -> None:
        n = len(self.sheets)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
                sheets="".join(_SHEET_TYPE.format(n=i + 1) for i in range(n))))
            z.writestr("_rels/.rels", _ROOT_RELS)
            sheets = "".join(
                f'<sheet name="{_text(s.title)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                for i, s in enumerate(self.sheets)
            )
            z.writestr("xl/workbook.xml", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f"<sheets>{sheets}</sheets></workbook>"
            ))
            rels = "".join(
                f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                for i in range(n)
            )
            rels += (f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
                     '2006/relationships/styles" Target="styles.xml"/>')
            z.writestr("xl/_rels/workbook.xml.rels", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f"{rels}</Relationships>"
            ))
            z.writestr("xl/styles.xml", _STYLES)
            for i, sheet in enumerate(self.sheets):
                with z.open(f"xl/worksheets/sheet{i + 1}.xml", "w", force_zip64=True) as target:
                    target.write(_SHEET_HEAD.encode())
                    sheet.file.seek(0)
                    while block := sheet.file.read(1 << 20):
                        target.write(block)
                    target.write(_SHEET_TAIL.encode())
                sheet.file.close()
