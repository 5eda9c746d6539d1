"""Page forms. Field rules stay thin: the services decide (and their Chinese messages show)."""
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.inputs import LineFormField, TextFormField, date_problem, earliest_plausible_date, latest_plausible_date
from registry.models import Evaluation
from review.models import Document, PublicComment, ReviewFinding, ReviewRound

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


def bounded_date(label, *, future=False, not_before_today=False):
    """A date field's clean: within its plausible window (core.inputs), else the form's error
    naming the field in Chinese. The services check the same bounds."""

    def clean(value):
        today = timezone.localdate()
        earliest = today if not_before_today else earliest_plausible_date()
        latest = latest_plausible_date(today) if future else today
        problem = date_problem(value, label, earliest=earliest, latest=latest,
                               earliest_why="今天" if not_before_today else "",
                               latest_why="" if future else "今天")
        if problem:
            raise forms.ValidationError(problem)

    return clean


class BoundedDateField(forms.DateField):
    def __init__(self, *, zh_label, future=False, not_before_today=False, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(bounded_date(zh_label, future=future, not_before_today=not_before_today))


class DocumentForm(forms.Form):
    title = LineFormField(label=_("Title"), max_length=settings.MAX_TITLE_LENGTH, name_zh="标题")
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices, initial=Document.Kind.NORMATIVE)
    issuer = forms.ModelChoiceField(
        label=_("Issuing authority"), queryset=Organisation.objects.exclude(number_prefix="").order_by("code"),
        to_field_name="code")
    affects_rights = forms.BooleanField(label=_("Affects the rights and duties of citizens or organisations"),
                                        required=False, initial=True)
    business_related = forms.BooleanField(label=_("Closely tied to business activity"), required=False)
    validity_years = forms.IntegerField(label=_("Validity (years)"), required=False, min_value=1, max_value=5)
    provisional = forms.BooleanField(label=_("Provisional or trial (暂行/试行)"), required=False)
    body = TextFormField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}),
                           max_length=settings.MAX_BODY_CHARS, strip=False)


class OpenPublicCommentForm(forms.Form):
    closes_on = BoundedDateField(label=_("Comment period closes on"), widget=DATE, zh_label="征求意见截止日期",
                                 future=True, not_before_today=True)
    short_period_reason = TextFormField(label=_("Reason for a shorter period (if any)"), required=False, widget=TEXT)


class EmptyForm(forms.Form):
    pass


class SubmitForReviewForm(forms.Form):
    drafting_notes = TextFormField(label=_("Drafting explanation, with the legal basis"), widget=TEXT)
    comment_summary = TextFormField(
        label=_("How the comments were handled (left empty: written from the dispositions)"),
        required=False, widget=TEXT)
    exemption_reason = TextFormField(label=_("Reason for not consulting the public (if any)"), required=False,
                                       widget=TEXT)


class FindingForm(forms.Form):
    article = LineFormField(label=_("Article"), max_length=500, required=False, name_zh="条款")
    passage = TextFormField(label=_("Passage quoted"), required=False)
    basis = TextFormField(label=_("Legal basis"), required=False)
    required_change = TextFormField(label=_("Required change"), required=False)


FindingFormSet = forms.formset_factory(FindingForm, extra=2)


class ApproveForm(forms.Form):
    opinion = TextFormField(label=_("Written review opinion"), widget=TEXT)


class ReturnForRevisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[(o.value, o.label) for o in ReviewRound.RETURN_OUTCOMES])
    opinion = TextFormField(label=_("Written review opinion"), widget=TEXT)


class RegisterForm(forms.Form):
    meeting = LineFormField(label=_("Deliberating meeting"), max_length=200, name_zh="审议会议")
    deliberated_on = BoundedDateField(label=_("Deliberated on"), widget=DATE, zh_label="审议日期")


class PublishForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Document.Channel.choices)
    published_on = BoundedDateField(label=_("Published on (empty: today)"), required=False, widget=DATE,
                                    zh_label="公布日期", future=True)
    effective_from = BoundedDateField(label=_("In force from (empty: publication day)"), required=False,
                                      widget=DATE, zh_label="施行日期", future=True)


class FileRecordForm(forms.Form):
    filed_with = LineFormField(label=_("Filed with"), max_length=200, name_zh="备案机关")
    filed_on = BoundedDateField(label=_("Filed on"), widget=DATE, zh_label="备案日期")
    reference = LineFormField(label=_("Receipt reference"), max_length=100, required=False, name_zh="备案回执号")


class RepealForm(forms.Form):
    reason = TextFormField(label=_("Reason"), widget=TEXT)
    decision_ref = LineFormField(label=_("Reference of the repeal decision"), max_length=100, name_zh="废止决定文号")


class ReasonForm(forms.Form):
    reason = TextFormField(label=_("Reason"), widget=TEXT)


class DisposeForm(forms.Form):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=PublicComment.Disposition.choices)
    reason = TextFormField(label=_("Reason"), required=False)


class ResolveFindingForm(forms.Form):
    status = forms.ChoiceField(label=_("Confirmed as"), choices=[
        (ReviewFinding.Status.RESOLVED.value, ReviewFinding.Status.RESOLVED.label),
        (ReviewFinding.Status.NOT_RESOLVED.value, ReviewFinding.Status.NOT_RESOLVED.label)])
    note = TextFormField(label=_("Note"), required=False)


class EvaluationForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Evaluation.Outcome.choices)
    evaluated_on = BoundedDateField(label=_("Evaluated on"), widget=DATE, zh_label="评估日期")
    notes = TextFormField(label=_("Notes"), required=False, widget=TEXT)


class PublicCommentForm(forms.Form):
    author_name = LineFormField(label=_("Name (person or organisation)"), max_length=100, name_zh="姓名（名称）")
    contact = LineFormField(label=_("Contact (optional)"), max_length=100, required=False, name_zh="联系方式")
    body = TextFormField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    # Anti-spam: a field people never see and robots fill in.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={
        "autocomplete": "off", "tabindex": "-1", "class": "hp"}))
