"""The year-end scoring permission belongs to the targets app (it was declared on DossierCount).
Every group and person who held `submissions.export_scoring` holds `targets.export_scoring`
after this migration; the old permission is removed."""

from django.db import migrations


def move(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = Permission.objects.filter(content_type__app_label=source[0], content_type__model=source[1], codename="export_scoring").first()
    if old is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label=target[0], model=target[1])
    new, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="export_scoring", defaults={"name": old.name}
    )
    for group in old.group_set.all():
        group.permissions.add(new)
    for user in old.user_set.all():
        user.user_permissions.add(new)
    old.delete()


def forwards(apps, schema_editor):
    move(apps, schema_editor, source=("submissions", "dossiercount"), target=("targets", "targetpolicy"))


def backwards(apps, schema_editor):
    move(apps, schema_editor, source=("targets", "targetpolicy"), target=("submissions", "dossiercount"))


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0002_export_scoring_permission"),
        ("submissions", "0007_export_scoring_moves_to_targets"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
