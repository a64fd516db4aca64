from django.db import migrations, models


class Migration(migrations.Migration):
    """Members' pictures are stored on the site: the provider's address becomes only the source."""

    dependencies = [("accounts", "0007_reply_mail_switch_moves_to_comments")]

    operations = [
        migrations.RenameField(
            model_name="user", old_name="avatar_url", new_name="provider_picture_url"
        ),
        migrations.AlterField(
            model_name="user",
            name="provider_picture_url",
            field=models.URLField(
                blank=True,
                help_text=(
                    "Where the member's sign-in provider keeps their picture. Pages never show "
                    "it from there: a copy is fetched and stored on this site."
                ),
                max_length=500,
                verbose_name="provider's picture URL",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="picture_small",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="user",
            name="picture_large",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
    ]
