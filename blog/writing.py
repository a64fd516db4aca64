"""The essay form's writing tools in the admin: the body's live preview and picture uploads."""

from http import HTTPStatus

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.markup import plain_text
from accounts.models import Author, tidy_name
from accounts.photos import PhotoField
from blog.images import essay_image_upload
from blog.models import Post, Tag


class MarkdownEditor(forms.Textarea):
    """The body's textarea with a preview beside it, rendered by the page's own renderer."""

    template_name = "admin/blog/markdown_editor.html"
    source_format = Post.SourceFormat.MARKDOWN  # imported essays may be HTML (set by the form)

    class Media:
        css = {"all": ["css/admin_writing.css"]}
        js = ["js/admin_writing.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["preview_url"] = reverse("admin:blog_post_body_preview")
        context["image_upload_url"] = reverse("admin:blog_post_image_upload")
        context["source_format"] = self.source_format
        # render_body returns HTML sanitised by nh3, the same that the essay page shows.
        context["preview_html"] = mark_safe(body_html(value or "", self.source_format))  # noqa: S308
        return context


def body_html(body: str, source_format: str) -> str:
    """A body as the essay page shows it, through Post's own renderer."""
    if source_format not in Post.SourceFormat.values:
        source_format = Post.SourceFormat.MARKDOWN
    return Post(body=body, source_format=source_format).render_body()


def may_write(request) -> bool:
    return request.user.has_perm("blog.add_post") or request.user.has_perm("blog.change_post")


@require_POST
def body_preview(request):
    """The posted body as the essay page will show it (an HTML fragment)."""
    if not may_write(request):
        raise PermissionDenied
    html = body_html(request.POST.get("body", ""), request.POST.get("source_format", ""))
    return HttpResponse(html, content_type="text/html; charset=utf-8")


class EssayImageForm(forms.Form):
    # The featured image's checks: type, size, megapixels, at least 600 px, metadata removed.
    image = PhotoField(label=_("Image"), min_edge=600)
    alt = forms.CharField(
        label=_("Description"),
        max_length=250,
        error_messages={"required": _("Describe the image for readers who cannot see it.")},
    )

    def clean_alt(self):
        alt = tidy_name(self.cleaned_data["alt"])
        if not alt:
            raise forms.ValidationError(_("Describe the image for readers who cannot see it."))
        return alt


@require_POST
def image_upload(request):
    """Store a picture for the essay being written; answer with the Markdown that shows it."""
    if not may_write(request):
        raise PermissionDenied
    form = EssayImageForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=HTTPStatus.BAD_REQUEST)
    image = essay_image_upload(
        photo=form.cleaned_data["image"], alt=form.cleaned_data["alt"], user=request.user
    )
    return JsonResponse({"markdown": image.markdown()}, status=HTTPStatus.CREATED)


def _byline_from_form(data) -> list:
    """The authors of the byline rows an essay form posted, in their order, deleted rows out."""
    rows = []
    for index in range(min(int(data.get("bylines-TOTAL_FORMS") or 0), 50)):
        prefix = f"bylines-{index}-"
        author_id = data.get(prefix + "author", "")
        if author_id.isdigit() and not data.get(prefix + "DELETE"):
            position = data.get(prefix + "position", "")
            rows.append((int(position) if position.isdigit() else index, int(author_id)))
    authors = Author.objects.in_bulk([author_id for _, author_id in rows])
    return [authors[author_id] for _, author_id in sorted(rows) if author_id in authors]


@require_POST
def unsaved_preview(request):
    """The essay page as the posted form would make it, without saving anything."""
    if not may_write(request):
        raise PermissionDenied
    data = request.POST
    # An essay being changed keeps its stored featured image (a file input cannot be re-sent).
    saved_id = request.GET.get("post", "")
    saved = Post.objects.filter(pk=saved_id).first() if saved_id.isdigit() else None
    post = Post(
        pk=None,
        title=data.get("title", "").strip() or _("Untitled essay"),
        slug=data.get("slug", "").strip() or "preview",
        dek=data.get("dek", ""),
        body=data.get("body", ""),
        source_format=saved.source_format if saved else Post.SourceFormat.MARKDOWN,
        featured_image=saved.featured_image if saved else None,
        featured_image_alt=data.get("featured_image_alt", ""),
        featured_image_width=saved.featured_image_width if saved else None,
        featured_image_height=saved.featured_image_height if saved else None,
    )
    post.body_html = post.render_body()
    post.body_text = plain_text(post.body_html)
    post.word_count = len(post.body_text.split())
    tag_ids = [int(value) for value in data.getlist("tags") if value.isdigit()]
    post.tag_rows = list(Tag.objects.filter(pk__in=tag_ids).values("id", "name", "slug"))
    context = {
        "post": post,
        "byline_authors": _byline_from_form(data),
        "tags": post.tag_list,
        "is_preview": True,
        "unsaved": True,
    }
    return render(request, "blog/post_detail.html", context)
