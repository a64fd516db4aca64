from django.core.management.base import BaseCommand

from accounts.avatars import fetch_avatar
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Queue the fetch of every member's provider picture that has no stored copy yet (members "
        "from before local avatars; fetches that failed). Sign-in does the same for each member "
        "it sees; this does it for all at once. Run again, it asks only for what is still missing."
    )

    def handle(self, *args, **options):
        waiting = User.objects.exclude(provider_picture_url="").filter(picture_small="")
        count = 0
        for user_id, source_url in waiting.values_list("pk", "provider_picture_url").iterator():
            fetch_avatar.enqueue(user_id, source_url)
            count += 1
        self.stdout.write(f"Queued {count} picture fetch(es).")
