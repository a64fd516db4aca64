"""The moderation log: every ModerationEvent of the site, newest first, for moderators, filtered
by moderator, action, member and essay. Read only: nothing here writes."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from comments.models import Comment, ModerationEvent, moderators

PER_PAGE = 50


class LogFilterForm(forms.Form):
    """The log's filters, from the query string. Unknown values are errors, never ignored: a
    moderator should not read an unfiltered log believing it filtered."""

    moderator = forms.ModelChoiceField(
        queryset=moderators().order_by("display_name", "username"),
        required=False,
        label=_("Moderator"),
        empty_label=_("Anyone"),
        error_messages={"invalid_choice": _("There is no such moderator.")},
    )
    action = forms.ChoiceField(
        choices=[("", _("Any action")), *ModerationEvent.Action.choices],
        required=False,
        label=_("Action"),
        error_messages={"invalid_choice": _("There is no such action.")},
    )
    member = forms.ModelChoiceField(
        queryset=get_user_model().objects.all(),
        required=False,
        label=_("Member"),
        widget=forms.HiddenInput,  # a member is picked by following a name in the log
        error_messages={"invalid_choice": _("There is no such member.")},
    )
    essay = forms.ModelChoiceField(
        queryset=Post.objects.filter(pk__in=Comment.objects.values("post_id")).only("pk", "title"),
        required=False,
        label=_("Essay"),
        empty_label=_("All essays"),
        error_messages={"invalid_choice": _("There is no such essay with comments.")},
    )

    def events(self):
        """The events the valid filters select, with everything a row shows, newest first."""
        chosen = self.cleaned_data
        events = ModerationEvent.objects.select_related(
            "actor", "member", "canned_reason", "comment__author", "comment__post"
        ).order_by("-created_at", "-id")
        if chosen["moderator"]:
            events = events.filter(actor=chosen["moderator"])
        if chosen["action"]:
            events = events.filter(action=chosen["action"])
        if chosen["member"]:
            events = events.filter(Q(comment__author=chosen["member"]) | Q(member=chosen["member"]))
        if chosen["essay"]:
            events = events.filter(comment__post=chosen["essay"])
        return events


def log_context(request) -> tuple[dict, bool]:
    """What the log page shows, and whether its filters were valid."""
    form = LogFilterForm(request.GET)
    valid = form.is_valid()
    page = Paginator(form.events() if valid else ModerationEvent.objects.none(), PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return {
        "form": form,
        "page": page,
        "events": list(page.object_list),  # evaluated here: templates run no queries
        "chosen_member": form.cleaned_data.get("member") if valid else None,
        "filters": filters.urlencode(),
    }, valid
