from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

# Any fixed number: the key of the Postgres advisory lock that serialises --migrate runs.
SETUP_LOCK = 0x1EC7E2


class Command(BaseCommand):
    # It lives in the top-floor app because demo content spans all three apps: each app
    # seeds its own part (accounts.demo, blog.demo, comments.demo), called here in order.
    help = "Create the demo content (idempotent: running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Apply migrations first. Two runs at once on one database (two `make run` on "
            "different ports) take turns instead of colliding.",
        )

    def handle(self, *args, migrate=False, **options):
        if not migrate:
            self.seed()
            return
        # One transaction for all of it (Postgres rolls DDL back): a run stopped half-way, even
        # between a migration's commit and its record (Django records it after the commit when
        # the migration has deferred SQL), leaves the database as it was, never half-migrated.
        # The transaction's advisory lock makes a second run wait, then find nothing to do.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SETUP_LOCK])
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            self.seed()

    @transaction.atomic
    def seed(self):
        from accounts import demo as accounts_demo
        from blog import demo as blog_demo
        from comments import demo as comments_demo

        authors = accounts_demo.seed()
        posts = blog_demo.seed()
        comments = comments_demo.seed()
        self.stdout.write(f"{len(authors)} demo authors, {len(posts)} demo essays.")
        self.stdout.write(f"{len(comments)} new demo comments.")
        self.stdout.write("Demo content is up to date.")
