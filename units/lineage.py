"""Reading an official old → new mapping of units (a province's reorganisation), as pure functions.

A mapping is a table with one row per (old unit, new unit) pair: old code, old name, new code,
new name, effective date, document — the form in which such mappings are published (the
MIT-licensed `vietnamadminunits` data, a resolution's annex). `read_mapping` turns its text into
`Change` rows or row-numbered Vietnamese messages; `link_kinds` says which rows are a merge, a
split or a rename. Nothing here reads or writes the database (units.services.reorganize does).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from dvctt_portal.text import fold

from .rules import is_code

MAX_MAPPING_BYTES = 2 * 1024 * 1024  # the whole country's mapping (10,000 rows) is under 1 MB
MAX_MAPPING_ROWS = 20_000

# Each column: its key and the headers it is known by (folded: no accents, lower case).
COLUMNS = {
    "old_code": ("old code", "old_code", "ma cu", "ma don vi cu", "ma xa cu"),
    "old_name": ("old name", "old_name", "ten cu", "ten don vi cu", "ten xa cu"),
    "new_code": ("new code", "new_code", "ma moi", "ma don vi moi", "ma xa moi"),
    "new_name": ("new name", "new_name", "ten moi", "ten don vi moi", "ten xa moi"),
    "effective_date": ("effective date", "effective_date", "ngay hieu luc", "hieu luc tu ngay", "ngay co hieu luc"),
    "document": ("document", "van ban", "can cu", "van ban quy dinh"),
    "share": ("share", "ty le", "phan so lieu"),
}
REQUIRED = ("old_code", "old_name", "new_code", "new_name", "effective_date", "document")
DOCUMENT_DATE = re.compile(r"\bng[aà]y\s+(\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class Change:
    """One row of a mapping: the old unit `old_code` continues (wholly or a share) as `new_code`."""

    line: int
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    effective_date: date
    document: str
    share: Decimal | None = None

    @property
    def document_number(self) -> str:
        """"Nghị quyết 1665/NQ-UBTVQH15 ngày 16/6/2025" → "Nghị quyết 1665/NQ-UBTVQH15"."""
        return DOCUMENT_DATE.split(self.document)[0].strip(" ,;") or self.document

    @property
    def document_date(self) -> date | None:
        found = DOCUMENT_DATE.search(self.document)
        if not found:
            return None
        day, month, year = (int(part) for part in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None


def parse_date(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _header_keys(header: list[str]) -> dict[str, int]:
    known = {name: key for key, names in COLUMNS.items() for name in names}
    found = {}
    for index, cell in enumerate(header):
        key = known.get(" ".join(fold(cell).replace("_", " ").split()))
        if key is None:
            key = known.get(fold(cell).strip())
        if key is not None and key not in found:
            found[key] = index
    return found


def read_mapping(content: bytes) -> tuple[list[Change], list[str]]:
    """(rows, errors) of a CSV mapping (UTF-8, with or without BOM; comma or semicolon). Rows
    starting with "#" are comments (the file's source). Any error: no rows are returned."""
    if len(content) > MAX_MAPPING_BYTES:
        return [], [_("Tệp quá lớn (hơn %(mb)s MB): một bảng chuyển đổi của cả nước cũng nhỏ hơn thế.") % {"mb": 2}]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("Tệp không phải văn bản UTF-8: hãy lưu lại dưới dạng CSV UTF-8.")]
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return [], [_("Tệp không có dòng nào.")]
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = next(reader)
    keys = _header_keys(header)
    missing = [key for key in REQUIRED if key not in keys]
    if missing:
        return [], [_("Thiếu cột: %(columns)s. Cần các cột: mã cũ, tên cũ, mã mới, tên mới, ngày hiệu lực, văn bản.")
                    % {"columns": ", ".join(missing)}]
    rows, errors = [], []
    for line_number, cells in enumerate(reader, start=2):
        if line_number > MAX_MAPPING_ROWS + 1:
            return [], [_("Tệp có hơn %(n)s dòng.") % {"n": MAX_MAPPING_ROWS}]
        row, problem = _row(line_number, cells, keys)
        if problem:
            errors.append(problem)
        else:
            rows.append(row)
    if not errors:
        errors = mapping_errors(rows)
    return ([] if errors else rows), errors


def _row(line: int, cells: list[str], keys: dict[str, int]) -> tuple[Change | None, str | None]:
    value = {key: (cells[index].strip() if index < len(cells) else "") for key, index in keys.items()}
    where = _("Dòng %(line)s") % {"line": line}
    for key in ("old_code", "new_code"):
        if not is_code(value[key]):
            return None, _("%(where)s: mã “%(code)s” không hợp lệ.") % {"where": where, "code": value[key][:40]}
    for key in ("old_name", "new_name", "document"):
        if not value[key]:
            return None, _("%(where)s: thiếu tên đơn vị hoặc văn bản.") % {"where": where}
    effective = parse_date(value["effective_date"])
    if effective is None:
        return None, _("%(where)s: ngày hiệu lực “%(value)s” không đọc được (dạng 01/07/2025 hoặc 2025-07-01).") % {
            "where": where, "value": value["effective_date"][:20]}
    if effective.day != 1:
        return None, _("%(where)s: ngày hiệu lực phải là ngày đầu tháng (số liệu tính theo tháng).") % {"where": where}
    share = None
    if value.get("share"):
        try:
            share = Decimal(value["share"].replace(",", "."))
        except InvalidOperation:
            share = Decimal(-1)
        if not Decimal(0) < share <= Decimal(1):
            return None, _("%(where)s: phần số liệu phải lớn hơn 0 và không quá 1.") % {"where": where}
    return Change(line, value["old_code"], value["old_name"], value["new_code"], value["new_name"], effective,
                  value["document"], share), None


def mapping_errors(rows: list[Change]) -> list[str]:
    """What makes a whole mapping wrong: one new code with two names, a pair twice, shares of one
    old unit adding up to more than 1."""
    errors = []
    names: dict[str, str] = {}
    pairs = set()
    shares: dict[str, Decimal] = {}
    for row in rows:
        if names.setdefault(row.new_code, row.new_name) != row.new_name:
            errors.append(_("Dòng %(line)s: mã mới %(code)s có hai tên khác nhau.") % {"line": row.line, "code": row.new_code})
        if (row.old_code, row.new_code) in pairs:
            errors.append(_("Dòng %(line)s: cặp %(old)s → %(new)s đã có ở dòng trước.") % {
                "line": row.line, "old": row.old_code, "new": row.new_code})
        pairs.add((row.old_code, row.new_code))
    for old_code, share in link_shares(rows).items():
        shares[old_code] = sum(share.values())
    errors += [_("Mã cũ %(code)s: tổng phần số liệu chia cho các đơn vị mới là %(total)s, vượt quá 1.") % {
        "code": code, "total": total} for code, total in shares.items() if total > 1]
    return errors


def link_shares(rows: list[Change]) -> dict[str, dict[str, Decimal]]:
    """{old code: {new code: share}}: the share given, else an equal part of what is left."""
    by_old: dict[str, list[Change]] = {}
    for row in rows:
        by_old.setdefault(row.old_code, []).append(row)
    shares = {}
    for old_code, its_rows in by_old.items():
        given = sum((row.share for row in its_rows if row.share is not None), Decimal(0))
        open_rows = [row for row in its_rows if row.share is None]
        rest = (max(Decimal(1) - given, Decimal(0)) / len(open_rows)).quantize(Decimal("0.0001")) if open_rows else 0
        shares[old_code] = {row.new_code: (row.share if row.share is not None else rest) for row in its_rows}
    return shares


def link_kinds(rows: list[Change]) -> dict[tuple[str, str], str]:
    """{(old code, new code): "split" | "merge" | "rename"}: an old unit with several successors
    is split; a new unit with several predecessors is a merge; one to one is a rename."""
    successors: dict[str, int] = {}
    predecessors: dict[str, int] = {}
    for row in rows:
        successors[row.old_code] = successors.get(row.old_code, 0) + 1
        predecessors[row.new_code] = predecessors.get(row.new_code, 0) + 1
    kinds = {}
    for row in rows:
        if successors[row.old_code] > 1:
            kinds[(row.old_code, row.new_code)] = "split"
        elif predecessors[row.new_code] > 1:
            kinds[(row.old_code, row.new_code)] = "merge"
        else:
            kinds[(row.old_code, row.new_code)] = "rename"
    return kinds
