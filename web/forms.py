"""Page forms. Field rules stay thin: the services decide (and their Chinese messages show)."""
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jurisdiction import Jurisdiction
from accounts.models import Organisation
from core.inputs import LineFormField, TextFormField, date_problem, earliest_plausible_date, latest_plausible_date
from registry.models import Evaluation, Filing, ReviewRequest
from review.models import Document, ProcedureStep, PublicComment, ReviewFinding, ReviewRound

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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # R14: only the issuers this drafter's department drafts for
            allowed = Jurisdiction().issuers_drafted_for_by(user.organisation_id)
            self.fields["issuer"].queryset = Organisation.objects.filter(pk__in=allowed).order_by("code")


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
    urgent_reason = forms.CharField(label="紧急审核理由（审核不足法定最短时间时填写）", required=False, widget=TEXT,
                                    max_length=2000)


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


class RecordDecisionForm(forms.Form):
    """R17: the government's collective decision on a major decision."""

    meeting = forms.CharField(label="决策会议", max_length=200)
    decided_on = forms.DateField(label="决策日期", widget=DATE)
    result = forms.ChoiceField(label="决策结果", choices=[("adopted", "通过"), ("rejected", "未通过")])


class PublishDecisionForm(forms.Form):
    channel = forms.ChoiceField(label="公开载体", choices=Document.Channel.choices)
    published_on = forms.DateField(label="公开日期（不填为今天）", required=False, widget=DATE)


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


# DESIGN §3 words for the follow-up of 具体修改意见 (the pages' English msgids, translated).
FINDING_STATUS_LABELS = {
    ReviewFinding.Status.OPEN: _("Awaiting confirmation"),
    ReviewFinding.Status.RESOLVED: _("Amended"),
    ReviewFinding.Status.NOT_RESOLVED: _("Not amended"),
    ReviewFinding.Status.ADVISORY: _("Advice given with the approval"),
}


class ResolveFindingForm(forms.Form):
    status = forms.ChoiceField(label=_("Confirmed as"), choices=[
        (ReviewFinding.Status.RESOLVED.value, FINDING_STATUS_LABELS[ReviewFinding.Status.RESOLVED]),
        (ReviewFinding.Status.NOT_RESOLVED.value, FINDING_STATUS_LABELS[ReviewFinding.Status.NOT_RESOLVED])])
    note = TextFormField(label=_("Note"), required=False)


class EvaluationForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Evaluation.Outcome.choices)
    evaluated_on = BoundedDateField(label=_("Evaluated on"), widget=DATE, zh_label="评估日期")
    notes = TextFormField(label=_("Notes"), required=False, widget=TEXT)


# --- the review desk (R5, R15, R16): the forms review.lifecycle.OTHER_ACTS name ---------------
def person_label(user) -> str:
    name = user.get_full_name() or user.username
    org = f"，{user.organisation.name}" if user.role == "adviser" and user.organisation_id else ""
    return f"{name}（{user.get_role_display()}{org}）"


class _PersonForm(forms.Form):
    """A form choosing a person: the choices are given by the page (one query for a whole desk);
    the service decides whether the person may be chosen, and says why not."""

    person_field = ""

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.person_field].widget.choices = [("", "——")] + [(u.username, person_label(u)) for u in people]


class AssignForm(_PersonForm):
    person_field = "handler"
    handler = forms.CharField(label=_("Handler"), max_length=150, widget=forms.Select)


class InviteAdviserForm(_PersonForm):
    person_field = "adviser"
    adviser = forms.CharField(label=_("Legal adviser"), max_length=150, widget=forms.Select)


class ExtendReviewForm(forms.Form):
    working_days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1,
                                      max_value=settings.RULE_R5_EXTENSION_MAX_WORKING_DAYS)
    reason = forms.CharField(label=_("Reason for the extension"), widget=TEXT, max_length=2000)


class SignOpinionForm(forms.Form):
    SIGN, SEND_BACK = "sign", "send_back"
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, initial=SIGN,
                                 choices=[(SIGN, _("Sign and issue")), (SEND_BACK, _("Send back to the handler"))])
    note = forms.CharField(label=_("Note to the handler (required when sending back)"), required=False, widget=TEXT,
                           max_length=2000)


class AdviserOpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Legal adviser's written opinion"), widget=forms.Textarea(attrs={"rows": 5}),
                              max_length=20000)


class PublicCommentForm(forms.Form):
    author_name = LineFormField(label=_("Name (person or organisation)"), max_length=100, name_zh="姓名（名称）")
    contact = LineFormField(label=_("Contact (optional)"), max_length=100, required=False, name_zh="联系方式")
    body = TextFormField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    # Anti-spam: a field people never see and robots fill in.
    # No visible label (people saw an English "Website:" above the button); a screen reader is
    # told to leave it empty.
    website = forms.CharField(required=False, label="", widget=forms.TextInput(attrs={
        "autocomplete": "off", "tabindex": "-1", "class": "hp", "aria-label": "此项无需填写"}))


# --- after publication (R20): clean-up campaigns and the policy interpretation ------------------
class CleanupOpenForm(forms.Form):
    title = LineFormField(label=_("Campaign title"), max_length=200, name_zh="清理名称")
    issuer = forms.ModelChoiceField(label=_("Issuing authority"), queryset=Organisation.objects.none(),
                                    to_field_name="code")
    published_before = forms.DateField(label=_("Only documents published before"), required=False, widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        served = Jurisdiction().issuers_registered_by(user.organisation_id) if user and user.organisation_id else set()
        self.fields["issuer"].queryset = Organisation.objects.filter(pk__in=sorted(served)).order_by("code")


class CleanupDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Clean-up decision"), choices=[
        ("keep", "继续有效"), ("amend", "修改"), ("repeal", "废止"), ("declare_invalid", "宣布失效")])
    reason = TextFormField(label=_("Reason"), widget=TEXT)


class InterpretationForm(forms.Form):
    title = LineFormField(label=_("Interpretation title"), max_length=200, name_zh="解读标题")
    interpreter = LineFormField(label=_("Interpreter"), max_length=200, name_zh="解读人（单位）")
    body = TextFormField(label=_("Interpretation"), widget=forms.Textarea(attrs={"rows": 12}))


# --- (issue 14) kinds: contracts, major decisions, important documents -----------------------
class ContractDocumentForm(DocumentForm):
    """A contract's draft (R18): its counterparty, amount, type and term with the text."""

    counterparty = LineFormField(label=_("Counterparty"), max_length=200, name_zh="合同相对方")
    amount_yuan = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=16, decimal_places=2)
    contract_type = LineFormField(label=_("Contract type"), max_length=50, name_zh="合同类型")
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=1200)

    CONTRACT_FIELDS = ("counterparty", "amount_yuan", "contract_type", "term_months")
    field_order = ("title", "issuer", *CONTRACT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "validity_years", "provisional"):  # a contract has a term, not a validity (R12)
            del self.fields[name]
        self.fields["affects_rights"].initial = False

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["contract"] = {name: data.pop(name) for name in self.CONTRACT_FIELDS}
        return data


class ProcedureStepForm(forms.Form):
    """R17: expert argument or risk assessment, held (date, summary) or excused with a reason."""

    step = forms.ChoiceField(label=_("Procedure"), choices=ProcedureStep.Step.choices, widget=forms.HiddenInput)
    held_on = BoundedDateField(label=_("Held on"), required=False, widget=DATE, zh_label="开展日期")
    summary = TextFormField(label=_("Summary of the outcome"), required=False, widget=TEXT)
    not_required_reason = TextFormField(label=_("Or: why it is not required"), required=False, widget=TEXT)


class RecordSigningForm(forms.Form):
    signed_on = BoundedDateField(label=_("Signed on"), widget=DATE, zh_label="签订日期")


class CatalogueItemForm(forms.Form):
    """重大行政决策事项目录 (R17): one item of the government's year."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=9999)
    title = LineFormField(label=_("Decision item"), max_length=200, name_zh="决策事项")
    organisation = forms.ModelChoiceField(label=_("Lead department"), queryset=Organisation.objects.none(),
                                          to_field_name="code")
    planned_on = BoundedDateField(label=_("Planned completion"), required=False, widget=DATE,
                                  zh_label="计划完成时间", future=True)
    document = forms.ModelChoiceField(label=_("Draft decision (optional)"), required=False,
                                      queryset=Document.objects.none())

    def __init__(self, *args, organisations=None, decisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        if decisions is not None:
            self.fields["document"].queryset = decisions
        self.fields["document"].label_from_instance = lambda d: d.title


# --- (issue 15) 备案审查 -----------------------------------------------------------------------
class FilingSubmitForm(forms.Form):
    report_ref = LineFormField(label=_("Filing report reference (optional)"), max_length=100, required=False,
                               name_zh="报备文号")


class FilingReturnForm(forms.Form):
    reason = TextFormField(label=_("Reason for returning (which materials are missing)"), widget=TEXT)


class FilingConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Conclusion"), choices=Filing.Outcome.choices)
    opinion = TextFormField(label=_("Review opinion"), widget=TEXT)


class FilingRespondForm(forms.Form):
    action = forms.ChoiceField(label=_("Correction"), choices=Filing.Action.choices)
    note = TextFormField(label=_("Explanation"), widget=TEXT)
    document = forms.IntegerField(label=_("ID of the amending document (when amended)"), required=False,
                                  min_value=1, max_value=2**63 - 1)
    decision_ref = LineFormField(label=_("Reference of the repeal decision (when repealed)"), max_length=100,
                                 required=False, name_zh="废止决定文号")


class FilingRejectResponseForm(forms.Form):
    note = TextFormField(label=_("Why the answer is not accepted"), widget=TEXT)


class ReviewRequestForm(forms.Form):
    """审查建议 (R19): anyone, no login."""

    document = LineFormField(label=_("Document ID or number"), max_length=100, name_zh="文件ID或文件编号")
    name = LineFormField(label=_("Name (person or organisation)"), max_length=100, name_zh="姓名（名称）")
    contact = LineFormField(label=_("Contact"), max_length=100, name_zh="联系方式")
    reason = TextFormField(label=_("Why the document should be reviewed"), widget=forms.Textarea(attrs={"rows": 6}),
                           max_length=20000)
    website = forms.CharField(required=False, label="", widget=forms.TextInput(attrs={
        "autocomplete": "off", "tabindex": "-1", "class": "hp", "aria-label": "此项无需填写"}))


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt number"), max_length=64)


class ReviewRequestReplyForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewRequest.Outcome.choices)
    reply = TextFormField(label=_("Reply"), widget=TEXT)
