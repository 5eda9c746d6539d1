"""``add_org CODE --name NAME --kind K [flags]`` (DESIGN §3): add or update an organisation.

Flags: --parent CODE, --level, --number-prefix, --number-template, --opinion-prefix,
--review-body CODE, --registry-office CODE, --files-with CODE,CODE, --no-signoff. Unset
jurisdiction flags keep the defaults of accounts.jurisdiction, resolved when used. A combination
that makes no sense is refused with a message and nothing is written."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Organisation
from core.inputs import line_problem
from core.numbering import template_problem

Kind = Organisation.Kind


class Command(BaseCommand):
    help = "添加或更新机构。例：add_org CSJY --name 春城市教育局 --kind drafting --parent CSZF --number-prefix 春教规"

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=Kind.values)
        parser.add_argument("--parent", default="", help="所属政府（上级机构）代码")
        parser.add_argument("--level", default="", choices=[""] + Organisation.Level.values)
        parser.add_argument("--number-prefix", default="")
        parser.add_argument("--number-template", default="")
        parser.add_argument("--opinion-prefix", default="", help="审核机构：审核意见书编号前缀，如 春司审")
        parser.add_argument("--review-body", default="", help="制定机关：合法性审核机构代码（默认见设计文档第3节）")
        parser.add_argument("--registry-office", default="", help="制定机关：登记机构代码（默认：本机关）")
        parser.add_argument("--files-with", default="", help="制定机关：备案机关代码，逗号分隔")
        parser.add_argument("--no-signoff", action="store_true", help="审核机构：审核意见无须负责人签发")

    def _org(self, code, flag):
        try:
            return Organisation.objects.get(code=code)
        except Organisation.DoesNotExist:
            raise CommandError(f"{flag} 指定的机构 {code} 不存在；请先添加该机构")

    @transaction.atomic
    def handle(self, *args, code, name, kind, parent, level, number_prefix, number_template, opinion_prefix,
               review_body, registry_office, files_with, no_signoff, **options):
        code = code.strip()
        if not code:
            raise CommandError("机构代码不能为空")
        for value, label in ((code, "机构代码"), (name, "机构名称"), (number_prefix, "编号前缀")):
            problem = line_problem(value, label)  # no control or bidirectional characters
            if problem:
                raise CommandError(problem)
        for template in (number_template, options.get("registration_code_template", "")):
            problem = template_problem(template)
            if problem:
                raise CommandError(problem)
        if code in (parent, review_body, registry_office):
            raise CommandError("机构不能以自身为上级或审核机构")
        parent_org = self._org(parent, "--parent") if parent else None
        if parent_org is not None:
            ancestor = parent_org
            while ancestor is not None:
                if ancestor.code == code:
                    raise CommandError(f"--parent {parent} 会使机构层级成环")
                ancestor = ancestor.parent
            if kind in (Kind.DRAFTING, Kind.CONGRESS, Kind.JUSTICE, Kind.AUDIT) and parent_org.kind != Kind.OFFICE:
                raise CommandError(f"{Kind(kind).label}的上级须为人民政府（类型 office），{parent_org.name}不是")
        body = self._org(review_body, "--review-body") if review_body else None
        if body is not None and body.kind != Kind.JUSTICE:
            raise CommandError(f"合法性审核机构须为司法行政部门或法制机构（类型 justice），{body.name}不是")
        office = self._org(registry_office, "--registry-office") if registry_office else None
        if office is not None and office.kind != Kind.OFFICE:
            raise CommandError(f"登记机构须为人民政府（办公室）（类型 office），{office.name}不是")
        recipients = [self._org(c.strip(), "--files-with") for c in files_with.split(",") if c.strip()]
        for recipient in recipients:
            if recipient.kind not in (Kind.JUSTICE, Kind.CONGRESS):
                raise CommandError(f"备案机关须为司法行政部门或人大常委会，{recipient.name}不是")
        if (opinion_prefix or no_signoff) and kind != Kind.JUSTICE:
            raise CommandError("--opinion-prefix 和 --no-signoff 只适用于审核机构（类型 justice）")
        if (body or office or recipients) and kind not in (Kind.OFFICE, Kind.DRAFTING):
            raise CommandError("--review-body、--registry-office、--files-with 只适用于制定机关（类型 office 或 drafting）")
        if not level and parent_org is not None and parent_org.level and kind != Kind.OFFICE:
            level = parent_org.level  # a department has the level of its government
        org, created = Organisation.objects.update_or_create(code=code, defaults={
            "name": name, "kind": kind, "parent": parent_org, "level": level, "number_prefix": number_prefix,
            "number_template": number_template, "opinion_prefix": opinion_prefix, "review_body": body,
            "registry_office": office, "signoff_required": not no_signoff,
        })
        org.files_with.set(recipients)
        self.stdout.write(f"{'已添加' if created else '已更新'} {org}")
