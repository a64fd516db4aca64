import functools

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from comments.conf import setting
from comments.models import CannedReason, Comment, CommentReport, MailChoice

# What a comment form may send. Anything else (status, author, essay, dates…) is a forgery.
ACCEPTED_FIELDS = frozenset({"csrfmiddlewaretoken", "body", "parent", "token", "notify", "follow"})


def _attrs_markup(attrs) -> str:
    # What django/forms/widgets/attrs.html writes: True as a bare name, False left out.
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs
            if value is not False
        ),
    )


def _markup(template_name: str, input_type: str, name: str, value, attrs) -> str:
    attrs = _attrs_markup(attrs)
    if template_name == "django/forms/widgets/textarea.html":
        return format_html('<textarea name="{}"{}>\n{}</textarea>', name, attrs, value or "")
    value = "" if value is None else format_html(' value="{}"', value)
    return format_html('<input type="{}" name="{}"{}{}>', input_type, name, value, attrs)


@functools.lru_cache(maxsize=64)
def _empty_markup(template_name: str, input_type: str, name: str, typed_attrs: tuple) -> str:
    return _markup(template_name, input_type, name, None, [(n, v) for n, _t, v in typed_attrs])


class _WithoutTemplates:
    """A widget whose markup is written in Python, character for character what Django's own
    input.html / textarea.html templates write (same context from get_context, so the same ids,
    aria attributes, checked state and escaping), for a fraction of the cost: the essay page
    shows this form on every request and those templates cost milliseconds there."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        input_type, name, value = widget.get("type", ""), widget["name"], widget["value"]
        attrs = tuple(widget["attrs"].items())
        # A field left empty with attributes of plain values (the form's own: rows, maxlength,
        # required, id, aria-*; nothing a member typed) reads the same on every page: its markup
        # is made once per process. Types go in the key too: True == 1, but `required` and
        # `rows="1"` differ. Anything else (a value, a placeholder translated per language) is
        # written each time.
        if (
            value is None
            and type(name) is str
            and all(type(v) in (str, int, bool) and type(n) is str for n, v in attrs)
        ):
            typed = tuple((n, type(v), v) for n, v in attrs)
            return _empty_markup(template_name, input_type, name, typed)
        return _markup(template_name, input_type, name, value, attrs)


class FastTextarea(_WithoutTemplates, forms.Textarea):
    pass


class FastHiddenInput(_WithoutTemplates, forms.HiddenInput):
    pass


class FastCheckboxInput(_WithoutTemplates, forms.CheckboxInput):
    pass


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        # The database column's limit, so the form and the database agree to the character.
        max_length=setting("COMMENTS_MAX_LENGTH"),
        strip=False,
        widget=FastTextarea(attrs={"rows": 6}),
        help_text=_(
            "Plain text. Leave a blank line between paragraphs; start a line with > to quote. "
            "Web addresses become links."
        ),
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=FastHiddenInput)
    token = forms.UUIDField(required=False, widget=FastHiddenInput)
    notify = forms.BooleanField(
        label=_("E-mail me when my comment is published"),
        required=False,
        initial=True,
        widget=FastCheckboxInput,
    )
    follow = forms.BooleanField(
        label=_("E-mail me new comments on this essay"),
        required=False,
        widget=FastCheckboxInput,
    )

    def clean_body(self):
        # Browsers send line breaks as CRLF; count and store them as one character each.
        return self.cleaned_data["body"].replace("\r\n", "\n")

    def clean(self):
        forged = sorted(set(self.data) - ACCEPTED_FIELDS)
        if forged:
            raise forms.ValidationError(
                _(
                    "The form was sent with fields it does not have (%(fields)s); "
                    "nothing was saved."
                ),
                code="forged",
                params={"fields": ", ".join(forged)},
            )
        return super().clean()


class EditForm(forms.Form):
    body = CommentForm.base_fields["body"]

    def clean_body(self):
        return self.cleaned_data["body"].replace("\r\n", "\n")


class ModerationForm(forms.Form):
    ACTIONS = {
        "approve": _("Approve"),
        "reject": _("Reject"),
        "spam": _("Spam"),
        "remove": _("Remove"),
        "approve_reply": _("Approve and reply"),
        "dismiss": _("Dismiss reports"),
    }
    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    comments = forms.ModelMultipleChoiceField(
        queryset=Comment.objects.all(),
        error_messages={"required": _("Select at least one comment.")},
    )
    canned_reason = forms.ModelChoiceField(
        queryset=CannedReason.objects.all(),
        required=False,
        label=_("Reason for the member"),
        empty_label=_("No canned reason"),
        error_messages={
            "invalid_choice": _(
                "That canned reason does not exist (any more). Pick one from the list; "
                "nothing was changed."
            )
        },
    )
    reason = forms.CharField(
        required=False,
        max_length=500,
        strip=True,
        error_messages={
            "max_length": _(
                "A reason can be at most %(limit_value)d characters long; this one has "
                "%(show_value)d. Nothing was changed."
            )
        },
    )
    reply = forms.CharField(required=False, max_length=setting("COMMENTS_MAX_LENGTH"), strip=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "approve_reply":
            if len(cleaned.get("comments") or []) != 1:
                raise forms.ValidationError(_("Approve and reply works on one comment at a time."))
            if not (cleaned.get("reply") or "").strip():
                raise forms.ValidationError(_("Write the reply before approving and replying."))
        return cleaned


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Details (required for “Other”)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == CommentReport.Reason.OTHER and not cleaned.get("text"):
            raise forms.ValidationError(_("Please say what is wrong with the comment."))
        return cleaned


class MailChoiceForm(forms.ModelForm):
    class Meta:
        model = MailChoice
        fields = ["replies", "follows", "published", "decisions"]
        widgets = {"replies": forms.RadioSelect, "follows": forms.RadioSelect}


class SuspensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the member sees it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ends_at = forms.DateTimeField(
        label=_("Until"),
        required=False,
        help_text=_("Leave empty to suspend until a moderator lifts it."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class RedactForm(forms.Form):
    body = forms.CharField(
        label=_("Text readers see"),
        max_length=setting("COMMENTS_MAX_LENGTH"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    reason = forms.CharField(label=_("Why (kept in the history)"), max_length=500)
