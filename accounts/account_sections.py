"""Sections other apps add to the member's account page, as personal_data registers their
exports: `accounts` is the ground floor and imports no other app, so each app that keeps a
member's settings registers a section when it is ready (in its AppConfig.ready()).

    section(request) -> dict | None   {"template": "<app>/_account_<name>.html", **context}
                                      (the template reads its context as `section.<key>`),
                                      or None to show nothing for this member
"""

from collections.abc import Callable

_sections: dict[str, Callable] = {}


def register_account_section(name: str, section: Callable) -> None:
    _sections[name] = section


def account_sections(request) -> list[dict]:
    """Every registered app's section for this member, by name, evaluated here (templates run
    no queries)."""
    found = (section(request) for _name, section in sorted(_sections.items()))
    return [shown for shown in found if shown]
