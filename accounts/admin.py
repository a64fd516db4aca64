from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.sites.models import Site
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.authors import author_delete, author_photo_changed, author_saved
from accounts.models import Author, User
from accounts.photos import PhotoField
from accounts.services import user_delete


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "email", "is_staff", "date_joined")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Public profile"),
            {
                "fields": (
                    "display_name",
                    "display_name_chosen",
                    "avatar_shown",
                    "provider_picture_url",
                )
            },
        ),
    )
    readonly_fields = ("avatar_shown", "provider_picture_url")

    class Media:
        css = {"all": ["css/avatars.css"]}

    def delete_model(self, request, obj):
        # The same erasure as a member's own "delete my account": every app's data, the stored
        # picture's files, the cached pages that show them.
        user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            user_delete(user=user)

    @admin.display(description=_("avatar"))
    def avatar_shown(self, user):
        """The avatar as pages show it (the stored copy, never the provider's)."""
        context = {"avatar": user.avatar, "size": 96, "extra_class": "avatar--large"}
        return render_to_string("accounts/_avatar.html", context)

    # Staff are created here: ask at once for the name the public will see beside their replies.
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Public profile"),
            {"classes": ("wide",), "fields": ("display_name", "first_name", "last_name")},
        ),
    )


# Provider credentials come from the environment (see README), and tokens are never stored: the
# admin pages for them would only invite rows that conflict with the settings.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)


def for_superusers_only(model) -> None:
    """Keep a library's admin (allauth's, the Sites framework's) off other staff's admin index."""
    base = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)

    class SuperusersOnly(base):
        def has_module_permission(self, request):
            return request.user.is_superuser

    admin.site.register(model, SuperusersOnly)


# Editors and moderators never use these; the index shows them only what they work with.
for _model in (EmailAddress, SocialAccount, Site):
    for_superusers_only(_model)


class AuthorForm(forms.ModelForm):
    photo = PhotoField(
        label=_("Photo"), required=False, help_text=Author._meta.get_field("photo").help_text
    )

    class Meta:
        model = Author
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose and order them)
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 6}),
            "social_links": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The square renditions pages show, so editors see the crop readers get.
        shown = [
            (_("In bylines"), self.instance.byline_photo),
            (_("Under essays"), self.instance.bio_photo),
        ]
        self.fields["photo"].widget.renditions = [
            {"label": label, **photo} for label, photo in shown if photo
        ]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorForm
    list_display = ["thumbnail", "name", "credentials", "job_title", "organisation", "essay_count"]
    list_display_links = ["thumbnail", "name"]
    search_fields = ["name", "organisation", "job_title"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "job_title", "organisation"]}),
        (_("Bio"), {"fields": ["bio", "photo", "website", "social_links"]}),
        (_("Account"), {"fields": ["user"]}),
    ]

    class Media:
        # The thumbnail's round crop: a stylesheet, as the CSP refuses style="" attributes.
        css = {"all": ["css/admin.css"]}
        js = ["js/admin_labels.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(essays=Count("posts")).order_by("name")

    @admin.display(description=_("photo"))
    def thumbnail(self, author):
        photo = author.byline_photo
        if photo is None:
            return "—"
        return format_html(
            '<img class="author-thumbnail" src="{}" width="{}" height="{}" alt="">',
            photo["src"],
            photo["width"],
            photo["height"],
        )

    @admin.display(description=_("essays"), ordering="essays")
    def essay_count(self, author):
        return author.essays

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        author_saved(author=obj)
        if "photo" in form.changed_data:
            old_photo = form.initial.get("photo")
            author_photo_changed(author=obj, old_photo=old_photo.name if old_photo else "")

    def delete_model(self, request, obj):
        author_delete(author=obj)

    def delete_queryset(self, request, queryset):
        for author in queryset:
            author_delete(author=author)
