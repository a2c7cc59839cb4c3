"""Small files that declare or hold far more than they look: the shapes a penetration test used to
tie up the portal's workers, and their cousins. Each is a real template (written by openpyxl, as
the portal writes its own) with one part replaced."""

import io
import zipfile

from submissions.importing import COLUMNS

from .test_import import xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def template(rows=(("18229", "Thị trấn Đức Thọ", "1.001", "Thủ tục", 2020, 9, 3, 1),)) -> bytes:
    return xlsx_bytes(rows)


def with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook `data` with these parts replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, parts.get(info.filename, source.read(info.filename)))
        for name, content in parts.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def _sheet(rows_xml: str, dimension: str | None = None) -> bytes:
    dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dimension_xml}'
        f"<sheetData>{rows_xml}</sheetData></worksheet>"
    ).encode()


def _text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return '<row r="1">' + "".join(_text_cell(f"{letter}1", name) for letter, name in zip("ABCDEFGH", COLUMNS)) + "</row>"


def shared_strings_bomb(count: int = 10_000_000) -> bytes:
    """A one-row template whose shared strings are ten million empty `<si/>` (77 KB zipped,
    50 MB unpacked: under the unpacked cap)."""
    data = template()
    strings = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode() + b"<si/>" * count + b"</sst>"
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    if b"sharedStrings" not in types:
        types = types.replace(
            b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/></Types>'.encode()
        )
    return with_parts(data, {"xl/sharedStrings.xml": strings, "[Content_Types].xml": types})


def dimension_bomb() -> bytes:
    """A sheet that declares A1:XFD1048576, with the header and one cell at row 1,048,576 (5 KB)."""
    rows = _header_row() + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    return with_parts(template(), {"xl/worksheets/sheet1.xml": _sheet(rows, dimension="A1:XFD1048576")})


def far_cell() -> bytes:
    """No dimension, the header and one value at row 1,048,576."""
    rows = _header_row() + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    return with_parts(template(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def many_rows(count: int = 100_000) -> bytes:
    """100,000 well-formed data rows and no `<dimension>` (2 MB zipped)."""
    body = [_header_row()]
    for number in range(2, count + 2):
        body.append(
            f'<row r="{number}">{_text_cell(f"A{number}", "18229")}{_text_cell(f"C{number}", "1.001")}'
            f'<c r="E{number}"><v>2020</v></c><c r="F{number}"><v>9</v></c>'
            f'<c r="G{number}"><v>3</v></c><c r="H{number}"><v>1</v></c></row>'
        )
    return with_parts(template(), {"xl/worksheets/sheet1.xml": _sheet("".join(body))})


def wide_row(cells: int = 1_000_000) -> bytes:
    """A second row of a million cells without references (`<c/>`, 4 MB unpacked)."""
    rows = _header_row() + '<row r="2">' + "<c/>" * cells + "</row>"
    return with_parts(template(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def empty_rows(count: int = 2_500_000) -> bytes:
    """Two and a half million empty rows (`<row/>`): no value anywhere past the header."""
    rows = _header_row() + "<row/>" * count
    return with_parts(template(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def styles_bomb(count: int = 5_000_000) -> bytes:
    """Five million cell formats in the style sheet, which openpyxl builds when it opens a file."""
    data = template()
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    start, end = styles.index("<cellXfs"), styles.index("</cellXfs>")
    bloated = styles[:start] + f'<cellXfs count="{count}">' + "<xf/>" * count + styles[end:]
    return with_parts(data, {"xl/styles.xml": bloated.encode()})


def entity_bomb() -> bytes:
    """"Billion laughs": entities that expand to gigabytes, in the style sheet."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + level)} "{("&" + chr(97 + level) + ";") * 10}">' for level in range(9)
    )
    styles = f'<?xml version="1.0"?><!DOCTYPE styleSheet [{entities}]><styleSheet xmlns="{MAIN}"><numFmts>&j;</numFmts></styleSheet>'
    return with_parts(template(), {"xl/styles.xml": styles.encode()})


def csv_of_blank_lines(size: int = 5 * 1024 * 1024 - 100) -> bytes:
    """The header, then five million empty lines (the upload limit)."""
    header = (",".join(COLUMNS) + "\n").encode()
    return header + b"\n" * (size - len(header))


def csv_wide_line(size: int = 5 * 1024 * 1024 - 100) -> bytes:
    """The header, then one line of two and a half million cells."""
    header = (",".join(COLUMNS) + "\n").encode()
    return header + b"x," * ((size - len(header)) // 2) + b"\n"


# name → (builder, file name, what the refusal says)
SHAPES = {
    "ten million shared strings": (shared_strings_bomb, "so-lieu.xlsx", "chuỗi văn bản dùng chung"),
    "declared A1:XFD1048576": (dimension_bomb, "so-lieu.xlsx", "quá nhiều dòng"),
    "a value at row 1,048,576": (far_cell, "so-lieu.xlsx", "quá nhiều dòng"),
    "100,000 rows without a dimension": (many_rows, "so-lieu.xlsx", "quá nhiều dòng"),
    "a row of a million cells": (wide_row, "so-lieu.xlsx", "quá nhiều ô"),
    "2.5 million empty rows": (empty_rows, "so-lieu.xlsx", "quá nhiều nội dung"),
    "five million cell formats": (styles_bomb, "so-lieu.xlsx", "quá nhiều nội dung"),
    "billion laughs": (entity_bomb, "so-lieu.xlsx", "DOCTYPE"),
    "five million blank CSV lines": (csv_of_blank_lines, "so-lieu.csv", "quá nhiều dòng"),
    "a CSV line of 2.5 million cells": (csv_wide_line, "so-lieu.csv", "quá nhiều cột"),
}


def _patched_entry(name: str, *, local_at: int, central_at: int, value: int) -> bytes:
    """The template with a two-byte field of one part changed, in the part's own header
    (`local_at`) and in its entry of the central directory (`central_at`)."""
    data = bytearray(template())
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name).header_offset
    data[local + local_at:local + local_at + 2] = value.to_bytes(2, "little")
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = int.from_bytes(data[entry + 28:entry + 30], "little")
        if data[entry + 46:entry + 46 + name_length] == name.encode():
            data[entry + central_at:entry + central_at + 2] = value.to_bytes(2, "little")
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)


def encrypted_part() -> bytes:
    """A workbook whose sheet is marked as encrypted (zipfile wants a password to read it)."""
    return _patched_entry("xl/worksheets/sheet1.xml", local_at=6, central_at=8, value=0x1)


def unknown_compression() -> bytes:
    """A workbook whose sheet claims a compression method zipfile does not know (99, AES)."""
    return _patched_entry("xl/worksheets/sheet1.xml", local_at=8, central_at=10, value=99)
