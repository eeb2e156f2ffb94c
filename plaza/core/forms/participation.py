"""Input validation for the comment, flag, moderation and notification-setting forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.core.models import CommentFlag
from plaza.core.models.accounts import EmailFrequency
from plaza.core.models.comments import COMMENT_MAX_LENGTH

# The comment form sits in a page beside other forms: its ids are prefixed so they stay unique.
COMMENT_FORM_IDS = "id_comment_%s"


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("Plain text; Markdown works for links, lists and emphasis."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write something before sending.")},
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should a moderator look at it?"),
        choices=CommentFlag.Reason.choices,
        error_messages={
            "required": _("Choose a reason from the list."),
            "invalid_choice": _("Choose a reason from the list."),
        },
    )
    details = forms.CharField(label=_("Details (optional)"), max_length=500, required=False)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=300,
        help_text=_("Shown in place of the comment and in the public record."),
        error_messages={"required": _("Give the public reason for hiding this comment.")},
    )


class RestoreForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional, public)"), max_length=300, required=False)


class NotificationSettingsForm(forms.Form):
    notification_emails = forms.ChoiceField(label=_("E-mail me about what I follow"), choices=EmailFrequency.choices)
