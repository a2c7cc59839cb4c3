"""Reading a one-stop system's dossier list (.xlsx or .csv) as offices export it: title rows
above the header, Vietnamese headers in their usual variants, one row per dossier, a total row
at the end. Each row becomes a `DossierLine` holding only what the portal may keep — never the
applicant's name, ID number, phone or street address (Decree 13/2023/NĐ-CP): the address is
read only to find the commune (địa bàn) and dropped here, the other personal columns are not
read at all.

Pure: bytes in, lines and row-numbered Vietnamese messages out; matching the lines to units and
procedures is the importer's (it knows the database).
"""

import codecs
import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from dvctt_portal.text import fold as fold_text

from .import_reading import _delimiter, decode_csv
from .spreadsheets import FileRefused, XlsxLimits, open_xlsx

# A list of 500,000 rows writes the same few channels, communes and villages again and again.
fold = functools.lru_cache(maxsize=65536)(fold_text)

# Each column the portal reads, and the headers (folded: no marks, lower case) systems give it.
HEADERS = {
    "code": ("ma ho so", "so ho so", "ma so ho so"),
    "procedure_code": ("ma thu tuc", "ma tthc", "ma thu tuc hanh chinh"),
    "procedure_name": ("ten thu tuc hanh chinh", "ten thu tuc", "ten tthc", "thu tuc hanh chinh", "thu tuc"),
    "received": ("ngay nop", "ngay tiep nhan", "thoi gian tiep nhan", "ngay gio tiep nhan", "thoi gian nop"),
    "channel": ("kenh nop", "hinh thuc nop", "hinh thuc tiep nhan", "kenh tiep nhan"),
    "unit": ("don vi xu ly", "don vi tiep nhan", "co quan tiep nhan", "noi tiep nhan", "co quan giai quyet"),
    "commune": ("xa/phuong", "xa, phuong", "xa phuong", "dia ban", "xa/phuong/thi tran"),
    "address": ("dia chi", "dia chi nguoi nop", "dia chi thuong tru"),
    "result_date": ("ngay tra ket qua", "ngay co ket qua", "ngay hoan thanh"),
    "result_electronic": ("tra ket qua dien tu", "ket qua dien tu", "ket qua ban dien tu"),
}
REQUIRED = ("code", "received", "channel")
HEADER_SEARCH_ROWS = 30  # title rows above the header: a one-stop export has four to eight

ONLINE, IN_PERSON, POSTAL, UNKNOWN = "online", "in_person", "postal", "unknown"
# What the exports write in the channel column (folded), and the national index's numbers.
CHANNELS = {
    "truc tuyen": ONLINE, "nop truc tuyen": ONLINE, "dvc truc tuyen": ONLINE, "qua mang": ONLINE, "2": ONLINE,
    "truc tiep": IN_PERSON, "nop truc tiep": IN_PERSON, "tai bo phan mot cua": IN_PERSON, "1": IN_PERSON,
    "buu chinh": POSTAL, "buu chinh cong ich": POSTAL, "dich vu buu chinh": POSTAL, "qua buu chinh": POSTAL,
    "3": POSTAL,
}
YES = {"co", "x", "1", "true", "yes", "da tra dien tu", "dien tu"}
NO = {"khong", "0", "false", "no", ""}
DATE_TEXT = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
# A commune in an address: "xã Liên Minh", "X. Liên Minh", "TT Đức Thọ", "thị trấn Đức Thọ", "phường …".
PLACE_PREFIXES = ("xa ", "x. ", "x.", "tt ", "tt. ", "thi tran ", "phuong ", "p. ", "p.")


@dataclass(frozen=True)
class DossierLine:
    """One dossier as the portal keeps it; `commune_name` and `unit_name` as written, to match."""

    row: int
    code: str
    procedure_code: str
    procedure_name: str
    received_on: date
    channel: str
    unit_name: str
    commune_name: str  # from the commune column, or found in the address ("" when neither says)
    result_on: date | None = None
    result_electronic: bool | None = None


@dataclass
class Reading:
    lines: list[DossierLine]
    errors: list[str]
    skipped: int = 0  # title, blank and total rows


def header_key(cell) -> str:
    """A header as it is compared: folded, single spaces ("Ngày  Nộp " → "ngay nop")."""
    return " ".join(fold(cell).split()) if isinstance(cell, str) else ""


def header_columns(cells, extra: dict | None = None) -> dict[int, str]:
    """{cell index: column} for the cells of one row that are known headers — the usual ones,
    and `extra` ({header key: column}: a source's own, saved from the mapping step)."""
    known = {name: key for key, names in HEADERS.items() for name in names}
    known.update(extra or {})
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = known.get(header_key(cell)) if isinstance(cell, str) else None
        if key is not None and key not in found.values():
            found[index] = key
    return found


def parse_channel(value) -> str | None:
    """online / in_person / postal; an empty cell is in person (the index counts it so); None
    for anything else (the row is refused, never guessed)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return IN_PERSON
    text = fold(str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value))
    return CHANNELS.get(text)


def parse_date(value) -> date | None:
    """A real date, "13/08/2020" or "13/08/2020 07:04", or "2020-08-13"; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    return _date_in_text(value)


@functools.lru_cache(maxsize=65536)  # a year's list writes a few thousand distinct date texts
def _date_in_text(value: str) -> date | None:
    found = DATE_TEXT.match(value)
    try:
        if found:
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
        found = ISO_DATE.match(value)
        if found:
            return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None
    return None


def parse_yes_no(value) -> bool | None:
    if value is None:
        return None
    text = fold(str(value))
    if text in YES:
        return True
    return False if text in NO else None


def commune_in_address(address, names: Iterable[str]) -> str:
    """The one commune of `names` (as the portal writes them: "Xã Liên Minh") that the address
    names after "xã", "X.", "TT", "thị trấn" or "phường" — "" when none or more than one does."""
    return CommuneFinder(names)(address)


class CommuneFinder:
    """`commune_in_address` for one list: the communes indexed by their bare names once (a
    province has 10,000), and each address read once (one village's people give the same one
    again and again; at most 65,536 remembered)."""

    def __init__(self, names: Iterable[str]):
        self.by_bare_name: dict[str, set[str]] = {}
        for name in names:
            self.by_bare_name.setdefault(bare_place_name(name), set()).add(name)
        self.seen: dict[str, str] = {}

    def __call__(self, address) -> str:
        if not isinstance(address, str) or not address.strip():
            return ""
        if address not in self.seen:
            if len(self.seen) >= 65536:
                self.seen.clear()
            self.seen[address] = self._find(address)
        return self.seen[address]

    def _find(self, address: str) -> str:
        found = set()
        for part in re.split(r"[,;\-]", address):
            part = fold(part)
            for prefix in PLACE_PREFIXES:
                if part.startswith(prefix):
                    found |= self.by_bare_name.get(part[len(prefix):].strip(), set())
        return found.pop() if len(found) == 1 else ""


@functools.lru_cache(maxsize=8192)
def bare_place_name(name: str) -> str:
    """"Xã Tùng Ảnh" → "tung anh"; "Thị trấn Đức Thọ" → "duc tho"; "UBND xã Liên Minh" → "lien minh"."""
    text = fold(name)
    for prefix in ("ubnd ", "uy ban nhan dan "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    for prefix in PLACE_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix):].strip()
    return text


TOTAL_ROW = re.compile(r"^(tong cong|tong so|tong|cong)\b[^0-9]{0,12}\d")


def is_total_row(values: dict) -> bool:
    """"Tổng số: 60 hồ sơ", "Cộng: 2", "Tổng cộng 60": a row that sums the list (no date, its first
    text a total and a number), not a dossier — "Công nhận hộ nghèo" is not one."""
    if parse_date(values.get("received")) is not None:
        return False
    first = next((fold(value) for value in values.values() if isinstance(value, str) and value.strip()), "")
    return TOTAL_ROW.match(first) is not None


class HeaderNotFound(FileRefused):
    """No row of the first ones is a header the portal knows; `candidates` are the texts of the
    row that looks most like one (for the mapping step), with its row number."""

    def __init__(self, message: str, candidates: list[str], row: int):
        super().__init__(message)
        self.candidates, self.row = candidates, row


def read_dossiers(data, filename: str, *, limits: XlsxLimits, communes: Iterable[str] = (),
                  extra_headers: dict | None = None) -> Reading:
    """The file's dossiers, all in a list (a district's list; `stream_dossiers` reads a province's
    one row at a time); `communes` are the commune names an address may name; `extra_headers` a
    source's own header names. Rows missing a code, a date or a channel are refused with their
    row number; a file without a header it knows is refused whole (HeaderNotFound)."""
    stream = stream_dossiers(data, filename, limits=limits, communes=communes, extra_headers=extra_headers)
    lines = list(stream)
    return Reading(lines, stream.errors.messages, stream.skipped)


MAX_MESSAGES = 1000  # a file refused row by row says the first thousand rows, and how many more


class Messages:
    """Row-numbered messages, the first MAX_MESSAGES kept (memory stays bounded on a bad file of
    500,000 rows), with the number of the others."""

    def __init__(self):
        self.messages: list[str] = []
        self.more = 0

    def add(self, message: str) -> None:
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.messages)

    def all(self) -> list[str]:
        if not self.more:
            return list(self.messages)
        return [*self.messages, _("… và %(n)s dòng khác cũng bị từ chối.") % {"n": self.more}]


class DossierStream:
    """A list's dossiers read one row at a time, never all at once: iterate for the lines; the
    rows refused on the way are in `errors`, title/blank/total rows counted in `skipped`, the
    last row read in `row`, and `total_rows` is how many rows the file has (an estimate for the
    progress bar; None when the file does not say). HeaderNotFound and FileRefused are raised on
    the first step."""

    def __init__(self, rows: Iterator[tuple[int, list]], communes: list[str], extra_headers: dict,
                 total_rows: int | None):
        self._rows, self._communes, self._extra = rows, CommuneFinder(communes), extra_headers
        self.errors, self.skipped, self.row, self.total_rows = Messages(), 0, 0, total_rows
        self._last_row, self._past_last_row = None, ""

    def stop_after(self, rows: int, message: str) -> None:
        """Refuse the file (FileRefused with `message`) when it says it has more than `rows` rows,
        or as soon as a row past them is read."""
        self._last_row, self._past_last_row = rows, message
        if (self.total_rows or 0) > rows:
            raise FileRefused(message)

    def __iter__(self) -> Iterator[DossierLine]:
        header = None
        likeliest: tuple[int, int, list[str]] = (0, 0, [])  # (text cells, row, texts)
        for number, cells in self._rows:
            self.row = number
            if self._last_row is not None and number > self._last_row:
                raise FileRefused(self._past_last_row)
            if header is None:
                texts = [_text(cell) for cell in cells]
                if sum(1 for text in texts if text) > likeliest[0]:
                    likeliest = (sum(1 for text in texts if text), number, texts)
                found = header_columns(cells, self._extra)
                if set(REQUIRED) <= set(found.values()) and ({"procedure_code", "procedure_name"} & set(found.values())):
                    header = found
                elif number >= HEADER_SEARCH_ROWS:
                    break
                self.skipped += 1
                continue
            values = {key: cells[index] if index < len(cells) else None for index, key in header.items()}
            if all(value in (None, "") for value in values.values()) or is_total_row(values):
                self.skipped += 1
                continue
            line, problem = _line(number, values, self._communes)
            if problem:
                self.errors.add(problem)
            else:
                yield line
        if header is None:
            raise HeaderNotFound(_("Không tìm thấy dòng tiêu đề của danh sách hồ sơ (cần các cột Mã hồ sơ, Mã hoặc Tên "
                                   "thủ tục, Ngày nộp hoặc Ngày tiếp nhận, Kênh nộp hoặc Hình thức nộp) trong %(n)s dòng "
                                   "đầu.") % {"n": HEADER_SEARCH_ROWS}, candidates=likeliest[2], row=likeliest[1])


def stream_dossiers(source, filename: str, *, limits: XlsxLimits, communes: Iterable[str] = (),
                    extra_headers: dict | None = None) -> DossierStream:
    """The file's dossiers one row at a time; `source` is the file's bytes or a binary file open
    for reading (a job's stored upload): what is held in memory is one row, not the file's rows."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    source.seek(0)
    if filename.lower().endswith(".xlsx"):
        rows, total = _xlsx_rows(source, limits)
    else:
        rows, total = _csv_rows(source, limits)
    return DossierStream(rows, list(communes), extra_headers or {}, total)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _row_label(number: int) -> str:
    """"Dòng 12": said only when a row is refused (translated per message, not per row read)."""
    return _("Dòng %(row)s") % {"row": number}


def _line(number: int, values: dict, communes: CommuneFinder) -> tuple[DossierLine | None, str | None]:
    code = _text(values.get("code"))
    if not code or len(code) > 100:
        return None, _("%(where)s: thiếu mã hồ sơ.") % {"where": _row_label(number)}
    procedure_code, procedure_name = _text(values.get("procedure_code")), _text(values.get("procedure_name"))
    if not procedure_code and not procedure_name:
        return None, _("%(where)s (hồ sơ %(code)s): thiếu mã và tên thủ tục.") % {"where": _row_label(number), "code": code}
    received = parse_date(values.get("received"))
    if received is None:
        return None, _("%(where)s (hồ sơ %(code)s): ngày nộp “%(value)s” không đọc được (dạng 13/08/2020).") % {
            "where": _row_label(number), "code": code, "value": _text(values.get("received"))[:30]}
    channel = parse_channel(values.get("channel"))
    if channel is None:
        return None, _("%(where)s (hồ sơ %(code)s): không hiểu kênh nộp “%(value)s” (Trực tuyến, Trực tiếp, Bưu "
                       "chính công ích).") % {"where": _row_label(number), "code": code, "value": _text(values.get("channel"))[:30]}
    commune = _text(values.get("commune")) or communes(values.get("address"))
    return DossierLine(
        row=number, code=code, procedure_code=procedure_code, procedure_name=procedure_name, received_on=received,
        channel=channel, unit_name=_text(values.get("unit")), commune_name=commune,
        result_on=parse_date(values.get("result_date")), result_electronic=parse_yes_no(values.get("result_electronic")),
    ), None


def _xlsx_rows(stream, limits: XlsxLimits) -> tuple[Iterator[tuple[int, list]], int | None]:
    workbook, sheet = open_xlsx(stream, limits)
    declared = getattr(sheet, "declared_rows", None)

    def rows():
        try:
            # Values only, as long as each row is (no padding to the columns allowed): what a
            # reader of the sheet can do fastest. A row past the last allowed is refused as read.
            for number, values in enumerate(sheet.iter_rows(max_row=limits.max_rows + 1, values_only=True), start=1):
                if number > limits.max_rows:
                    if any(value is not None for value in values):
                        raise FileRefused(_("Tệp có hơn %(n)s dòng.") % {"n": limits.max_rows})
                    break
                yield number, list(values)
        except FileRefused:
            raise
        except Exception:  # a damaged sheet is only found while reading it
            raise FileRefused(_("Tệp không đọc được như một bảng tính Excel (.xlsx).")) from None
        finally:
            workbook.close()

    return rows(), declared


CSV_HEAD_BYTES = 1024 * 1024  # what decides a CSV's encoding and separator; a smaller file is read whole


def _csv_rows(stream, limits: XlsxLimits) -> tuple[Iterator[tuple[int, list]], int | None]:
    """A CSV's rows, decoded as it is read: the encoding is the one `decode_csv` finds in the first
    megabyte (a larger file whose later bytes are not of it is refused, never half read)."""
    head = stream.read(CSV_HEAD_BYTES)
    whole = len(head) < CSV_HEAD_BYTES
    if not whole:  # cut at the last line end, so no letter of the head is split
        cut = head.rfind(b"\n")
        if cut > 0:  # UTF-16 little-endian writes a line end as 0A 00
            head = head[:cut + (2 if head.startswith(codecs.BOM_UTF16_LE) else 1)]
    decoded = decode_csv(head)
    lines_counted = _count_lines(stream) if not whole else None
    # The title rows above the header hold no separator: the separator is the header's.
    top = decoded.text.splitlines()[:HEADER_SEARCH_ROWS]
    header_line = max(top, key=lambda line: max(line.count(";"), line.count(","), line.count("\t")), default="")
    delimiter = _delimiter(header_line)
    if whole:
        text = io.StringIO(decoded.text, newline="")
    else:
        stream.seek(0)
        codec = CSV_CODECS[decoded.encoding]
        text = io.TextIOWrapper(stream, encoding=codec, errors="strict" if codec.startswith("utf") else "replace",
                                newline="")

    def rows():
        try:
            for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                if number > limits.max_rows:
                    raise FileRefused(_("Tệp có hơn %(n)s dòng.") % {"n": limits.max_rows})
                if decoded.encoding == "Windows-1258":  # tone marks written apart, composed as pages show them
                    cells = [unicodedata.normalize("NFC", cell) for cell in cells]
                yield number, cells
        except UnicodeDecodeError:
            raise FileRefused(_("Tệp CSV có đoạn không đọc được theo mã %(encoding)s của phần đầu tệp; hãy lưu lại "
                                "tệp với mã UTF-8.") % {"encoding": decoded.encoding}) from None
        except csv.Error:
            raise FileRefused(_("Tệp CSV bị hỏng: có ô dài quá 131.072 ký tự (thường do một dấu ngoặc kép không đóng).")) from None
        finally:
            if isinstance(text, io.TextIOWrapper):
                text.detach()  # the file stays open for whoever opened it (a job reads it twice)

    return rows(), lines_counted


CSV_CODECS = {"UTF-16": "utf-16", "UTF-8": "utf-8-sig", "Windows-1258": "cp1258", "Windows-1252": "cp1252"}


def _count_lines(stream) -> int:
    """The lines of a large CSV, counted in blocks (for the progress bar), then back to its start."""
    stream.seek(0)
    count = 0
    for block in iter(lambda: stream.read(CSV_HEAD_BYTES), b""):
        count += block.count(b"\n")
    stream.seek(0)
    return count
