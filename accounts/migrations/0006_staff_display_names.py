from django.db import migrations, models


def name_existing_staff(apps, schema_editor):
    """Staff without a display name take their full name, else their username (User.save's rule,
    which the historical model does not run)."""
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(is_staff=True, display_name=""):
        full_name = " ".join(f"{user.first_name} {user.last_name}".split())
        user.display_name = full_name or user.username
        user.save(update_fields=["display_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_display_name_help"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=models.CharField(
                blank=True,
                help_text="The name shown in public: beside comments and replies, in histories and messages. Left empty, the first and last name are shown; failing those, a staff member's username, or for a member a neutral “Member” and a number.",
                max_length=150,
                verbose_name="display name",
            ),
        ),
        migrations.RunPython(name_existing_staff, migrations.RunPython.noop),
    ]
