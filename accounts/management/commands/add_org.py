from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation, template_problem
from core.inputs import line_problem


class Command(BaseCommand):
    help = "Add or update an organisation (机构). Example: add_org CJY --name 春城市教育局 --kind drafting --number-prefix 春教规"

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=Organisation.Kind.values)
        parser.add_argument("--number-prefix", default="")
        parser.add_argument("--number-template", default="")

    def handle(self, *args, code, name, kind, number_prefix, number_template, **options):
        if not code.strip():
            raise CommandError("机构代码不能为空")
        for value, label in ((code, "机构代码"), (name, "机构名称"), (number_prefix, "编号前缀")):
            problem = line_problem(value, label)  # no control or bidirectional characters
            if problem:
                raise CommandError(problem)
        for template in (number_template, options.get("registration_code_template", "")):
            problem = template_problem(template)
            if problem:
                raise CommandError(problem)
        org, created = Organisation.objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "number_prefix": number_prefix,
                      "number_template": number_template},
        )
        self.stdout.write(f"{'created' if created else 'updated'} {org}")
