from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    # It lives in the top-floor app because demo content spans all three apps: each app
    # seeds its own part (accounts.demo, blog.demo, comments.demo), called here in order.
    help = "Create the demo content (idempotent: running it twice changes nothing)."

    @transaction.atomic
    def handle(self, *args, **options):
        from accounts import demo as accounts_demo
        from blog import demo as blog_demo
        from comments import demo as comments_demo

        authors = accounts_demo.seed()
        posts = blog_demo.seed()
        comments = comments_demo.seed()
        self.stdout.write(f"{len(authors)} demo authors, {len(posts)} demo essays.")
        self.stdout.write(f"{len(comments)} new demo comments.")
        self.stdout.write("Demo content is up to date.")
