"""Names that imitate someone the readers trust: a staff member, a moderator, an essay's author.

Two names are the same here when they are after Unicode compatibility folding (NFKC: full-width
and styled letters become plain ones), case folding, and dropping everything that is not a letter
or a digit (spaces, dots, hyphens, joiners). It catches "M.O. Derator" and "Ｍｏ Ｄｅｒａｔｏｒ" for
"Mo Derator"; look-alike letters of other scripts (a Cyrillic "о") would need the Unicode
confusables table, which no dependency of Lectern provides.
"""

import unicodedata
from collections.abc import Callable

from django.db.models import Q, QuerySet

from accounts.models import Author, User

# Whom else readers trust, as each app that decides it registers them (comments: its moderators,
# by its one rule), as personal_data registers exporters: accounts imports no other app.
_trusted_people: dict[str, Callable[[], QuerySet]] = {}


def register_trusted_people(name: str, people: Callable[[], QuerySet]) -> None:
    """`people()` gives the users an app puts in charge of something readers rely on."""
    _trusted_people[name] = people


def name_key(name: str) -> str:
    """What a name reads as, for comparing: folded, lower-cased, letters and digits only."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return "".join(ch for ch in folded if ch.isalnum())


def protected_names(*, member: User | None = None) -> list[str]:
    """Public names of staff, registered trusted people (moderators) and authors, the member's
    own left out."""
    trusted = Q(is_staff=True) | Q(is_superuser=True)
    for registered in _trusted_people.values():
        trusted |= Q(pk__in=registered().values("pk"))
    people = User.objects.filter(trusted)
    authors = Author.objects.all()
    if member is not None and member.pk:
        people = people.exclude(pk=member.pk)
        authors = authors.exclude(user=member)
    names = [person.get_display_name() for person in people.only(*DISPLAY_FIELDS)]
    return names + list(authors.values_list("name", flat=True))


DISPLAY_FIELDS = ["display_name", "first_name", "last_name", "username", "is_staff"]


def imitated_name(name: str, *, member: User | None = None) -> str | None:
    """The staff member's, moderator's or author's name that `name` reads as, if any."""
    key = name_key(name)
    if not key:
        return None
    return next((other for other in protected_names(member=member) if name_key(other) == key), None)
