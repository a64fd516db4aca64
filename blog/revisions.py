"""Essay revisions: the text of every save (django-simple-history keeps the rows), a word-by-word
comparison of a revision with the essay as it is, and restoring a revision's words.

Restoring brings back what editors write (title, summary, body, image description), never the
slug (links point to it) nor the publishing and comment settings (decisions, not text)."""

import re
from difflib import SequenceMatcher

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blog.models import Post
from blog.services import post_saved

RESTORED_FIELDS = ["title", "dek", "body", "featured_image_alt"]
# Runs of spaces, words, single punctuation marks: the units a reader sees change in prose.
TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def diff_words(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) runs from `old` to `new`, kind being "same", "removed" or "added"."""
    before, after = TOKEN.findall(old), TOKEN.findall(new)
    runs = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(after[j1:j2])))
    return runs


def changed_fields(revision, previous) -> list[str]:
    """The verbose names of what a revision changed from the one before it."""
    if previous is None:
        return []
    changed = set(revision.diff_against(previous).changed_fields)
    return [str(field.verbose_name) for field in Post._meta.fields if field.name in changed]


def post_restore(*, post: Post, revision, user) -> None:
    """Put a revision's words back into the essay (itself recorded as a new revision)."""
    for name in RESTORED_FIELDS:
        setattr(post, name, getattr(revision, name))
    post._history_user = user
    when = date_format(timezone.localtime(revision.history_date), "DATETIME_FORMAT")
    post._change_reason = _("Restored the version of %(when)s") % {"when": when}
    post.save()
    post_saved(post=post)  # readers see the restored words at once


def revision_list(request, model_admin, object_id):
    post = get_object_or_404(Post, pk=unquote(object_id))
    if not model_admin.has_view_or_change_permission(request, post):
        raise PermissionDenied
    revisions = list(post.history.select_related("history_user").order_by("-history_date"))
    rows = [
        {"revision": revision, "changed": changed_fields(revision, older)}
        for revision, older in zip(revisions, [*revisions[1:], None], strict=True)
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Post._meta,
        "object": post,
        "title": _("Revisions of “%(title)s”") % {"title": post.title},
        "rows": rows,
    }
    return TemplateResponse(request, "admin/blog/post/revision_list.html", context)


def revision_detail(request, model_admin, object_id, history_id):
    """A revision compared with the essay as it is; POST restores it."""
    post = get_object_or_404(Post, pk=unquote(object_id))
    revision = get_object_or_404(post.history.select_related("history_user"), pk=history_id)
    if not model_admin.has_view_or_change_permission(request, post):
        raise PermissionDenied
    if request.method == "POST":
        if not model_admin.has_change_permission(request, post):
            raise PermissionDenied
        post_restore(post=post, revision=revision, user=request.user)
        messages.success(request, _("The essay's text is back to this version."))
        return redirect("admin:blog_post_change", post.pk)
    comparisons = [
        {
            "label": Post._meta.get_field(name).verbose_name,
            "runs": diff_words(getattr(post, name), getattr(revision, name)),
            "changed": getattr(post, name) != getattr(revision, name),
        }
        for name in RESTORED_FIELDS
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Post._meta,
        "object": post,
        "revision": revision,
        "title": _("Version of %(when)s")
        % {"when": date_format(timezone.localtime(revision.history_date), "DATETIME_FORMAT")},
        "comparisons": comparisons,
        "identical": not any(c["changed"] for c in comparisons),
        "may_restore": model_admin.has_change_permission(request, post),
    }
    return TemplateResponse(request, "admin/blog/post/revision_detail.html", context)
