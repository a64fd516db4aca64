"""Demo conversations for `manage.py demo` (after blog.demo): members, threads a few levels
deep, one comment awaiting moderation and one removed comment whose reply keeps its place.
Idempotent: an essay that already has comments is left as it is."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from accounts.models import Author
from blog.models import Post
from comments.models import Comment, ModerationEvent
from comments.services import refresh_public_count

MEMBERS = {
    "priya": "Priya Raman",
    "tomasz": "Tomasz Wójcik",
    "leila": "Leila Haddad",
    "sam": "Sam Okonkwo-Reid",
    "ines": "Inês Carvalho",
}

# (key, parent key, member, status, hours after publication, text). "author" is the essay's
# first author, signed in as a member (so the "author of this essay" badge shows).
CONVERSATIONS = {
    "alarm-fatigue-is-a-design-problem": [
        (
            "a",
            None,
            "priya",
            "approved",
            5,
            "This matches what we saw on our step-down unit. Once we stopped asking nurses to "
            '"just respond faster" and looked at which alarms were never actionable, the '
            "numbers moved within a month.",
        ),
        (
            "b",
            "a",
            "author",
            "approved",
            7,
            "That month matters. Did you keep the changes through the next staffing rotation?\n\n"
            "In our case the defaults crept back when new monitors arrived.",
        ),
        (
            "c",
            "b",
            "priya",
            "approved",
            9,
            "> the defaults crept back when new monitors arrived\n\n"
            "Same here. We now keep the agreed profiles in the acceptance checklist, so a new "
            "device is not accepted until it carries them.",
        ),
        (
            "d",
            "c",
            "tomasz",
            "approved",
            12,
            "Putting the profiles into acceptance testing is a great idea. Stealing it. 🙂",
        ),
        (
            "e",
            None,
            "leila",
            "approved",
            20,
            "Our committee wrote a short one-page summary for clinicians, see "
            "https://example.org/alarm-summary for the outline we used.",
        ),
        ("f", None, "sam", "removed", 22, "Anyone selling refurbished probes? DM me for prices."),
        (
            "g",
            "f",
            "ines",
            "approved",
            23,
            "Please keep this thread on alarm design; the classifieds board is the place for "
            "sales.",
        ),
        (
            "h",
            None,
            "tomasz",
            "pending",
            30,
            'One question for the author: how did you measure "non-actionable" without '
            "adding work for the nurses?",
        ),
    ],
    "buying-devices-you-can-patch": [
        (
            "a",
            None,
            "ines",
            "approved",
            3,
            "We added a line to our purchasing template asking for the vendor's patch window in "
            "days. Two vendors could not answer, which told us a lot.",
        ),
        ("b", "a", "leila", "approved", 6, "Could you share the exact wording you used?"),
        (
            "c",
            "b",
            "ines",
            "approved",
            8,
            '"State the maximum time between the publication of a security fix for a component '
            'and its availability for the offered device."',
        ),
    ],
}


def _member(username: str, name: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=f"demo-{username}",
        defaults={"display_name": name, "email": f"{username}@members.example.org"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _essay_author_as_member(post: Post):
    author = Author.objects.filter(bylines__post=post).order_by("bylines__position").first()
    if author is None:
        return None
    if author.user_id is None:
        author.user = _member(author.slug, author.name)
        author.save(update_fields=["user"])
    return author.user


def seed() -> list[Comment]:
    """Create the demo conversations on essays that have none yet; return what was created."""
    members = {key: _member(key, name) for key, name in MEMBERS.items()}
    created = []
    for slug, entries in CONVERSATIONS.items():
        post = Post.objects.filter(slug=slug).first()
        if post is None or post.published_at is None or post.comments.exists():
            continue
        members["author"] = _essay_author_as_member(post)
        by_key = {}
        for key, parent_key, member, status, hours, text in entries:
            comment = Comment.objects.create(
                post=post,
                author=members[member],
                parent=by_key.get(parent_key),
                body=text,
                status=status,
                created_at=post.published_at + timedelta(hours=hours),
            )
            ModerationEvent.objects.create(
                comment=comment,
                actor=members[member],
                action=ModerationEvent.Action.SUBMITTED,
                to_status=status,
                reason="Demo content",
                created_at=comment.created_at,
            )
            by_key[key] = comment
            created.append(comment)
        refresh_public_count(post)
    return created
