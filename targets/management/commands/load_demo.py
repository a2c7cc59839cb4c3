from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from targets.reference_data import (
    load_demo_counts, load_demo_logins, load_later_demo_counts, load_reference, load_reform,
)


class Command(BaseCommand):
    help = ("Nạp dữ liệu tham chiếu huyện Đức Thọ năm 2020 (đơn vị, thủ tục, chỉ tiêu) và tỉnh Hà Tĩnh sau "
            "1/7/2025 (xã mới, sắp xếp đơn vị, sở, chỉ tiêu của tỉnh), số liệu mẫu 2020–2026 và tài khoản mẫu.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--reference-only",
            action="store_true",
            help="Chỉ nạp tỉnh, huyện, đơn vị, danh mục thủ tục và chỉ tiêu; không nạp số liệu và tài khoản mẫu.",
        )

    def handle(self, *args, reference_only=False, **options):
        stats = load_reference()
        district = stats["district"]
        self.stdout.write(
            f"{district.name} ({district.province}): {stats['units']} đơn vị, "
            f"{stats['procedures']} thủ tục, {stats['rules']} chỉ tiêu."
        )
        reform = load_reform()
        self.stdout.write(
            f"{reform['province'].name} từ 1/7/2025: {reform['communes']} xã mới (Nghị quyết 1665/NQ-UBTVQH15), "
            f"{reform['departments']} sở, ngành, {reform['rules']} chỉ tiêu của năm 2025–2026."
        )
        if reference_only:
            return
        logins = load_demo_logins()
        staff = get_user_model().objects.get(username=logins[0][0].username)
        added = load_demo_counts(district=district, recorded_by=staff)
        self.stdout.write(f"Số liệu mẫu năm 2020: thêm {added} dòng (tháng 1–9).")
        later = load_later_demo_counts(recorded_by=staff)
        self.stdout.write(f"Số liệu mẫu 2021 – tháng 11/2026: thêm {later} dòng.")
        self.stdout.write("")
        self.stdout.write("Tài khoản mẫu (chỉ dùng để thử, đổi mật khẩu trước khi dùng thật):")
        for login, password in logins:
            where = f" — đơn vị {login.unit_code} ({login.unit_year})" if login.unit_code else f" — {login.district_code}"
            shown = password if password else "(mật khẩu đã được đổi)"
            self.stdout.write(f"  {login.username:<14} {shown:<14} {login.full_name}{where}")
