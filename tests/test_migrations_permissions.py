"""Moving the scoring permission to the targets app keeps every group's and person's rights."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("targets", "0002_export_scoring_permission"), ("submissions", "0007_export_scoring_moves_to_targets")]
AFTER = [("targets", "0003_export_scoring_permission_moves_here")]


def test_a_custom_group_and_a_person_with_the_old_permission_hold_the_new_one(reference):
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.contenttypes.models import ContentType

    MigrationExecutor(connection).migrate(BEFORE)
    Permission.objects.filter(codename="export_scoring").delete()
    old_type, _ = ContentType.objects.get_or_create(app_label="submissions", model="dossiercount")
    old = Permission.objects.create(content_type=old_type, codename="export_scoring", name="Tải bảng chấm điểm")
    group = Group.objects.create(name="to_thi_dua")
    group.permissions.add(old)
    person = User.objects.create(username="thu_ky_thi_dua")
    person.user_permissions.add(old)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # and back to the latest schema for the tests after
    ContentType.objects.clear_cache()
    held = lambda queryset: sorted(queryset.values_list("content_type__app_label", "codename"))  # noqa: E731
    assert held(Group.objects.get(name="to_thi_dua").permissions.all()) == [("targets", "export_scoring")]
    assert held(User.objects.get(username="thu_ky_thi_dua").user_permissions.all()) == [("targets", "export_scoring")]
    assert not Permission.objects.filter(content_type__app_label="submissions", codename="export_scoring").exists()
