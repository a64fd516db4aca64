"""One switch for reply mail: accounts.User.notify_on_reply and MailChoice.replies become
MailChoice.replies alone (accounts never imports comments). Mail went out only when both said
yes, so that is what each member keeps; accounts' next migration drops the old column, after
this one has read it."""

from django.db import migrations, models

IMMEDIATE, OFF = "immediate", "off"


def merge_reply_switches(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    MailChoice = apps.get_model("comments", "MailChoice")
    # Asked on the account page but no row: the row's old default applied ("each one").
    asked = User.objects.filter(notify_on_reply=True, comment_mail_choice__isnull=True)
    MailChoice.objects.bulk_create(
        [MailChoice(member_id=pk, replies=IMMEDIATE) for pk in asked.values_list("pk", flat=True)]
    )
    # Not asked: no reply mail, whatever the row said. (No row: the new default, off.)
    MailChoice.objects.filter(member__notify_on_reply=False).update(replies=OFF)


def split_reply_switches(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    MailChoice = apps.get_model("comments", "MailChoice")
    wanted = MailChoice.objects.exclude(replies=OFF).values("member_id")
    User.objects.filter(pk__in=wanted).update(notify_on_reply=True)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0011_seed_canned_reasons"),
        ("accounts", "0006_staff_display_names"),
    ]
    # Read notify_on_reply before accounts removes it (accounts cannot name comments).
    run_before = [("accounts", "0007_reply_mail_switch_moves_to_comments")]

    operations = [
        migrations.AddField(
            model_name="mailchoice",
            name="published",
            field=models.BooleanField(
                default=True, verbose_name="my comment is published, when I ask for it as I post"
            ),
        ),
        migrations.AlterField(
            model_name="mailchoice",
            name="replies",
            field=models.CharField(
                choices=[
                    ("immediate", "each one, as it is published"),
                    ("daily", "one daily digest"),
                    ("off", "never"),
                ],
                default="off",
                max_length=10,
                verbose_name="replies to my comments",
            ),
        ),
        migrations.RunPython(merge_reply_switches, split_reply_switches),
    ]
