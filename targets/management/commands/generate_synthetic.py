import time

from django.core.management.base import BaseCommand, CommandError

from targets.synthetic import SyntheticSize, existing_synthetic, generate, remove_synthetic


class Command(BaseCommand):
    help = "Tạo dữ liệu tổng hợp (nhiều huyện, đơn vị, số liệu) để thử tải và đo hiệu năng."

    def add_arguments(self, parser):
        parser.add_argument("--districts", type=int, default=13, help="Số huyện (với --province: số tỉnh).")
        parser.add_argument("--province", action="store_true",
                            help="Tạo tỉnh như sau 1/7/2025: xã và sở, ngành trực thuộc tỉnh, không có huyện.")
        parser.add_argument("--communes", type=int, default=20, help="Số xã mỗi huyện (mỗi tỉnh với --province).")
        parser.add_argument("--departments", type=int, default=12, help="Số phòng, ban mỗi huyện.")
        parser.add_argument("--year", type=int, default=2020)
        parser.add_argument("--months", type=int, default=12, help="Số tháng có số liệu, từ tháng 1.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--replace", action="store_true", help="Xóa dữ liệu tổng hợp cùng seed trước khi tạo.")

    def handle(self, *args, districts, communes, departments, year, months, seed, replace, province=False, **options):
        if districts < 1 or communes < 0 or departments < 0 or not 1 <= months <= 12:
            raise CommandError("Tham số không hợp lệ: cần ít nhất 1 huyện và số tháng từ 1 đến 12.", returncode=2)
        if existing_synthetic(seed).exists():
            if not replace:
                raise CommandError(
                    f"Đã có dữ liệu tổng hợp với seed {seed}; thêm --replace để tạo lại.", returncode=2
                )
            removed = remove_synthetic(seed)
            self.stdout.write(f"Đã xóa {removed} bản ghi tổng hợp cũ.")
        started = time.perf_counter()

        def report(index, written):
            if index == districts or index % 10 == 0:
                self.stdout.write(f"  {index}/{districts} huyện, {written['counts']} dòng số liệu")

        written = generate(
            SyntheticSize(districts=districts, communes=communes, departments=departments, year=year, months=months, seed=seed,
                          province=province),
            progress=report,
        )
        self.stdout.write(
            f"Đã tạo {written['districts']} huyện, {written['units']} đơn vị, {written['procedures']} thủ tục cấp huyện, "
            f"{written['counts']} dòng số liệu trong {time.perf_counter() - started:.1f} giây."
        )
