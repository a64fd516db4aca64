"""The moderation queue: what it lists, and the actions its buttons (and the essay page's
inline buttons) perform through the services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blog.models import Post
from comments import reporting, services
from comments.forms import ModerationForm
from comments.models import CannedReason, Comment, CommentReport
from comments.tree import node_from_comment

PER_PAGE = 50
DECISIONS = {
    "approve": (services.comment_approve, "approved"),
    "approve_reply": (services.comment_approve, "approved"),
    "reject": (services.comment_reject, "rejected"),
    "spam": (services.comment_mark_spam, "spam"),
    "remove": (services.comment_remove, "removed"),
    "dismiss": (reporting.comment_reports_dismiss, "dismissed"),
}
REPORTED = "reported"  # the queue's tab of comments members reported, beside the statuses
DONE = {
    "approved": lambda n: ngettext("Approved %d comment.", "Approved %d comments.", n),
    "rejected": lambda n: ngettext("Rejected %d comment.", "Rejected %d comments.", n),
    "spam": lambda n: ngettext("Marked %d comment as spam.", "Marked %d comments as spam.", n),
    "removed": lambda n: ngettext("Removed %d comment.", "Removed %d comments.", n),
    "dismissed": lambda n: ngettext(
        "Dismissed the reports on %d comment.", "Dismissed the reports on %d comments.", n
    ),
}


def queue_context(request) -> dict:
    statuses = Comment.Status
    status = request.GET.get("status") or statuses.PENDING
    if status not in (*statuses.values, REPORTED):
        status = statuses.PENDING
    comments = Comment.objects.all()
    post_id = request.GET.get("post") or ""
    chosen_post = None
    # str.isdigit() alone accepts "²" and other digits int() refuses; junk means no filter.
    if post_id.isascii() and post_id.isdigit():
        chosen_post = Post.objects.filter(pk=post_id).only("pk", "title").first()
        if chosen_post is not None:
            comments = comments.filter(post=chosen_post)
    counts = dict(comments.values_list("status").annotate(n=Count("pk")).order_by())
    reported = comments.filter(reports__resolved_at__isnull=True).distinct()
    if status == REPORTED:
        listed = reported.annotate(
            report_count=Count("reports", filter=Q(reports__resolved_at__isnull=True))
        ).order_by("-report_count", "created_at", "id")
    else:
        ordering = ["created_at", "id"] if status == statuses.PENDING else ["-created_at", "-id"]
        listed = comments.filter(status=status).order_by(*ordering)
    listed = listed.select_related("post", "author", "parent__author")
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    history = {
        row["author_id"]: row
        for row in Comment.objects.filter(author_id__in={c.author_id for c in rows if c.author_id})
        .values("author_id")
        .annotate(
            approved=Count("pk", filter=Q(status=statuses.APPROVED)),
            rejected=Count("pk", filter=Q(status__in=[statuses.REJECTED, statuses.SPAM])),
        )
        .order_by()
    }
    reasons = _open_report_reasons(rows) if status == REPORTED else {}
    for row in rows:
        row.node = node_from_comment(row, viewer=request.user)
        row.report_reasons = reasons.get(row.pk, [])
        row.history = history.get(row.author_id, {"approved": 0, "rejected": 0})
    return {
        "status": status,
        "statuses": [
            *((value, label, counts.get(value, 0)) for value, label in statuses.choices),
            (REPORTED, _("Reported"), reported.count()),
        ],
        "reported_tab": status == REPORTED,
        "chosen_post": chosen_post,
        "posts": list(
            Post.objects.filter(pk__in=Comment.objects.values("post_id")).only("pk", "title")
        ),
        "page": page,
        "rows": rows,
        "actions": ModerationForm.ACTIONS,
        "canned_reasons": list(CannedReason.objects.all()),
    }


def _open_report_reasons(rows) -> dict[int, list[tuple[str, int, list[str]]]]:
    """Per comment: each reason members gave, how many gave it, and their details."""
    found = {}
    for report in CommentReport.objects.open().filter(comment__in=rows).order_by("reason", "id"):
        by_reason = found.setdefault(report.comment_id, {})
        label = str(report.get_reason_display())
        count, details = by_reason.get(label, (0, []))
        by_reason[label] = (count + 1, [*details, report.text] if report.text else details)
    return {
        pk: [(label, count, details) for label, (count, details) in by_reason.items()]
        for pk, by_reason in found.items()
    }


def perform(request) -> list[tuple[int, str]]:
    """Run one moderation action; return the messages to show. Repeating it changes nothing."""
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return [(messages.ERROR, error) for errors in form.errors.values() for error in errors]
    action = form.cleaned_data["action"]
    decide, outcome = DECISIONS[action]
    reason, canned_reason = form.cleaned_data["reason"], form.cleaned_data["canned_reason"]
    changed = 0
    selected = list(form.cleaned_data["comments"].select_related("post"))
    for comment in selected:
        changed += decide(
            comment=comment, moderator=request.user, reason=reason, canned_reason=canned_reason
        )
    notes = [(messages.SUCCESS, DONE[outcome](changed) % changed)]
    unchanged = len(selected) - changed
    if unchanged:
        notes.append(
            (
                messages.INFO,
                ngettext(
                    "%d comment already had that status.",
                    "%d comments already had that status.",
                    unchanged,
                )
                % unchanged,
            )
        )
    if action == "approve_reply":
        (parent,) = selected
        try:
            services.comment_submit(
                post=parent.post,
                author=request.user,
                body=form.cleaned_data["reply"],
                parent=parent,
            )
        except services.CommentRefused as refusal:
            notes.append((messages.ERROR, _("The reply was not posted: %s") % refusal.message))
        else:
            notes.append((messages.SUCCESS, _("Your reply is published.")))
    return notes
