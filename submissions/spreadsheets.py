"""Opening an uploaded .xlsx so that its cost is bounded by what it really contains.

An .xlsx file is a zip of XML parts, and a few kilobytes of it can declare millions of things:
ten million empty shared strings (openpyxl builds every one when the workbook opens), a sheet
"A1:XFD1048576" (openpyxl pads every row it reads to 16,384 cells), a row of a million cells, a
style sheet of a million formats. So before openpyxl builds anything, `check_xlsx` reads every
part once, streaming, with expat (C speed, a few Python calls per element) and refuses the file
the moment it goes past a limit, with a message in Vietnamese:

- the zip: at most `max_parts` parts, `max_unpacked_bytes` once unpacked (the sizes the zip
  declares, which zipfile also holds the reading to);
- every XML part: no DOCTYPE (entities are how an XML bomb grows; spreadsheets never have one);
- the shared strings: at most `max_shared_strings` of them, `max_part_bytes` unpacked;
- each sheet: the declared dimension, the row and column of every cell holding a value, the
  cells of one row and of all sheets together;
- the other parts (styles, workbook, relationships…): at most `max_part_bytes` each and
  `max_other_elements` elements together.

Parts are told apart by their root element, not their name, so a sheet stored under another
name is checked as a sheet. A part that is not XML (an image) is not read by openpyxl as XML
either, and expat stops at its first byte. `open_xlsx` then opens the workbook read-only with
its declared dimensions dropped, and `sheet_rows` reads at most the rows and columns allowed,
never padding past them.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.utils.translation import gettext as _

CHUNK = 64 * 1024
CELL_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
RANGE_REFERENCE = re.compile(r"^([^:]+)(?::([^:]+))?$")
# The elements of a sheet that hold its cells, each with a limit of its own; any other element
# of a sheet (merged cells, hyperlinks, formatting rules…) counts with the other parts'.
SHEET_CONTENT = frozenset({"worksheet", "sheetData", "dimension", "row", "c", "v", "f", "is", "t"})


class FileRefused(Exception):
    """The file as a whole cannot be read; `message` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def not_a_workbook() -> FileRefused:
    return FileRefused(_("Tệp không phải bảng tính Excel (.xlsx) hợp lệ."))


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@dataclass(frozen=True)
class XlsxLimits:
    max_rows: int  # the last row that may hold a value (the header row included)
    max_columns: int  # the last column that may hold a value
    max_cells_per_row: int = 1024  # cells of one row, with or without a value (formatted cells)
    max_shared_strings: int = 100_000
    max_parts: int = 1000
    max_unpacked_bytes: int = 50 * 1024 * 1024
    max_part_bytes: int = 16 * 1024 * 1024  # a part other than a sheet, once unpacked
    # Elements of all the parts other than sheets and shared strings (styles, workbook, relations…):
    # openpyxl builds an object of each; 60,000 formats take it about a second.
    max_other_elements: int = 60_000
    # When set, a sheet is not checked element by element but row by row: each row may take at
    # most this many bytes of XML (so openpyxl, which builds one row at a time, holds at most that
    # much), and the reader keeps to the rows and columns allowed as it reads (`sheet_rows`). For
    # a province's dossier list: its twelve million elements, each a Python call, cost a third of
    # reading the file at all; its rows are found at C speed.
    max_row_bytes: int | None = None

    @property
    def max_cells(self) -> int:
        """Cells of all the sheets together, with or without a value: a full sheet's worth."""
        return self.max_rows * self.max_columns

    @property
    def max_row_elements(self) -> int:
        """Rows of all the sheets, empty (formatted) ones included."""
        return 2 * self.max_rows

    @property
    def max_string_elements(self) -> int:
        """Elements of the shared strings: a plain one is two (`<si><t>`), formatted runs more."""
        return 3 * self.max_shared_strings

    @property
    def max_value_elements(self) -> int:
        """Values, formulas and inline strings (`<is><t>`) in the cells of all the sheets."""
        return 3 * self.max_cells


def column_number(letters: str) -> int:
    """A1-style column letters as a number: A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _reference(text: str) -> tuple[int, int] | None:
    """(row, column) of a cell reference such as "B7" or "$B$7"; None when it is not one."""
    match = CELL_REFERENCE.match(text.strip())
    if match is None:
        return None
    return int(match.group(2)), column_number(match.group(1))


class _Refuse(Exception):
    """Raised inside an expat handler to stop the parse at once."""

    def __init__(self, refused: FileRefused):
        super().__init__(refused.message)
        self.refused = refused


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]  # expat with a namespace separator gives "uri local"


class _PartScanner:
    """Streams one part through expat and applies the limits of its kind (found from its root)."""

    def __init__(self, limits: XlsxLimits, totals: dict):
        self.limits = limits
        self.totals = totals  # counts kept across the parts: cells and elements of all sheets
        self.kind = None  # "worksheet", "sst" or "other", from the root element
        # The sheet being read
        self.row_number = 0
        self.row_cells = 0
        self.cell = None  # (row, column) of the open cell, until a value of it is seen
        self.last_column = 0  # of the row's previous cell, for cells without a reference

    # expat handlers ----------------------------------------------------------------------------

    def doctype(self, *args):
        raise _Refuse(FileRefused(_("Tệp bảng tính có khai báo DOCTYPE trong nội dung XML; tệp Excel thật không có.")))

    def start(self, name, attributes):
        local = _local(name)
        if self.kind is None:
            self.kind = {"worksheet": "worksheet", "sst": "sst"}.get(local, "other")
        limits = self.limits
        if self.kind == "worksheet" and local in SHEET_CONTENT:
            self._sheet_start(local, attributes)
        elif self.kind == "sst":
            self.totals["string_elements"] += 1
            if self.totals["string_elements"] > limits.max_string_elements:
                raise _Refuse(_too_much_content(limits))
            if local == "si":
                self.totals["shared_strings"] += 1
                if self.totals["shared_strings"] > limits.max_shared_strings:
                    raise _Refuse(
                        FileRefused(
                            _("Tệp có quá nhiều chuỗi văn bản dùng chung (tối đa %(max)s).")
                            % {"max": _thousands(limits.max_shared_strings)}
                        )
                    )
        else:
            self.totals["other_elements"] += 1
            if self.totals["other_elements"] > limits.max_other_elements:
                raise _Refuse(_too_much_content(limits))

    # the sheet -------------------------------------------------------------------------------

    def _sheet_start(self, local, attributes):
        limits = self.limits
        if local == "c":
            self.row_cells += 1
            if self.row_cells > limits.max_cells_per_row:
                raise _Refuse(
                    FileRefused(
                        _("Dòng %(row)s của bảng tính có quá nhiều ô (tối đa %(max)s ô một dòng).")
                        % {"row": self.row_number, "max": _thousands(limits.max_cells_per_row)}
                    )
                )
            self.totals["cells"] += 1
            if self.totals["cells"] > limits.max_cells:
                raise _Refuse(_too_much_content(limits))
            position = _reference(attributes.get("r", "")) if "r" in attributes else None
            if position is None:
                position = (self.row_number, self.last_column + 1)
            self.cell = position
            self.last_column = position[1]
        elif local == "row":
            self.totals["rows"] += 1
            if self.totals["rows"] > limits.max_row_elements:
                raise _Refuse(_too_much_content(limits))
            number = attributes.get("r")
            self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
            self.row_cells = 0
            self.cell = None
            self.last_column = 0
        elif local in ("v", "f", "is", "t"):
            # A value, a formula or an inline string: the cell holds something, so it must lie
            # within the rows and columns read (Excel writes no empty value elements).
            self.totals["values"] += 1
            if self.totals["values"] > limits.max_value_elements:
                raise _Refuse(_too_much_content(limits))
            if self.cell is not None:
                self._check_position(*self.cell)
                self.cell = None  # checked once  # a formula is content, even without a cached value
            self.in_value = True
        elif local in ("v", "t"):
            self.in_value = True
        elif local == "dimension":
            self._check_dimension(attributes.get("ref", ""))

    def _check_position(self, row: int, column: int) -> None:
        limits = self.limits
        if row > limits.max_rows:
            raise _Refuse(
                FileRefused(
                    _("Tệp có quá nhiều dòng: có số liệu ở dòng %(row)s, chỉ đọc đến dòng %(max)s.")
                    % {"row": _thousands(row), "max": _thousands(limits.max_rows)}
                )
            )
        if column > limits.max_columns:
            raise _Refuse(
                FileRefused(
                    _("Tệp có quá nhiều cột: có số liệu ở cột %(column)s, tối đa %(max)s cột.")
                    % {"column": _thousands(column), "max": limits.max_columns}
                )
            )

    def _check_dimension(self, ref: str) -> None:
        match = RANGE_REFERENCE.match(ref.strip())
        if match is None:
            return
        corner = _reference(match.group(2) or match.group(1))
        if corner is None:
            return
        rows, columns = corner
        declared = ref.strip()[:40]
        if rows > self.limits.max_rows:
            raise _Refuse(
                FileRefused(
                    _("Tệp có quá nhiều dòng: bảng tính khai báo vùng dữ liệu %(ref)s (%(rows)s dòng), chỉ đọc đến dòng %(max)s.")
                    % {"ref": declared, "rows": _thousands(rows), "max": _thousands(self.limits.max_rows)}
                )
            )
        if columns > self.limits.max_columns:
            raise _Refuse(
                FileRefused(
                    _("Tệp có quá nhiều cột: bảng tính khai báo vùng dữ liệu %(ref)s (%(columns)s cột), tối đa %(max)s cột.")
                    % {"ref": declared, "columns": _thousands(columns), "max": self.limits.max_columns}
                )
            )

    # reading a part --------------------------------------------------------------------------

    def _scan_rows(self, first: bytes, stream) -> None:
        _scan_rows_of(first, stream, self.limits)

    def scan(self, stream) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        parser.StartElementHandler = self.start
        read = 0
        try:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                read += len(chunk)
                if self.kind not in (None, "worksheet") and read > self.limits.max_part_bytes:
                    raise _Refuse(_too_much_content(self.limits))
                if self.kind == "worksheet" and self.limits.max_row_bytes:
                    # The root (and any DOCTYPE, which comes before it) was in the first chunk.
                    self._scan_rows(chunk, stream)
                    return
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            # Not XML (an image), or damaged: openpyxl cannot build anything from what follows
            # either. What came before the error was within the limits.
            return


ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _scan_rows_of(part_start: bytes, stream, limits: XlsxLimits) -> None:
    """Refuse a sheet one of whose rows takes more than `limits.max_row_bytes` of XML: the gap
    between the starts of two rows (and from the last one to the end), found at C speed."""
    # Where the scan starts counts as a row's start: the rest of a row begun before it is a row too.
    tail, offset, last_row = b"", 0, 0  # offset: where `tail` starts, counted from the scan's start
    chunk = part_start
    while chunk:
        data = tail + chunk
        for found in ROW_START.finditer(data):
            position = offset + found.start()
            if position <= last_row:
                continue  # seen already, in the tail kept from the chunk before
            if position - last_row > limits.max_row_bytes:
                raise _Refuse(_row_too_large(limits))
            last_row = position
        if offset + len(data) - last_row > limits.max_row_bytes:
            raise _Refuse(_row_too_large(limits))
        keep = min(len(data), 64)  # a row's start tag split between two chunks
        tail, offset = data[-keep:], offset + len(data) - keep
        chunk = stream.read(CHUNK)


def _row_too_large(limits: XlsxLimits) -> FileRefused:
    return FileRefused(_("Một dòng của bảng tính quá lớn (hơn %(size)s KB dữ liệu; tối đa %(max)s ô một dòng).")
                       % {"size": _thousands(limits.max_row_bytes // 1024), "max": _thousands(limits.max_cells_per_row)})


def _too_much_content(limits: XlsxLimits) -> FileRefused:
    return FileRefused(
        _("Tệp bảng tính chứa quá nhiều nội dung (tối đa %(rows)s dòng, %(columns)s cột).")
        % {"rows": _thousands(limits.max_rows), "columns": limits.max_columns}
    )


def check_xlsx(data, limits: XlsxLimits) -> None:
    """Refuse (FileRefused) an .xlsx file (bytes, or a binary file open for reading) that goes past
    `limits`, reading each part once."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data)
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise not_a_workbook() from None
    if len(infos) > limits.max_parts:
        raise FileRefused(_("Tệp bảng tính có quá nhiều thành phần bên trong."))
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise not_a_workbook()
    if sum(info.file_size for info in infos) > limits.max_unpacked_bytes:
        raise FileRefused(_("Tệp bảng tính quá lớn khi giải nén."))
    totals = {"cells": 0, "rows": 0, "values": 0, "shared_strings": 0, "string_elements": 0, "other_elements": 0}
    for info in infos:
        if info.is_dir():
            continue
        scanner = _PartScanner(limits, totals)
        try:
            with archive.open(info) as stream:
                scanner.scan(stream)
        except _Refuse as refuse:
            raise refuse.refused from None
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
            raise not_a_workbook() from None  # damaged, encrypted or of an unknown compression


def open_xlsx(data, limits: XlsxLimits, *, sheet_name: str | None = None):
    """(workbook, sheet) of a checked .xlsx file (bytes, or a binary file open for reading),
    read-only: the sheet named `sheet_name` if it exists, else the first; its declared number of
    rows in `sheet.declared_rows` (None when it declares none). Close the workbook when done."""
    check_xlsx(data, limits)
    from openpyxl import load_workbook

    if not isinstance(data, (bytes, bytearray)):
        data.seek(0)
    try:
        workbook = load_workbook(io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data, read_only=True,
                                 data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise not_a_workbook() from None
    try:
        sheet = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.worksheets[0]
        sheet.declared_rows = sheet.max_row if isinstance(sheet.max_row, int) else None
        sheet.reset_dimensions()  # the declared dimension would pad every row read
    except (IndexError, AttributeError, KeyError):
        workbook.close()
        raise not_a_workbook() from None
    return workbook, sheet


def sheet_rows(sheet, limits: XlsxLimits):
    """The rows of a checked sheet, each a tuple of exactly `limits.max_columns` cells (shorter
    rows are filled with empty cells), up to `limits.max_rows`: nothing past them is read."""
    return sheet.iter_rows(min_row=1, max_row=limits.max_rows, max_col=limits.max_columns)
