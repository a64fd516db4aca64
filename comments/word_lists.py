"""The moderation words, blocked words and link limit that moderators edit in the admin.

One row (a singleton): three values that are read together on every comment submitted, so
rows per word would buy nothing but a bigger read. Until a moderator first saves it there is
no row and the settings (COMMENTS_MODERATION_WORDS, COMMENTS_BLOCKED_WORDS, COMMENTS_MAX_LINKS)
apply; the admin's form starts from them. The values are cached with no expiry and the cache is
cleared when the row is saved, so posting a comment reads them without a query.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from comments.conf import setting

CACHE_KEY = "comments:word-lists"
# Cached when there is no row, so the settings are read live (and a test's override applies).
NO_ROW = "settings"


def words_from_text(text: str) -> list[str]:
    """One word or phrase a line, blank lines dropped, each kept once (case-insensitively)."""
    words, seen = [], set()
    for line in text.splitlines():
        word = " ".join(line.split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    return words


class ModerationSettings(models.Model):
    SINGLETON_ID = 1

    moderation_words = models.TextField(
        _("moderation words"),
        blank=True,
        help_text=_(
            "One word or phrase a line. A comment containing one (in any letter case, also "
            "inside a longer word) waits for a moderator."
        ),
    )
    blocked_words = models.TextField(
        _("blocked words"),
        blank=True,
        help_text=_(
            "One word or phrase a line. A comment containing one goes straight to spam, "
            "whoever wrote it."
        ),
    )
    max_links = models.PositiveSmallIntegerField(
        _("link limit"),
        help_text=_("A comment with more links than this waits for a moderator."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        app_label = "comments"
        verbose_name = _("word lists and link limit")
        verbose_name_plural = _("word lists and link limit")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="comments_moderation_settings_singleton"
            )
        ]

    def __str__(self):
        return str(_("Word lists and link limit"))

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID  # derived: there is only ever the one row
        super().save(*args, **kwargs)


@dataclass(frozen=True)
class WordLists:
    moderation_words: tuple[str, ...]
    blocked_words: tuple[str, ...]
    max_links: int


def default_word_lists() -> WordLists:
    return WordLists(
        moderation_words=tuple(setting("COMMENTS_MODERATION_WORDS")),
        blocked_words=tuple(setting("COMMENTS_BLOCKED_WORDS")),
        max_links=setting("COMMENTS_MAX_LINKS"),
    )


def current_word_lists() -> WordLists:
    """The values in force: the moderators' row if they saved one, else the settings."""
    cached = cache.get(CACHE_KEY)
    if cached is None:
        row = ModerationSettings.objects.filter(pk=ModerationSettings.SINGLETON_ID).first()
        cached = NO_ROW
        if row is not None:
            cached = WordLists(
                moderation_words=tuple(words_from_text(row.moderation_words)),
                blocked_words=tuple(words_from_text(row.blocked_words)),
                max_links=row.max_links,
            )
        cache.set(CACHE_KEY, cached, timeout=None)
    return default_word_lists() if cached == NO_ROW else cached


def moderation_settings_save(*, row: ModerationSettings) -> None:
    """Save the moderators' values; they apply to the next comment submitted."""
    row.moderation_words = "\n".join(words_from_text(row.moderation_words))
    row.blocked_words = "\n".join(words_from_text(row.blocked_words))
    row.save()
    # Cleared now for this process, and again after commit: another process that read the old
    # row before the commit may have cached it meanwhile.
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
