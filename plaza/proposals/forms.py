"""Page input for proposals and debates; the operations validate again (the API calls them too)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from plaza.core.forms.geocoding import geocode_typed, location_choice_field
from plaza.core.geo import Point, parse_point
from plaza.core.geocoding import Candidate, sign_choice
from plaza.core.models import SDGGoal
from plaza.core.models.moderation import BLOCK_REASON_MAX_LENGTH
from plaza.proposals.models import BODY_MAX_LENGTH, SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH, DebateVote, Proposal
from plaza.proposals.operations import ProposalText
from plaza.proposals.queries import ORDERS, PUBLIC_STATUSES

# The SDG goals are reference data shipped with Plaza (never edited): their choices are read once per language.
_GOAL_CHOICES: dict[str, list[tuple[int, str]]] = {}


def _goal_choices() -> list[tuple[int, str]]:
    language = get_language() or ""
    if language not in _GOAL_CHOICES:
        found = [(g.number, f"{g.number}. {g.short_title()}") for g in SDGGoal.objects.all()]
        if not found:
            return found  # the taxonomy is not loaded yet: ask again next time
        _GOAL_CHOICES[language] = found
    return list(_GOAL_CHOICES[language])


class DrawnSelect(forms.Select):
    """Django's select markup drawn in Python rather than through a template per option: the index's filter form
    draws four selects (some 40 options) on every request."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            ((str(v), " selected" if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown in the list of proposals."),
    )
    body = forms.CharField(
        label=_("Proposal"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: *emphasis*, lists and links. No HTML."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=300, help_text=_("Up to 6 words, separated by commas.")
    )
    sdg_goals = forms.TypedMultipleChoiceField(
        label=_("Sustainable Development Goals"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    location = forms.CharField(
        label=_("Location"),
        required=False,
        max_length=300,
        help_text=_(
            "Optional. An address, or latitude and longitude such as 40.4168, -3.7038 (or pick a point on the map)."
        ),
    )
    location_choice = location_choice_field()
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Optional. The address of a video about the proposal."),
    )
    on_behalf_of = forms.CharField(
        label=_("On behalf of an organisation"),
        required=False,
        max_length=200,
        help_text=_("Optional. The organisation's name, if you propose for one."),
    )

    def __init__(self, *args, categories=(), jurisdiction=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction
        self.fields["category"].choices = [("", _("No category"))] + [(c, c) for c in categories]
        self.fields["sdg_goals"].choices = _goal_choices()

    def clean_location(self):
        """(point, address): coordinates as typed, or a typed address geocoded (the form asks if several match)."""
        text = self.cleaned_data["location"].strip()
        if not text:
            return None, ""
        try:
            return parse_point(text), ""
        except ValidationError as not_coordinates:
            if not_coordinates.code != "format" or self.jurisdiction is None:
                raise
        return geocode_typed(self, text, jurisdiction=self.jurisdiction)

    def proposal_text(self) -> ProposalText:
        data = self.cleaned_data
        point, address = data.get("location") or (None, "")
        return ProposalText(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            category=data["category"],
            tags=[t for t in data["tags"].split(",")],
            sdg_goals=data["sdg_goals"],
            latitude=point.latitude if point else None,
            longitude=point.longitude if point else None,
            address=address,
            video_url=data["video_url"],
            on_behalf_of=data["on_behalf_of"],
        )

    @classmethod
    def initial_for(cls, proposal: Proposal, goals) -> dict:
        location, choice = "", ""
        if proposal.latitude is not None and proposal.address:
            # Sent back unchanged, the address keeps its point without being looked up again.
            location = proposal.address
            choice = sign_choice(location, Candidate(location, Point(proposal.latitude, proposal.longitude), "choice"))
        elif proposal.latitude is not None:
            location = f"{proposal.latitude}, {proposal.longitude}"
        return {
            "location_choice": choice,
            "title": proposal.title,
            "summary": proposal.summary,
            "body": proposal.body,
            "category": proposal.category,
            "tags": ", ".join(t.name for t in proposal.tags.all()),
            "sdg_goals": [g.number for g in goals],
            "location": location,
            "video_url": proposal.video_url,
            "on_behalf_of": proposal.on_behalf_of,
        }


class SimilarCheckForm(forms.Form):
    """The GET step before writing: does a proposal saying the same already exist?"""

    title = forms.CharField(label=_("Title of your proposal"), max_length=TITLE_MAX_LENGTH)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=DrawnSelect)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    goal = forms.TypedChoiceField(
        label=_("Sustainable Development Goal"), required=False, coerce=int, empty_value=None, widget=DrawnSelect
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=DrawnSelect)
    order = forms.ChoiceField(label=_("Order"), required=False, widget=DrawnSelect)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [(c, c) for c in categories]
        self.fields["goal"].choices = [("", _("All goals"))] + _goal_choices()
        labels = dict(Proposal.Status.choices)
        self.fields["status"].choices = [("", _("Open (gathering supports or threshold reached)"))] + [
            (s.value, labels[s.value]) for s in PUBLIC_STATUSES
        ]
        order_labels = {
            "hot": _("Hot (supports, fresher first)"),
            "most_supported": _("Most supported"),
            "newest": _("Newest"),
            "most_commented": _("Most commented"),
            "random": _("Random"),
        }
        self.fields["order"].choices = [(o, order_labels[o]) for o in ORDERS]


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the proposal's place and in the public record."),
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Number of the proposal to keep"),
        min_value=1,
        help_text=_("Its supports and followers receive this one's; each person's support counts once."),
    )
    reason = forms.CharField(
        label=_("Public note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. Shown on the merged proposal and in the public record."),
    )


class DebateForm(forms.Form):
    title = forms.CharField(label=_("Question"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Explanation"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: *emphasis*, lists and links. No HTML."),
    )


class DebateVoteForm(forms.Form):
    position = forms.ChoiceField(choices=DebateVote.Position.choices)


class SynthesisForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    phase = forms.TypedChoiceField(label=_("Phase"), required=False, coerce=int, empty_value=None)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: *emphasis*, lists and links. No HTML."),
    )

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", _("The whole process"))] + [(p.pk, p.title) for p in phases]


class SynthesisGroupForm(forms.Form):
    title = forms.CharField(label=_("Group title"), max_length=200, required=False)
    answer = forms.CharField(
        label=_("Answer"), required=False, max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    proposals = forms.CharField(
        label=_("Proposal numbers"),
        required=False,
        max_length=5000,
        help_text=_("The numbers of the proposals this answer covers, separated by commas."),
    )

    def clean_proposals(self) -> list[int]:
        numbers = [n.strip().lstrip("#") for n in self.cleaned_data["proposals"].replace(";", ",").split(",")]
        try:
            return [int(n) for n in numbers if n]
        except ValueError:
            raise forms.ValidationError(_("Write numbers separated by commas, e.g. 12, 15, 31.")) from None

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("title") or data.get("answer") or data.get("proposals"))


SynthesisGroupFormSet = forms.formset_factory(SynthesisGroupForm, extra=0, min_num=1, max_num=100)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("What the file shows or contains."))
    upload = forms.FileField(
        label=_("File"),
        help_text=_("An image (PNG, JPEG, WebP) or a document (PDF, ODT, ODS, DOCX, XLSX, CSV, TXT)."),
    )


def _comment_choice(comment) -> str:
    """A reported comment as its checkbox reads: who, on what, the start of what they wrote, how often reported."""
    author = comment.author.display_name if comment.author else _("Deleted account")
    excerpt = comment.body if len(comment.body) <= 80 else f"{comment.body[:79]}…"
    return ngettext(
        "%(author)s on “%(target)s”: “%(excerpt)s” (%(count)s report)",
        "%(author)s on “%(target)s”: “%(excerpt)s” (%(count)s reports)",
        comment.open_flags,
    ) % {
        "author": author,
        "target": comment.target,
        "excerpt": excerpt,
        "count": comment.open_flags,
    }


class BulkModerationForm(forms.Form):
    """The moderation queue's checkboxes and one action for all of them."""

    proposals = forms.TypedMultipleChoiceField(
        label=_("Proposals"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    debates = forms.TypedMultipleChoiceField(
        label=_("Debates"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    comments = forms.TypedMultipleChoiceField(
        label=_("Reported comments"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Publishing a reported comment keeps it and closes its reports."),
    )
    action = forms.ChoiceField(
        label=_("Do this to the selected items"),
        choices=[("publish", _("Publish them")), ("hide", _("Hide them"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Public reason (to hide)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in each hidden item's place and in the public record."),
    )

    def __init__(self, *args, proposals=(), debates=(), comments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(p.pk, p.title) for p in proposals]
        self.fields["debates"].choices = [(d.pk, d.title) for d in debates]
        self.fields["comments"].choices = [(c.pk, _comment_choice(c)) for c in comments]
        for name in ("proposals", "debates", "comments"):
            if not self.fields[name].choices:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        chosen = any(data.get(name) for name in ("proposals", "debates", "comments"))
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Select at least one proposal, debate or comment."))
        if data.get("action") == "hide" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why: the reason is public, in each item's place."))
        return data


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=BLOCK_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the place of each proposal, debate and comment hidden, and in the public record."),
    )


class SynthesisEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"), required=False, max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class SynthesisGroupEditForm(forms.Form):
    title = forms.CharField(label=_("Group title"), max_length=200)
    answer = forms.CharField(label=_("Answer"), max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))


SynthesisGroupEditFormSet = forms.formset_factory(SynthesisGroupEditForm, extra=0)


class SynthesisRegroupForm(forms.Form):
    reason = forms.CharField(
        label=_("Why regroup (public)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the public record with the groupings before and after."),
    )


class SynthesisRegroupGroupForm(SynthesisGroupForm):
    """A group as it will be: an existing one (its hidden id) or a new one; ticking "remove" or emptying it drops it."""

    group = forms.IntegerField(widget=forms.HiddenInput, required=False)
    remove = forms.BooleanField(
        label=_("Remove this group"),
        required=False,
        help_text=_("Its proposals are no longer answered, unless you list them in another group."),
    )

    @property
    def is_dropped(self) -> bool:
        return self.is_blank or bool(getattr(self, "cleaned_data", {}).get("remove"))


SynthesisRegroupFormSet = forms.formset_factory(SynthesisRegroupGroupForm, extra=2, max_num=100)
