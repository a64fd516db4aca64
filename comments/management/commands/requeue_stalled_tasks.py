from datetime import timedelta

from django.core.management.base import BaseCommand

from comments.background import requeue_stalled


class Command(BaseCommand):
    # Here with the comments' other background code (comments.background), although it requeues
    # any app's tasks: the queue is one table.
    help = "Queue again the tasks a killed worker left marked as running (deploy/Procfile runs it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=600,
            metavar="SECONDS",
            help="Only tasks claimed longer ago than this (default 600; longer than any task).",
        )

    def handle(self, *args, older_than, **options):
        count = requeue_stalled(older_than=timedelta(seconds=older_than))
        self.stdout.write(f"{count} stalled task(s) queued again.")
