"""The essay form's writing tools in the admin: the body's live preview (and, below, images)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from blog.models import Post


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
