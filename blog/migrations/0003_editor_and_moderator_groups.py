"""The roles as Django groups: permissions, not is_superuser, decide what staff may do.

Editors manage essays, bylines, tags and author bios (and may look up member accounts to link
an author to one); they do not moderate comments. Moderators are created here without
permissions: the comments app grants its moderation permissions in its own migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
MODERATORS = "Moderators"
EDITOR_PERMISSIONS = {
    "blog": {"post": "add change delete view", "postauthor": "add change delete view",
             "tag": "add change delete view"},
    "accounts": {"author": "add change delete view", "user": "view"},
}  # fmt: skip


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now to grant them.
    for app_label in EDITOR_PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    for app_label, models in EDITOR_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions.split()]
            editors.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
    Group.objects.get_or_create(name=MODERATORS)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, MODERATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0003_author_bio_html_photo_renditions_social_links"),
        ("blog", "0002_post_body_text_and_help_texts"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
