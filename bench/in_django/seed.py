# One essay per size with its thread (a tenth awaiting moderation), signed-in sessions for each
# viewer, and members who will post over HTTP (trusted: approved at once; new: held).
import importlib
import json
import os

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_backends
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse

from tests.factories import make_moderator, make_post, make_thread, make_user

wanted = json.loads(os.environ["BENCH_INPUT"])
store = importlib.import_module(settings.SESSION_ENGINE).SessionStore
# The backend a member's session names, as allauth's adapter picks it when they sign in: the first
# that is allauth's own (or a subclass of it).
MEMBERS_BACKEND = next(
    f"{backend.__module__}.{type(backend).__name__}"
    for backend in get_backends()
    if isinstance(backend, AuthenticationBackend)
)


def session(user):
    s = store()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = MEMBERS_BACKEND
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


authors = [make_user() for _ in range(40)]
waiting = [make_user() for _ in range(10)]
moderator = make_moderator()
essays = {}
for size in wanted["sizes"]:
    post = make_post(title=f"Essay with {size} comments")
    make_thread(post=post, count=size - size // 10, depth=5, authors=authors)
    make_thread(post=post, count=size // 10, depth=5, authors=waiting, status="pending")
    essays[size] = {
        "path": post.get_absolute_url(),
        "post": reverse("comments:create", args=[post.pk]),
    }
trusted = Group.objects.get_or_create(name="Trusted commenters")[0]
posters = {"trusted": [], "held": []}
for kind, members in posters.items():
    for _ in range(wanted["posters"]):
        member = make_user()
        if kind == "trusted":
            member.groups.add(trusted)
        members.append(session(member))
sessions = {
    "member": session(authors[0]),
    "member*": session(waiting[0]),
    "moderator": session(moderator),
    "anon uncached": "no-such-session",
}
try:  # what POST rows ask for a token; a BENCH_BEFORE revision may predate it (no POST rows)
    token_path = reverse("accounts:csrf_token")
except NoReverseMatch:
    token_path = ""
print(
    json.dumps(
        {"essays": essays, "sessions": sessions, "posters": posters, "token_path": token_path}
    )
)
