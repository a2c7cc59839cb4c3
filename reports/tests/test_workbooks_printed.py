"""The year-end and overview workbooks as they come out of a printer (issue 16, point 1):
converted by LibreOffice (Debian's libreoffice-calc, as offices print them) to PDF, every page has
the official layout's words, page numbers, Times New Roman (Liberation Serif, its metric twin)
and no text under 9 pt. CI installs LibreOffice and poppler; elsewhere the test skips without
them unless DVCTT_REQUIRE_LIBREOFFICE=1."""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOOLS = ("soffice", "pdffonts", "pdftotext")
NINE_PT_WORD_HEIGHT = 11.4  # a word of 9-pt Liberation Serif stands 11.7 pt tall in pdftotext's boxes


def require_tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("DVCTT_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(f"missing: {', '.join(missing)}")
        pytest.skip(f"missing: {', '.join(missing)}")


def printed(content: bytes, tmp_path: Path, name: str) -> Path:
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(content)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return tmp_path / f"{name}.pdf"


def words(pdf: Path) -> list[tuple[float, str]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [(float(y_max) - float(y_min), word) for y_min, y_max, word in
            re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html)]


@pytest.fixture
def demo_client(client):
    from django.contrib.auth.models import User

    call_command("load_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="demo.noivu"))
    return client


@pytest.mark.parametrize("url, name", [
    (reverse("reports:year_end_xlsx", args=[2020]) + "?through=9", "cham-diem"),
    (reverse("reports:overview_xlsx") + "?year=2020&through=9", "tong-hop"),
    (reverse("reports:completeness_xlsx", args=[2020]) + "?through=12", "tinh-hinh-bao-cao"),
])
def test_the_printed_workbook_has_the_official_layout_page_numbers_and_no_text_under_9_pt(demo_client, tmp_path, url, name):
    require_tools()
    pdf = printed(demo_client.get(url).content, tmp_path, name)
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all("LiberationSerif" in line or "TimesNewRoman" in line for line in fonts), fonts
    found = words(pdf)
    text = " ".join(word for _height, word in found)
    for expected in ("ỦY BAN NHÂN DÂN", "HUYỆN ĐỨC THỌ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "/BC-UBND", "Đức Thọ, ngày", "NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH", "Trang 1/"):
        assert expected in text, expected
    assert "Nơi nhận:" in text
    smallest = min(found)
    assert smallest[0] >= NINE_PT_WORD_HEIGHT, smallest
