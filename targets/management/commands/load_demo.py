from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from targets.reference_data import load_demo_counts, load_demo_logins, load_reference


class Command(BaseCommand):
    help = "Nạp dữ liệu tham chiếu huyện Đức Thọ năm 2020 (đơn vị, thủ tục, chỉ tiêu), số liệu mẫu tháng 1–9 và tài khoản mẫu."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reference-only",
            action="store_true",
            help="Chỉ nạp huyện, đơn vị, danh mục thủ tục và chỉ tiêu; không nạp số liệu và tài khoản mẫu.",
        )

    def handle(self, *args, reference_only=False, **options):
        stats = load_reference()
        district = stats["district"]
        self.stdout.write(
            f"{district.name} ({district.province}): {stats['units']} đơn vị, "
            f"{stats['procedures']} thủ tục, {stats['rules']} chỉ tiêu."
        )
        if reference_only:
            return
        logins = load_demo_logins()
        staff = get_user_model().objects.get(username=logins[0][0].username)
        added = load_demo_counts(district=district, recorded_by=staff)
        self.stdout.write(f"Số liệu mẫu năm 2020: thêm {added} dòng (tháng 1–9).")
        self.stdout.write("")
        self.stdout.write("Tài khoản mẫu (chỉ dùng để thử, đổi mật khẩu trước khi dùng thật):")
        for login, password in logins:
            where = f" — đơn vị {login.unit_code}" if login.unit_code else ""
            shown = password if password else "(mật khẩu đã được đổi)"
            self.stdout.write(f"  {login.username:<14} {shown:<14} {login.full_name}{where}")
