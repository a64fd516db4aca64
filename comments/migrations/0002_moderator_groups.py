from django.db import migrations

MODERATOR_PERMISSIONS = [
    ("view_comment", "Can view comment"),
    ("change_comment", "Can change comment"),
    ("moderate_comment", "Can moderate comments"),
    ("view_moderationevent", "Can view moderation event"),
]


def give_moderators_their_permissions(apps, schema_editor):
    """Create (or complete) the Moderators and Trusted commenters groups. Idempotent: the essays
    app may have created the Moderators group already; we only add what comments need."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    Group.objects.get_or_create(name="Trusted commenters")
    for codename, name in MODERATOR_PERMISSIONS:
        model = codename.split("_", 1)[1]
        content_type, _ = ContentType.objects.get_or_create(app_label="comments", model=model)
        permission, _ = Permission.objects.get_or_create(
            codename=codename, content_type=content_type, defaults={"name": name}
        )
        moderators.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(give_moderators_their_permissions, migrations.RunPython.noop),
    ]
