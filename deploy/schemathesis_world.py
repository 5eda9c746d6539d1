"""A seeded world for Schemathesis (issue 17): several documents in every state, comments,
findings and inbox messages, so that fuzzed document actions reach real objects (a 200, 400,
403 or 409) instead of only ever a 404. Prints the ids as TOML dictionaries for
schemathesis.toml. Run after seed_demo:  python deploy/schemathesis_world.py > world.toml"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from accounts.models import Organisation, User  # noqa: E402
from notifications.models import InboxMessage  # noqa: E402
from registry import services as registry  # noqa: E402
from review import services  # noqa: E402
from review.models import Document, Opinion, PublicComment, ReviewFinding, Version  # noqa: E402
from registry.models import Cleanup, Filing, ReviewRequest  # noqa: E402
from review import files  # noqa: E402
from review.docx_text import DOCX_CONTENT_TYPE  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from core.clock import today  # noqa: E402
from core.calendar import add_working_days  # noqa: E402

BODY = "第一条 为规范管理，根据《中华人民共和国教育法》，制定本办法。\n第二条 本办法自公布之日起施行。"


URGENT = "常务会议即将审议"  # R5: the world is made in one day, so every opinion is early


def docx_bytes(*paragraphs) -> bytes:
    import io

    from docx import Document as Docx

    out, doc = io.BytesIO(), Docx()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(out)
    return out.getvalue()


def world(copies=3):
    drafter, reviewer = User.objects.get(username="drafter"), User.objects.get(username="reviewer")
    registrar, head = User.objects.get(username="registrar"), User.objects.get(username="head")
    adviser = User.objects.get(username="adviser")
    city = Organisation.objects.get(code="CSZF")
    for n in range(copies):
        def new(title, **kw):
            return services.document_create(actor=drafter, title=f"{title}{n}", body=BODY, issuer=city,
                                            affects_rights=False, validity_years=5, **kw)

        new("起草中的办法")
        consulting = new("征求意见中的办法")
        services.document_open_public_comment(actor=drafter, document_id=consulting.pk,
                                              closes_on=add_working_days(today(), 10).date)
        for i in range(3):
            services.comment_create(document_id=consulting.pk, author_name=f"市民{i}", body=f"建议修改第{i}条。")
        reviewing = new("审核中的办法")
        services.document_submit_for_review(actor=drafter, document_id=reviewing.pk, drafting_notes="依据")
        resubmitted = new("再次报送的办法")
        services.document_submit_for_review(actor=drafter, document_id=resubmitted.pk, drafting_notes="依据")
        services.document_return_for_revision(actor=head, document_id=resubmitted.pk, outcome="lawful_with_changes",
                                              opinion="修改后合法", findings=[{"article": "第二条"}])
        services.document_submit_for_review(actor=drafter, document_id=resubmitted.pk, drafting_notes="已修改")
        for step in ("approved", "registered", "published"):
            doc = new(f"{step}的办法")
            services.document_submit_for_review(actor=drafter, document_id=doc.pk, drafting_notes="依据")
            services.document_approve(actor=head, document_id=doc.pk, opinion="合法", urgent_reason=URGENT)
            if step != "approved":
                registry.document_register(actor=registrar, document_id=doc.pk, meeting="常务会议",
                                           deliberated_on=today())
            if step == "published":
                registry.document_publish(actor=registrar, document_id=doc.pk, channel="website")
                registry.review_request_create(document=doc.pk, name=f"市民{n}", contact="", reason="请审查第二条")
        # the review desk: a case assigned to the handler with an opinion awaiting the head's signature,
        # and one with an adviser invited
        desk = new("待签发的办法")
        services.document_submit_for_review(actor=drafter, document_id=desk.pk, drafting_notes="依据")
        services.document_assign(actor=head, document_id=desk.pk, handler="reviewer")
        services.document_approve(actor=reviewer, document_id=desk.pk, opinion="合法", urgent_reason=URGENT)
        services.document_invite_adviser(actor=head, document_id=reviewing.pk, adviser="adviser")
        # documents as files: a draft whose second version came from a .docx
        uploaded = new("上传文本的办法")
        files.version_upload(actor=drafter, document_id=uploaded.pk, upload=SimpleUploadedFile(
            "v2.docx", docx_bytes("第一条 为规范管理，制定本办法。", "第二条 本办法自公布之日起施行。"),
            content_type=DOCX_CONTENT_TYPE))
        # kinds: a major decision with its procedure steps, in the catalogue; a reviewed contract
        decision = services.document_create(actor=drafter, title=f"重大行政决策{n}", body=BODY, issuer=city,
                                            kind="major_decision", affects_rights=False)
        for procedure in ("expert_argument", "risk_assessment"):
            services.document_record_procedure_step(actor=drafter, document_id=decision.pk, step=procedure,
                                                    not_required_reason="本决策不涉及")
        registry.catalogue_item_create(actor=registrar, year=today().year, title=f"重大行政决策{n}",
                                       organisation=drafter.organisation, document=decision)
        services.document_submit_for_review(actor=drafter, document_id=decision.pk, drafting_notes="依据")
        services.document_invite_adviser(actor=head, document_id=decision.pk, adviser="adviser")
        services.document_give_adviser_opinion(actor=adviser, document_id=decision.pk, opinion="无重大法律风险")
        services.document_approve(actor=head, document_id=decision.pk, opinion="合法", urgent_reason=URGENT)
        contract = services.document_create(actor=drafter, title=f"采购合同{n}", body=BODY, issuer=city, kind="contract",
                                            contract={"counterparty": "春城某公司", "amount_yuan": 50000,
                                                      "contract_type": "采购"})
        services.document_submit_for_review(actor=drafter, document_id=contract.pk, drafting_notes="依据")
        services.document_approve(actor=head, document_id=contract.pk, opinion="合法", urgent_reason=URGENT)
    # after publication: an interpretation, an open clean-up campaign and a published one
    published = Document.objects.filter(state="published", kind="normative").order_by("pk")
    services.interpretation_write(actor=drafter, document_id=published.first().pk, title="政策解读",
                                  body="本办法的主要内容是……", interpreter="春城市教育局")
    registry.cleanup_open(actor=registrar, title="2026年规范性文件清理（进行中）", issuer=city)
    done = registry.cleanup_open(actor=registrar, title="2026年规范性文件清理", issuer=city)
    for item in done.items.all():
        registry.cleanup_decide(actor=registrar, cleanup_id=done.pk, document_id=item.document_id, decision="keep",
                                reason="继续有效")
    registry.cleanup_publish(actor=registrar, cleanup_id=done.pk)
    for user in User.objects.all():
        for doc in Document.objects.all()[:3]:
            InboxMessage.objects.create(recipient=user, document=doc, title="提醒")


def toml_list(name, values):
    """Each id twice, as a number and as text: some path parameters are typed integer in the
    schema, others (the viewset's) string, and Schemathesis uses an entry only where it fits."""
    entries = ", ".join(f'{v}, "{v}"' if isinstance(v, int) else f'"{v}"' for v in values)
    return f"[dictionaries.{name}]\nvalues = [{entries}]\n"


if __name__ == "__main__":
    world()
    print(toml_list("documents", Document.objects.values_list("pk", flat=True)))
    print(toml_list("comments", PublicComment.objects.values_list("pk", flat=True)))
    print(toml_list("findings", ReviewFinding.objects.values_list("pk", flat=True)))
    print(toml_list("messages", InboxMessage.objects.values_list("pk", flat=True)))
    print(toml_list("opinions", Opinion.objects.values_list("pk", flat=True)))
    print(toml_list("filings", Filing.objects.values_list("pk", flat=True)))
    print(toml_list("requests", ReviewRequest.objects.values_list("pk", flat=True)))
    print(toml_list("receipts", ReviewRequest.objects.values_list("receipt", flat=True).distinct()))
    print(toml_list("numbers", [1, 2]))
    print(toml_list("cleanups", Cleanup.objects.values_list("pk", flat=True)))
    print(toml_list("uploaded", Document.objects.filter(versions__source_file__isnull=False).values_list("pk", flat=True)))
    # the numbers of the versions that came from a file: a version typed in has no file to return
    print(toml_list("uploaded_numbers", Version.objects.filter(source_file__isnull=False)
                    .order_by("number").values_list("number", flat=True).distinct()))
    print(toml_list("public", Document.objects.filter(state="published").values_list("pk", flat=True)))
