"""Moderators' pages: the queue, the log, decisions, history, suspensions, redaction and
telling a member why. Each checks the permission on the server, on every request."""

from functools import wraps
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.views import safe_next_url
from comments import log, queue, services, suspensions
from comments.context_processors import remember_moderator
from comments.forms import (
    RedactForm,
    SuspensionForm,
)
from comments.models import CannedReason, Comment, is_moderator
from comments.tree import node_from_comment


def moderator_required(view):
    """Anonymous visitors are sent to log in; signed-in non-moderators get 403. Every request."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        moderates = is_moderator(request.user)
        remember_moderator(request, moderates)  # the header's queue link follows the permission
        if not moderates:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


@moderator_required
@require_GET
def moderation_queue(request):
    return render(request, "comments/moderation_queue.html", queue.queue_context(request))


@moderator_required
@require_GET
def moderation_log(request):
    """Every moderation event of the site, filtered and paged (read only)."""
    context, valid = log.log_context(request)
    status = HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST
    return render(request, "comments/moderation_log.html", context, status=status)


@moderator_required
@require_POST
def moderate(request):
    """One moderation action on one or more comments (the queue's and the essay page's buttons)."""
    fallback = reverse("comments:queue")
    outcome = queue.perform(request)
    for level, text in outcome:
        messages.add_message(request, level, text)
    return redirect(safe_next_url(request) or fallback)


@moderator_required
@require_GET
def comment_history(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post", "author"), pk=pk)
    # Evaluated here: templates run no queries.
    events = list(comment.events.select_related("actor"))
    revisions = list(comment.revisions.all())
    return render(
        request,
        "comments/comment_history.html",
        {"comment": comment, "events": events, "revisions": revisions},
    )


@moderator_required
@require_http_methods(["GET", "POST"])
def member_suspension(request, user_id):
    """A moderator suspends a member (with a reason, until a date or indefinitely) or lifts it."""
    from django.contrib.auth import get_user_model

    member = get_object_or_404(get_user_model(), pk=user_id)
    form = SuspensionForm(request.POST if request.POST.get("action") == "suspend" else None)
    error, status = "", HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        try:
            if request.POST.get("action") == "lift":
                suspensions.member_unsuspend(member=member, moderator=request.user)
                messages.success(request, _("The suspension is lifted."))
                return redirect(request.path)
            if form.is_valid():
                suspensions.member_suspend(
                    member=member, moderator=request.user, **form.cleaned_data
                )
                messages.success(request, _("The member is suspended."))
                return redirect(request.path)
        except suspensions.SuspensionRefused as refusal:
            error = refusal.message
    return render(
        request,
        "comments/member_suspension.html",
        {
            "member": member,
            "current": suspensions.active_suspension(member),
            "form": form,
            "error": error,
        },
        status=status,
    )


@moderator_required
@require_http_methods(["GET", "POST"])
def comment_redact(request, pk):
    """A moderator edits the text readers see, with a required reason."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    form = RedactForm(request.POST or None, initial={"body": comment.body})
    error, status = "", HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        if form.is_valid():
            try:
                services.comment_redact(
                    comment=comment, moderator=request.user, **form.cleaned_data
                )
            except services.CommentRefused as refusal:
                error = refusal.message
            else:
                messages.success(
                    request, _("The comment is edited; its original is in the history.")
                )
                return redirect(comment.get_absolute_url())
    return render(
        request,
        "comments/comment_redact.html",
        {"comment": comment, "post": comment.post, "form": form, "error": error},
        status=status,
    )


@moderator_required
@require_GET
def comment_decline(request, pk):
    """Reject or remove one comment telling its author why: a canned reason, own words or both.
    The form posts to the moderation action every other moderation button uses."""
    comment = get_object_or_404(Comment.objects.select_related("post", "author"), pk=pk)
    back = safe_next_url(request) or f"{comment.post.get_absolute_url()}#comment-{comment.pk}"
    return render(
        request,
        "comments/comment_decline.html",
        {
            "comment": comment,
            "node": node_from_comment(comment, viewer=request.user),
            "canned_reasons": list(CannedReason.objects.all()),
            "next": back,
        },
    )
