"""A registry of personal-data exporters and erasers, as WordPress core keeps for its plugins.

`accounts` is the ground floor and imports no other app; each app that stores personal data
registers its own functions when it is ready (in its AppConfig.ready()).

    exporter(user) -> dict   a JSON-serialisable section of the member's export
    eraser(user) -> None     remove or anonymise the member's data; runs inside the
                             account-deletion transaction, before the user row is deleted
"""

from collections.abc import Callable

_exporters: dict[str, Callable] = {}
_erasers: dict[str, Callable] = {}


def register_exporter(name: str, exporter: Callable) -> None:
    _exporters[name] = exporter


def register_eraser(name: str, eraser: Callable) -> None:
    _erasers[name] = eraser


def export_sections(user) -> dict:
    """Every registered app's export for this user, keyed by section name."""
    return {name: exporter(user) for name, exporter in sorted(_exporters.items())}


def run_erasers(user) -> None:
    """Let every registered app erase or anonymise what it keeps about this user."""
    for _name, eraser in sorted(_erasers.items()):
        eraser(user)
