"""Run once a day (cron, or the platform's scheduler): queue the daily comment digests."""

from django.core.management.base import BaseCommand

from comments.following import daily_digests_due


class Command(BaseCommand):
    help = "Queue today's digest of new comments for every member who chose a daily digest."

    def handle(self, *args, **options):
        count = daily_digests_due()
        self.stdout.write(f"Queued {count} digest(s).")
