"""Editors keep the About, Contact and Privacy pages, as they keep the essays."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("blog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)  # normally made after migrations
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="blog",
                codename__in=[f"{action}_sitepage" for action in ACTIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("blog", "0009_site_pages")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
