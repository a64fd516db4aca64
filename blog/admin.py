from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.photos import PhotoField
from blog import revisions
from blog.models import Post, PostAuthor, Redirect, SitePage, Tag
from blog.services import (
    post_delete,
    post_featured_image_changed,
    post_publish,
    post_saved,
    post_slug_changed,
    post_unpublish,
    tag_delete,
    tag_saved,
)
from blog.writing import MarkdownEditor, body_preview, image_upload, unsaved_preview


class PostAuthorInline(admin.TabularInline):
    model = PostAuthor
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    # One row for a new essay (min_num), none spare: "Add another author" adds rows as needed.
    extra = 0
    min_num = 1
    verbose_name = _("author")
    verbose_name_plural = _("byline (authors in order; “Move up” and “Move down” reorder them)")

    def get_formset(self, request, obj=None, **kwargs):
        # The admin passes min_num but not validate_min: an essay needs at least one author.
        formset = super().get_formset(request, obj, validate_min=True, **kwargs)
        # The order is kept by admin_essay_form.js from the rows' order, not typed in.
        formset.form.base_fields["position"].widget = forms.HiddenInput()
        formset.form.base_fields["author"].widget.attrs["aria-label"] = _("Author")
        return formset


class PostForm(forms.ModelForm):
    # Checked and re-encoded like author photos: no camera or GPS data reaches readers.
    featured_image = PhotoField(
        label=_("Featured image"),
        required=False,
        min_edge=600,
        help_text=Post._meta.get_field("featured_image").help_text,
    )

    class Meta:
        model = Post
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose and order them)
        widgets = {
            "dek": forms.Textarea(attrs={"rows": 3}),
            # Checkboxes: each tag labelled, no script needed (select2's tag box is not).
            "tags": forms.CheckboxSelectMultiple,
            "body": MarkdownEditor(attrs={"rows": 28}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.source_format = self.instance.source_format
        image = self.instance.featured_image
        if image and self.instance.featured_image_width:
            width, height = self.instance.featured_image_width, self.instance.featured_image_height
            label = _("As readers get it (%(width)d × %(height)d pixels)") % {
                "width": width,
                "height": height,
            }
            shown = min(width, 320)  # a thumbnail's size on the form; the file is the original
            self.fields["featured_image"].widget.renditions = [
                {
                    "label": label,
                    "src": image.url,
                    "width": shown,
                    "height": height * shown // width,
                }
            ]

    def clean(self):
        data = super().clean()
        if data.get("featured_image") and not data.get("featured_image_alt", "").strip():
            self.add_error(
                "featured_image_alt",
                _("Describe the featured image for readers who cannot see it."),
            )
        if (
            data.get("comment_mode") == Post.CommentMode.AUTO_CLOSE
            and data.get("comments_close_after_days") == 0
        ):
            self.add_error(
                "comments_close_after_days",
                _("Give at least one day, or choose “Closed” instead."),
            )
        return data


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", _("Draft")), ("scheduled", _("Scheduled")), ("live", _("Published"))]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.filter(status=Post.Status.DRAFT)
            case "scheduled":
                return queryset.scheduled()
            case "live":
                return queryset.published()
        return queryset


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostForm
    inlines = [PostAuthorInline]
    list_display = ["title", "state", "published_at", "byline", "comment_count", "word_count"]
    list_filter = [StateFilter, "comment_mode", "tags", "authors"]
    search_fields = ["title", "dek", "authors__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    # The source format is shown, not chosen: an imported essay stays HTML, a new one Markdown.
    readonly_fields = ["source_format", "word_count", "comment_count", "updated_at"]
    actions = ["publish_selected", "unpublish_selected"]
    list_per_page = 50

    class Media:
        js = ["js/admin_essay_form.js", "js/admin_labels.js"]
        css = {"all": ["css/admin_writing.css"]}

    # In the order editors work; the byline inline is placed after the first fieldset by
    # templates/admin/blog/post/change_form.html.
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek"]}),
        (_("Text"), {"fields": ["source_format", "body", "tags"]}),
        (_("Featured image"), {"fields": ["featured_image", "featured_image_alt"]}),
        (_("Publishing"), {"fields": ["status", "published_at"]}),
        (_("Comments"), {"fields": ["comment_mode", "comments_close_after_days"]}),
        (_("Figures"), {"fields": ["word_count", "comment_count", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_bylines()

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("body-preview/", view(body_preview), name="blog_post_body_preview"),
            path("images/", view(image_upload), name="blog_post_image_upload"),
            path("preview/", view(unsaved_preview), name="blog_post_unsaved_preview"),
            path(
                "<path:object_id>/history/<int:history_id>/",
                view(self.revision_view),
                name="blog_post_revision",
            ),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj else fieldsets[:-1]  # no figures for an essay not yet saved

    @admin.display(description=_("state"))
    def state(self, post):
        return post.state_label()

    @admin.display(description=_("authors"))
    def byline(self, post):
        return ", ".join(author.name for author in post.byline_authors)

    def history_view(self, request, object_id, extra_context=None):
        # The essay's revisions (blog.revisions) rather than the admin's log of edits.
        return revisions.revision_list(request, self, object_id)

    def revision_view(self, request, object_id, history_id):
        return revisions.revision_detail(request, self, object_id, history_id)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data and form.initial.get("slug"):
            post_slug_changed(post=obj, old_slug=form.initial["slug"])
        post_saved(post=obj)
        if "featured_image" in form.changed_data and (old := form.initial.get("featured_image")):
            post_featured_image_changed(old_image=old.name)

    def delete_model(self, request, obj):
        post_delete(post=obj)

    def delete_queryset(self, request, queryset):
        for post in queryset:
            post_delete(post=post)

    def view_on_site(self, post):
        # Staff see what is not public yet at its preview address; the public one would 404.
        return post.get_absolute_url() if post.is_published() else post.get_preview_url()

    @admin.action(description=_("Publish the selected essays"), permissions=["change"])
    def publish_selected(self, request, queryset):
        posts = list(queryset)
        for post in posts:
            post_publish(post=post)
        scheduled = sum(post.is_scheduled() for post in posts)
        message = ngettext("Published %(n)d essay.", "Published %(n)d essays.", len(posts)) % {
            "n": len(posts)
        }
        if scheduled:
            message += " " + _("%(s)d of them will go public at their later dates.") % {
                "s": scheduled
            }
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(
        description=_("Unpublish the selected essays (back to draft)"), permissions=["change"]
    )
    def unpublish_selected(self, request, queryset):
        posts = list(queryset)
        for post in posts:
            post_unpublish(post=post)
        self.message_user(
            request,
            ngettext("%(n)d essay is a draft again.", "%(n)d essays are drafts again.", len(posts))
            % {"n": len(posts)},
            messages.SUCCESS,
        )


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "essay_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(essays=Count("posts")).order_by("name")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tag_saved(tag=obj)

    def delete_model(self, request, obj):
        tag_delete(tag=obj)

    def delete_queryset(self, request, queryset):
        for tag in queryset:
            tag_delete(tag=tag)

    @admin.display(description=_("essays"), ordering="essays")
    def essay_count(self, tag):
        return tag.essays


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_address", "source"]
    list_filter = ["source"]
    search_fields = ["old_path", "target_path", "post__title"]
    autocomplete_fields = ["post"]
    fields = ["old_path", "post", "target_path", "fragment", "source"]
    list_select_related = ["post"]

    @admin.display(description=_("now at"))
    def new_address(self, redirect):
        return redirect.location() or _("gone (410)")


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    fields = ["slug", "title", "body"]
    view_on_site = True
