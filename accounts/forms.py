from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User, tidy_name
from accounts.names import imitated_name


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        help_texts = {
            "display_name": _(
                "Shown beside your comments. Leave it empty to use the name from your sign-in "
                "provider."
            ),
        }

    def clean_display_name(self):
        name = tidy_name(self.cleaned_data["display_name"])
        if imitated_name(name, member=self.instance):
            raise ValidationError(
                _(
                    "This name reads like the name of one of the site's moderators or authors. "
                    "Choose one that readers cannot mistake for theirs."
                ),
                code="imitated_name",
            )
        return name


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted for good."),
        error_messages={"required": _("Tick the box to confirm that you want to delete it.")},
    )
