from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.helpers import ActionForm
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments import services, suspensions
from comments.forms import ModerationForm
from comments.models import CannedReason, Comment, ModerationEvent, Suspension
from comments.word_lists import ModerationSettings, default_word_lists, moderation_settings_save


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "action",
        "from_status",
        "to_status",
        "actor",
        "reason",
        "member_notice",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    """The reason a moderator gives (the member reads it on reject or remove), checked as the
    queue checks it."""

    canned_reason = ModerationForm.base_fields["canned_reason"]
    reason = ModerationForm.base_fields["reason"]


class ModerationActionForm(ActionForm):
    """The admin's action bar with the reason fields. They accept anything here, so that a bad
    reason reaches the action and its clear message (ReasonForm), not Django's "No action
    selected"."""

    canned_reason = forms.ChoiceField(required=False, label=_("Canned reason"))
    reason = forms.CharField(
        required=False, label=_("Reason"), widget=forms.TextInput(attrs={"maxlength": 500})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canned_reason"].choices = [
            ("", _("No canned reason")),
            *CannedReason.objects.values_list("pk", "label"),
        ]
        self.fields["canned_reason"].validators = []
        self.fields["canned_reason"].valid_value = lambda value: True


def _reason_given(request) -> ReasonForm:
    # The change form's action bar names its fields with a prefix, the list's without.
    prefix = ActionLocation.CHANGE_FORM.value
    has_prefix = any(key.startswith(f"{prefix}-") for key in request.POST)
    return ReasonForm(request.POST, prefix=prefix if has_prefix else None)


def _moderation_action(service, description, verb):
    # Offered on the list (bulk) and on each comment's own page, both through the service.
    @admin.action(
        permissions=["moderate"],
        description=description,
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def action(modeladmin, request, queryset):
        given = _reason_given(request)
        if not given.is_valid():
            for field in ("canned_reason", "reason"):
                for error in given.errors.get(field, []):
                    modeladmin.message_user(request, error, messages.ERROR)
            return None
        changed = sum(
            service(
                comment=comment,
                moderator=request.user,
                reason=given.cleaned_data["reason"],
                canned_reason=given.cleaned_data["canned_reason"],
            )
            for comment in queryset.select_related("post")
        )
        modeladmin.message_user(
            request,
            ngettext("%(n)d comment %(verb)s.", "%(n)d comments %(verb)s.", changed)
            % {"n": changed, "verb": verb},
            messages.SUCCESS,
        )

    action.__name__ = service.__name__
    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "essay", "author", "status", "created_at", "moderation_reason"]
    list_filter = ["status", "created_at"]
    list_select_related = ["post", "author"]
    search_fields = ["body", "author__display_name", "author__username", "guest_name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["post", "author", "parent"]
    readonly_fields = [
        "post",
        "author",
        "guest_name",
        "parent",
        "body",
        "status",
        "moderation_reason",
        "created_at",
        "edited_at",
    ]
    fields = readonly_fields
    inlines = [ModerationEventInline]
    action_form = ModerationActionForm
    actions = [
        _moderation_action(services.comment_approve, _("Approve"), _("approved")),
        _moderation_action(services.comment_reject, _("Reject"), _("rejected")),
        _moderation_action(services.comment_mark_spam, _("Mark as spam"), _("marked as spam")),
        _moderation_action(services.comment_remove, _("Remove"), _("removed")),
    ]

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description=_("essay"), ordering="post__title")
    def essay(self, comment):
        return comment.post.title

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    # Comments are written on the site and decided through the actions above: no second way.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuspensionAdminForm(forms.ModelForm):
    class Meta:
        model = Suspension
        fields = ["member", "reason", "ends_at"]

    def clean_ends_at(self):
        ends_at = self.cleaned_data["ends_at"]
        if ends_at is not None and ends_at <= timezone.now():
            raise forms.ValidationError(_("The end of a suspension must be in the future."))
        return ends_at


@admin.action(permissions=["moderate"], description=_("Lift the suspension"))
def lift_suspensions(modeladmin, request, queryset):
    for suspension in queryset.select_related("member"):
        suspensions.member_unsuspend(member=suspension.member, moderator=request.user)


class ForModerators:
    """An admin page that moderators see and add to, whatever their model permissions."""

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_module_permission(self, request):
        return self.has_moderate_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.has_moderate_permission(request)

    def has_add_permission(self, request):
        return self.has_moderate_permission(request)


@admin.register(Suspension)
class SuspensionAdmin(ForModerators, admin.ModelAdmin):
    """Suspensions are made through the same service as the moderation pages (and logged)."""

    form = SuspensionAdminForm
    list_display = ["member", "reason", "created_at", "ends_at", "lifted_at", "created_by"]
    list_select_related = ["member", "created_by"]
    raw_id_fields = ["member"]
    actions = [lift_suspensions]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        made = suspensions.member_suspend(
            member=obj.member, moderator=request.user, reason=obj.reason, ends_at=obj.ends_at
        )
        obj.pk = made.pk


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    """The one row of word lists: the list page opens it (or, before the first save, the form
    filled with the settings' values)."""

    fields = ["moderation_words", "blocked_words", "max_links"]

    def changelist_view(self, request, extra_context=None):
        if ModerationSettings.objects.filter(pk=ModerationSettings.SINGLETON_ID).exists():
            return redirect(
                "admin:comments_moderationsettings_change", ModerationSettings.SINGLETON_ID
            )
        return redirect("admin:comments_moderationsettings_add")

    def get_changeform_initial_data(self, request):
        defaults = default_word_lists()
        return {
            "moderation_words": "\n".join(defaults.moderation_words),
            "blocked_words": "\n".join(defaults.blocked_words),
            "max_links": defaults.max_links,
        }

    def has_add_permission(self, request):
        exists = ModerationSettings.objects.filter(pk=ModerationSettings.SINGLETON_ID).exists()
        return super().has_add_permission(request) and not exists

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would silently bring back the settings' values

    def save_model(self, request, obj, form, change):
        moderation_settings_save(row=obj)


@admin.register(CannedReason)
class CannedReasonAdmin(ForModerators, admin.ModelAdmin):
    """The reasons moderators pick from when they reject or remove a comment; moderators edit
    them (what members were already told is kept on each decision, unchanged)."""

    list_display = ["label", "text", "position"]
    list_editable = ["position"]
    search_fields = ["label", "text"]

    def has_change_permission(self, request, obj=None):
        return self.has_moderate_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_moderate_permission(request)
