"""A few canned reasons to start from; moderators edit them in the admin."""

from django.db import migrations

REASONS = [
    ("Off-topic", "Your comment is not about the essay or the conversation under it."),
    (
        "Personal attack",
        "Your comment attacks a person rather than their argument. Disagree with ideas, "
        "not people.",
    ),
    ("Spam or advertising", "Your comment promotes a product, service or site."),
    (
        "Personal information",
        "Your comment shares someone's personal information (contact details, health or "
        "employment details) without their consent.",
    ),
    ("Duplicate", "You posted the same point already; your earlier comment stays."),
]


def seed(apps, schema_editor):
    CannedReason = apps.get_model("comments", "CannedReason")
    for position, (label, text) in enumerate(REASONS):
        CannedReason.objects.get_or_create(
            label=label, defaults={"text": text, "position": position * 10}
        )


def unseed(apps, schema_editor):
    CannedReason = apps.get_model("comments", "CannedReason")
    CannedReason.objects.filter(label__in=[label for label, _ in REASONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("comments", "0010_canned_reasons_told_to_members")]

    operations = [migrations.RunPython(seed, unseed)]
