import getpass
import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from units.models import District, Unit
from units.roles import ROLE_GROUPS, Role
from units.services import assign_role, save_account, split_full_name


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật một người dùng với vai trò và đơn vị."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_GROUPS))
        parser.add_argument("--unit", help="Mã đơn vị (bắt buộc với thủ trưởng đơn vị).")
        parser.add_argument("--district", help="Mã huyện (mặc định: huyện duy nhất trong hệ thống).")
        parser.add_argument("--password", help="Mật khẩu; bỏ trống để nhập, hoặc để hệ thống tạo và in ra.")
        parser.add_argument("--full-name", default="", help="Họ và tên.")

    def handle(self, *args, username, role, unit=None, district=None, password=None, full_name="", **options):
        unit_obj = None
        if unit:
            unit_obj = Unit.objects.select_related("district").with_code(unit)  # today's unit of that code
            if unit_obj is None:
                raise CommandError(f"Không có đơn vị mã {unit}.")
        if role == Role.UNIT_HEAD and unit_obj is None:
            raise CommandError("Thủ trưởng đơn vị phải gắn với một đơn vị: thêm --unit MÃ_ĐƠN_VỊ.")
        district_obj = unit_obj.district if unit_obj else None
        if district_obj is None:
            if district:
                district_obj = District.objects.filter(code=district).first()
                if district_obj is None:
                    raise CommandError(f"Không có huyện mã {district}.")
            elif District.objects.count() == 1:
                district_obj = District.objects.get()
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        generated = False
        if password is None and user is None:
            if sys.stdin.isatty():
                password = getpass.getpass("Mật khẩu: ")
                if password != getpass.getpass("Nhập lại mật khẩu: "):
                    raise CommandError("Hai lần nhập mật khẩu không khớp.")
            else:
                password = secrets.token_urlsafe(12)
                generated = True
        probe = user or User(username=username)
        if password is not None:
            try:
                validate_password(password, probe)
            except ValidationError as error:
                raise CommandError("Mật khẩu không đạt yêu cầu: " + " ".join(error.messages))
        with transaction.atomic():
            created = user is None
            if created:
                user = User(username=username)
            if full_name:
                user.first_name, user.last_name = split_full_name(full_name)
            save_account(account=user, password=password)
            assign_role(user=user, role=role, unit=unit_obj, district=district_obj)
        verb = "Đã tạo" if created else "Đã cập nhật"
        where = f", đơn vị {unit_obj.code} ({unit_obj.name})" if unit_obj else ""
        self.stdout.write(f"{verb} người dùng {username}: vai trò {role}{where}.")
        if generated:
            self.stdout.write(f"Mật khẩu được tạo: {password}")
