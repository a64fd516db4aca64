import uuid
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.views import safe_next_url
from blog.models import Post
from comments import following, reporting, services
from comments.forms import (
    CommentForm,
    EditForm,
    MailChoiceForm,
    ReportForm,
)
from comments.models import Comment, EssayFollow, MailChoice
from comments.render import render_item
from comments.thread import page_of
from comments.tree import node_from_comment, node_just_posted


def wants_json(request) -> bool:
    # comments.js asks for JSON; a plain form post gets pages and redirects.
    return request.headers.get("Accept", "").startswith("application/json")


def _form_page(request, *, post, parent, form, status, message=""):
    return render(
        request,
        "comments/comment_form.html",
        {"post": post, "parent": parent, "form": form, "error": message},
        status=status,
    )


def _refused(request, *, post, parent, form, message, status):
    if wants_json(request):
        return JsonResponse({"message": message}, status=status)
    return _form_page(request, post=post, parent=parent, form=form, status=status, message=message)


def _parent_to_show(request, *, post, parent_id):
    """On a refused reply, show the comment replied to again, if the member may see it here."""
    if parent_id is None:
        return None
    visible = Comment.objects.visible_to(request.user).filter(post=post)
    parent = visible.select_related("author").filter(pk=parent_id).first()
    return node_from_comment(parent, viewer=request.user) if parent else None


def _essay_or_404(post_id):
    post = services.essay_to_post_on(post_id)
    if post is None:
        raise Http404
    return post


@require_POST
def comment_create(request, post_id):
    """Post a comment or a reply (the parent travels in the form)."""
    if not request.user.is_authenticated:
        post = _essay_or_404(post_id)
        if wants_json(request):
            return JsonResponse(
                {"message": _("Please log in to comment.")}, status=HTTPStatus.FORBIDDEN
            )
        return redirect_to_login(f"{post.get_absolute_url()}#respond")
    form = CommentForm(request.POST)
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _refused(
            request,
            post=_essay_or_404(post_id),
            parent=None,
            form=form,
            message=message,
            status=HTTPStatus.BAD_REQUEST,
        )
    data = form.cleaned_data
    try:
        # The essay and the parent go by their ids: the service reads them with its other
        # reads, in one round trip (a missing essay is still a 404, as on the refusals above).
        comment = services.comment_submit(
            post=post_id,
            author=request.user,
            body=data["body"],
            parent=data["parent"],
            token=data["token"],
            notify_on_approval=data["notify"],
        )
    except services.EssayNotFound:
        raise Http404 from None
    except services.CommentRefused as refusal:
        if wants_json(request):
            return JsonResponse({"message": refusal.message}, status=refusal.status)
        # The page shows the form again, under the essay's title and the comment replied to.
        post = _essay_or_404(post_id)
        return _form_page(
            request,
            post=post,
            parent=_parent_to_show(request, post=post, parent_id=data["parent"]),
            form=form,
            status=refusal.status,
            message=refusal.message,
        )
    if data["follow"]:
        following.essay_follow(member=request.user, post=comment.post)
    notice = (
        _("Your comment is published.")
        if comment.is_public()
        else _("Your comment is awaiting moderation. Only you can see it until it is approved.")
    )
    if wants_json(request):
        node = node_just_posted(comment, viewer=request.user)
        if comment.parent is not None:  # the row the service read, with its author
            node.parent_node = node_from_comment(comment.parent, viewer=request.user)
        html = render_item(node)
        return JsonResponse(
            {
                "id": comment.pk,
                "parent": comment.parent_id,
                "html": html,
                "url": comment.get_absolute_url(),
                "message": notice,
                "token": str(uuid.uuid4()),
            },
            status=HTTPStatus.CREATED,
        )
    messages.success(request, notice)
    return redirect(comment.get_absolute_url())


@require_GET
def comment_permalink(request, pk):
    """A comment's lasting address: the essay's page that holds its thread, at the comment."""
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user).select_related("post"), pk=pk
    )
    if not comment.post.is_published() and not request.user.is_staff:
        raise Http404
    page = page_of(comment, viewer=request.user)
    query = f"?comments={page}" if page > 1 else ""
    return redirect(f"{comment.post.get_absolute_url()}{query}#comment-{comment.pk}")


@require_GET
def comment_reply(request, pk):
    """The reply form as a page of its own: how Reply works without JavaScript."""
    parent = get_object_or_404(
        Comment.objects.visible_to(request.user).select_related("post", "author"), pk=pk
    )
    post = parent.post
    if not post.is_published():
        raise Http404
    form = CommentForm(initial={"parent": parent.pk, "token": uuid.uuid4()})
    return _form_page(
        request,
        post=post,
        parent=node_from_comment(parent, viewer=request.user),
        form=form,
        status=HTTPStatus.OK,
    )


@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    """An author corrects their own comment within the edit window."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if not comment.can_be_edited_by(request.user):
        raise PermissionDenied
    form = EditForm(request.POST or None, initial={"body": comment.body})
    error = ""
    status = HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                comment=comment, editor=request.user, body=form.cleaned_data["body"]
            )
        except services.CommentRefused as refusal:
            error, status = refusal.message, refusal.status
        else:
            messages.success(request, _("Your comment is updated."))
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "comments/comment_edit.html",
        {"comment": comment, "post": comment.post, "form": form, "error": error},
        status=status,
    )


@require_POST
def comment_withdraw(request, pk):
    """An author deletes their own comment (at any time)."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    try:
        services.comment_withdraw(comment=comment, author=request.user)
    except services.CommentRefused as refusal:
        raise PermissionDenied(refusal.message) from refusal
    messages.success(request, _("Your comment is deleted."))
    return redirect(safe_next_url(request) or f"{comment.post.get_absolute_url()}#comments")


@login_required
@require_GET
def my_comments(request):
    """A member's own comments, with their status and a way to delete each."""
    page = Paginator(Comment.objects.written_by(request.user), 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.is_deletable = row.can_be_deleted_by(request.user)
    return render(request, "comments/my_comments.html", {"page": page, "rows": rows})


@require_http_methods(["GET", "POST"])
def comment_report(request, pk):
    """A member reports a published comment to the moderators."""
    comment = get_object_or_404(
        Comment.objects.public()
        .select_related("post", "author")
        .filter(post__in=Post.objects.published()),
        pk=pk,
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ReportForm(request.POST or None)
    error, status = "", HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        if form.is_valid():
            try:
                reporting.comment_report(
                    comment=comment, reporter=request.user, **form.cleaned_data
                )
            except services.CommentRefused as refusal:
                error, status = refusal.message, refusal.status
            else:
                messages.success(request, _("Thanks — a moderator will look at it."))
                return redirect(comment.get_absolute_url())
    return render(
        request,
        "comments/comment_report.html",
        {
            "comment": comment,
            "node": node_from_comment(comment, viewer=request.user),
            "post": comment.post,
            "form": form,
            "error": error,
        },
        status=status,
    )


@require_POST
def essay_follow(request, post_id):
    """Follow or stop following an essay's comments (the button above the thread)."""
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    back = f"{post.get_absolute_url()}#comments"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if request.POST.get("action") == "unfollow":
        following.essay_unfollow(member=request.user, post=post)
        messages.success(request, _("You will get no more mail about comments on this essay."))
    else:
        following.essay_follow(member=request.user, post=post)
        messages.success(request, _("You will get an e-mail when someone comments here."))
    return redirect(back)


@csrf_exempt  # mail programs post here (RFC 8058); the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe from a mail, without signing in. GET only asks (link scanners
    follow links); POST, from the page or the mail program, does it."""
    from django.contrib.auth import get_user_model

    try:
        member_id, topic = following.read_unsubscribe_token(token)
        member = get_user_model().objects.filter(pk=member_id, is_active=True).first()
        if member is None:
            raise following.BadUnsubscribeLink(_("This unsubscribe link is not valid."))
        done = following.unsubscribe(member=member, topic=topic) if request.method == "POST" else ""
    except following.BadUnsubscribeLink as bad:
        return render(
            request,
            "comments/unsubscribe.html",
            {"error": bad.message},
            status=HTTPStatus.BAD_REQUEST,
        )
    return render(request, "comments/unsubscribe.html", {"done": done})


@login_required
@require_http_methods(["GET", "POST"])
def mail_settings(request):
    """Every comment mail a member gets, and how often: changed here (and from the same form on
    the account page, which comes back there)."""
    form = MailChoiceForm(request.POST or None, instance=MailChoice.of(request.user))
    if request.method == "POST":
        unfollow = request.POST.get("unfollow", "")
        if unfollow.isascii() and unfollow.isdigit():
            following.essay_unfollow(member=request.user, post=int(unfollow))
            messages.success(request, _("You no longer follow that essay."))
            return redirect("my_comments:mail")
        if form.is_valid():
            following.mail_choice_update(member=request.user, **form.cleaned_data)
            messages.success(request, _("Your mail choices are saved."))
            return redirect(safe_next_url(request) or "my_comments:mail")
    follows = list(
        EssayFollow.objects.filter(member=request.user)
        .select_related("post")
        .order_by("-created_at")
    )
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(
        request, "comments/mail_settings.html", {"form": form, "follows": follows}, status=status
    )
