"""The Jinja2 environment for the one fragment written in Jinja2 (the comment card): autoescaped,
translated with Django's own gettext, so it reads the same catalogues as every other template."""

from django.utils import translation
from jinja2 import Environment

from comments.render import card_avatar


def environment(**options) -> Environment:
    # Always autoescaped, whatever the settings say: the card shows what members wrote.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    env.filters.update(card_avatar=card_avatar)
    return env
