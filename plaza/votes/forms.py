"""Page forms of the votes app: the ballot, the booth's census lookup, receipts, set-up (booth totals: core's)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.core.forms import CensusMatchForm
from plaza.core.models import Booth
from plaza.votes.models import AccessCode, Question, Votation
from plaza.votes.operations import QuestionSpec


class RankingWidget(forms.MultiWidget):
    """One labelled "rank" select per option, in a fieldset: keyboard and screen reader friendly, no script."""

    template_name = "votes/widgets/ranking.html"
    use_fieldset = True

    def __init__(self, labels: list[str], ranks: int):
        choices = [("", _("Not ranked"))] + [(str(n), str(n)) for n in range(1, ranks + 1)]
        self.labels = labels
        super().__init__([forms.Select(choices=choices) for _label in labels])

    def decompress(self, value):
        return value or [None] * len(self.labels)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, label in zip(context["widget"]["subwidgets"], self.labels, strict=True):
            sub["option_label"] = label
        return context


class RankingField(forms.MultiValueField):
    """A ranked question's answer: option keys, most preferred first, from the rank given to each option."""

    def __init__(self, *, question: Question, **kwargs):
        options = list(question.options.all())
        self.keys = [o.key for o in options]
        self.most = question.max_choices
        ranks = [str(n) for n in range(1, len(options) + 1)]
        fields = [forms.ChoiceField(choices=[("", "")] + [(r, r) for r in ranks], required=False) for _o in options]
        super().__init__(
            fields=fields,
            require_all_fields=False,
            widget=RankingWidget([o.label for o in options], len(options)),
            **kwargs,
        )

    def compress(self, data_list) -> list[str]:
        ranked = sorted((int(rank), key) for rank, key in zip(data_list or [], self.keys, strict=False) if rank)
        ranks = [rank for rank, _key in ranked]
        if len(set(ranks)) != len(ranks):
            raise forms.ValidationError(_("Give each rank to one option only."), code="duplicate_rank")
        if ranks != list(range(1, len(ranks) + 1)):
            raise forms.ValidationError(_("Number your choices 1, 2, 3… without gaps."), code="rank_gap")
        return [key for _rank, key in ranked]


def add_ballot_fields(form: forms.Form, votation: Votation) -> None:
    """One field per question, named by its key ("q1"…): radios for one choice, checkboxes for several,
    a rank for each option of a ranked question."""
    for question in votation.questions.all():
        choices = [(o.key, o.label) for o in question.options.all()]
        if question.kind == Question.Kind.RANKED:
            field = RankingField(
                question=question,
                label=question.text,
                help_text=_("Give 1 to your first choice, 2 to your second, and so on (up to %(max)s).")
                % {"max": question.max_choices},
            )
        elif question.kind == Question.Kind.MULTIPLE:
            field = forms.MultipleChoiceField(
                label=question.text,
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Choose from %(min)s to %(max)s options.")
                % {"min": question.min_choices, "max": question.max_choices},
            )
        else:
            field = forms.ChoiceField(label=question.text, choices=choices, widget=forms.RadioSelect)
        field.error_messages["required"] = _("Answer this question.")
        form.fields[question.key] = field


def ballot_answers(form: forms.Form, votation: Votation) -> dict[str, list[str]]:
    answers = {}
    for question in votation.questions.all():
        value = form.cleaned_data.get(question.key)
        answers[question.key] = list(value) if isinstance(value, list) else [value]
    return answers


class BallotForm(forms.Form):
    def __init__(self, *args, votation: Votation, **kwargs):
        super().__init__(*args, **kwargs)
        add_ballot_fields(self, votation)


class ChangeBallotForm(forms.Form):
    """A new ballot replacing the one the change code opens."""

    change_code = forms.CharField(
        label=_("Change code"),
        max_length=40,
        help_text=_("The change code shown when you voted, such as ABCD-EFGH-IJKL-MNOP."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, votation: Votation, **kwargs):
        super().__init__(*args, **kwargs)
        add_ballot_fields(self, votation)


class CodeBallotForm(forms.Form):
    """Voting without an account: the document number and the one-time code, then the ballot."""

    document_id = forms.CharField(
        label=_("Identity document number"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    code = forms.CharField(
        label=_("One-time code"),
        max_length=20,
        help_text=_("The 8 digits you received, such as 1234-5678."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, votation: Votation, **kwargs):
        super().__init__(*args, **kwargs)
        add_ballot_fields(self, votation)


class CodeRequestForm(CensusMatchForm):
    """Asking for a one-time code: the census details, and where to send it when there is a choice."""

    def __init__(self, *args, channels: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if len(channels) > 1:
            self.fields["channel"] = forms.ChoiceField(
                label=_("Send the code"),
                choices=[(c, CHANNEL_LABELS[c]) for c in channels],
                initial=channels[0],
                required=False,  # none chosen: the first, e-mail
                widget=forms.RadioSelect,
                help_text=_("To the e-mail address or the mobile number the census holds for you."),
            )

    def channel(self) -> str:
        return self.cleaned_data.get("channel") or AccessCode.Delivery.EMAIL


CHANNEL_LABELS = {AccessCode.Delivery.EMAIL: _("By e-mail"), AccessCode.Delivery.SMS: _("By text message (SMS)")}


class BoothBallotForm(CensusMatchForm):
    """The officer checks the voter's document against the census, then records their ballot."""

    booth = forms.ModelChoiceField(label=_("Booth"), queryset=Booth.objects.none(), empty_label=None)

    def __init__(self, *args, votation: Votation, booths, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth"].queryset = booths
        add_ballot_fields(self, votation)


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        help_text=_("The code shown when you voted, such as ABCD-EFGH-IJKL-MNOP."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


DATETIME_INPUT = {"type": "datetime-local"}


class VotationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and dashes; from the title if empty."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, required=False, help_text=_("Markdown")
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        help_text=_("In the jurisdiction's time zone."),
        widget=forms.DateTimeInput(attrs=DATETIME_INPUT, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        help_text=_("In the jurisdiction's time zone."),
        widget=forms.DateTimeInput(attrs=DATETIME_INPUT, format="%Y-%m-%dT%H:%M"),
    )
    online = forms.BooleanField(label=_("Residents can vote online"), required=False, initial=True)
    booth = forms.BooleanField(label=_("Residents can vote at polling booths"), required=False)
    booths = forms.CharField(
        label=_("Polling booths"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One name a line."),
    )
    is_secret = forms.BooleanField(label=_("Secret ballot"), required=False, initial=True)
    allows_changes = forms.BooleanField(
        label=_("Voters may change their online vote until closing"),
        required=False,
        help_text=_("Only the last ballot counts; voters need the change code they were given."),
    )
    district = forms.CharField(
        label=_("Only this district"), max_length=100, required=False, help_text=_("Empty: the whole census.")
    )
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=130, required=False)
    is_published = forms.BooleanField(
        label=_("Published"),
        required=False,
        initial=True,
        help_text=_("A draft is seen by admins only and takes no votes."),
    )

    def booth_names(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.cleaned_data.get("booths", "").splitlines() if line.strip())


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices, initial=Question.Kind.YES_NO)
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One option a line (not needed for yes, no or abstain)."),
    )
    min_choices = forms.IntegerField(label=_("Fewest choices"), min_value=1, max_value=100, initial=1)
    max_choices = forms.IntegerField(label=_("Most choices"), min_value=1, max_value=100, initial=1)

    def spec(self) -> QuestionSpec | None:
        data = self.cleaned_data
        if not data.get("text", "").strip():
            return None
        return QuestionSpec(
            text=data["text"],
            kind=data["kind"],
            options=tuple(line.strip() for line in data.get("options", "").splitlines() if line.strip()),
            min_choices=data.get("min_choices") or 1,
            max_choices=data.get("max_choices") or 1,
        )


QuestionFormSet = forms.formset_factory(QuestionForm, extra=0, max_num=20)


def question_initial(votation: Votation | None, blanks: int = 2) -> list[dict]:
    rows = []
    if votation is not None:
        for q in votation.questions.all():
            options = "\n".join(o.label for o in q.options.all()) if q.kind != Question.Kind.YES_NO else ""
            rows.append(
                {
                    "text": q.text,
                    "kind": q.kind,
                    "options": options,
                    "min_choices": q.min_choices,
                    "max_choices": q.max_choices,
                }
            )
    return rows + [{"kind": Question.Kind.YES_NO, "min_choices": 1, "max_choices": 1}] * blanks
