"""A demo world: the city of 春城 and its county 青山县 under it, their departments, justice bureaus
and registries, one user per role, documents in each state. It lives in ``web``, the top app,
because it drives the services of every app below."""
import datetime as dt

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Organisation, User
from registry import services as registry
from review import services
from review.models import Document
from core.clock import today

PASSWORD = "demo12345"

# code, name, kind, parent, level, number prefix, opinion prefix
ORGS = [
    ("CSZF", "春城市人民政府", "office", "", "city", "春府规", ""),
    ("CSJY", "春城市教育局", "drafting", "CSZF", "city", "春教规", ""),
    ("CSSJ", "春城市市场监督管理局", "drafting", "CSZF", "city", "春市监规", ""),
    ("CSSFJ", "春城市司法局", "justice", "CSZF", "city", "", "春司审"),
    ("CSSJJ", "春城市审计局", "audit", "CSZF", "city", "", ""),
    ("CSRD", "春城市人大常委会", "congress", "CSZF", "city", "", ""),
    ("CSLS", "春城明法律师事务所", "law_firm", "", "", "", ""),
    ("QSZF", "青山县人民政府", "office", "CSZF", "county", "青府规", ""),
    ("QSJY", "青山县教育局", "drafting", "QSZF", "county", "青教规", ""),
    ("QSSFJ", "青山县司法局", "justice", "QSZF", "county", "", "青司审"),
]
USERS = [
    ("drafter", "CSJY", "drafter"),
    ("drafter2", "CSSJ", "drafter"),
    ("head", "CSSFJ", "review_head"),
    ("reviewer", "CSSFJ", "reviewer"),
    ("reviewer2", "CSSFJ", "reviewer"),
    ("adviser", "CSLS", "adviser"),
    ("registrar", "CSZF", "registrar"),
    ("registrar2", "CSZF", "registrar"),
    ("auditor", "CSSJJ", "auditor"),
    ("qs_drafter", "QSJY", "drafter"),
    ("qs_reviewer", "QSSFJ", "reviewer"),
    ("qs_registrar", "QSZF", "registrar"),
]

BODY = """第一条 为规范本市校外培训机构管理，保障学生合法权益，根据《中华人民共和国教育法》等法律法规，结合本市实际，制定本办法。
第二条 本办法适用于本市行政区域内面向中小学生的校外培训机构。
第三条 教育行政部门应当公开培训机构名单，方便家长查询。
第四条 本办法自公布之日起施行，有效期5年。"""


class Command(BaseCommand):
    help = "Create the demo organisations, users (password demo12345) and documents."

    @transaction.atomic
    def handle(self, *args, **options):
        for code, name, kind, parent, level, prefix, opinion_prefix in ORGS:
            call_command("add_org", code, name=name, kind=kind, parent=parent, level=level, number_prefix=prefix,
                         opinion_prefix=opinion_prefix, stdout=self.stdout)
        for username, org, role in USERS:
            call_command("add_user", username, org=org, role=role, password=PASSWORD, stdout=self.stdout)
        if Document.objects.exists():
            self.stdout.write("documents exist; not adding demo documents again")
            return
        drafter, reviewer = User.objects.get(username="drafter"), User.objects.get(username="reviewer")
        head = User.objects.get(username="head")
        registrar = User.objects.get(username="registrar")
        city = Organisation.objects.get(code="CSZF")

        def create(title, **kw):
            return services.document_create(actor=drafter, title=title, body=BODY, issuer=city, **kw)

        create("春城市校外培训机构管理办法（草案）", validity_years=5)
        in_comment = create("春城市学生课后服务实施办法（征求意见稿）", validity_years=3)
        services.document_open_public_comment(actor=drafter, document_id=in_comment.pk,
                                              closes_on=today() + dt.timedelta(days=20))
        in_review = create("春城市教育收费公示办法", affects_rights=False, validity_years=5)
        services.document_submit_for_review(actor=drafter, document_id=in_review.pk,
                                            drafting_notes="依据《中华人民共和国教育法》制定。")
        services.document_assign(actor=head, document_id=in_review.pk, handler="reviewer")
        published = create("春城市中小学校园安全管理规定", validity_years=5)
        services.document_submit_for_review(actor=drafter, document_id=published.pk,
                                            drafting_notes="依据《中小学幼儿园安全管理办法》制定。",
                                            exemption_reason="涉及校园安全应急处置，经批准不公开征求意见")
        # The review desk (R15): the head assigns a handler, who drafts; the head signs.
        services.document_assign(actor=head, document_id=published.pk, handler="reviewer")
        services.document_approve(actor=reviewer, document_id=published.pk, opinion="经审核，该文件合法。",
                                  basis="《中华人民共和国教育法》《中小学幼儿园安全管理办法》",
                                  urgent_reason="市政府常务会议即将审议，需提前出具审核意见")
        services.document_sign_opinion(actor=head, document_id=published.pk, decision="sign")
        registry.document_register(actor=registrar, document_id=published.pk, meeting="市政府第12次常务会议",
                                   deliberated_on=today())
        registry.document_publish(actor=registrar, document_id=published.pk, channel="website")
        self.stdout.write(self.style.SUCCESS(
            "演示用户（密码 %s）：%s" % (PASSWORD, "、".join(u for u, _, _ in USERS))))
