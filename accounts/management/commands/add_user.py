from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation, Role, User
from core.inputs import line_problem


K = Organisation.Kind
# Which kinds of organisation each role belongs to (DESIGN §3).
ROLE_ORG_KINDS = {
    Role.DRAFTER: (K.DRAFTING, K.OFFICE),
    Role.REVIEWER: (K.JUSTICE, K.CONGRESS),
    Role.REVIEW_HEAD: (K.JUSTICE, K.CONGRESS),
    Role.ADVISER: (K.LAW_FIRM, K.JUSTICE),
    Role.REGISTRAR: (K.OFFICE,),
    Role.AUDITOR: (K.AUDIT, K.OFFICE),
}


class Command(BaseCommand):
    help = "Add or update a staff user with a role in one organisation."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="organisation code")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, org, role, password, email, **options):
        problem = line_problem(username, "用户名")  # no control or bidirectional characters
        if problem:
            raise CommandError(problem)
        try:
            organisation = Organisation.objects.get(code=org)
        except Organisation.DoesNotExist:
            raise CommandError(f"机构 {org} 不存在；请先运行 add_org")
        allowed = ROLE_ORG_KINDS[role]
        if organisation.kind not in allowed:
            kinds = "、".join(Organisation.Kind(k).label for k in allowed)
            raise CommandError(f"{Role(role).label}须属于{kinds}，{organisation.name}是{organisation.get_kind_display()}")
        user, created = User.objects.get_or_create(username=username)
        user.organisation = organisation
        user.role = role
        user.email = email or user.email
        user.set_password(password)
        user.save()
        self.stdout.write(f"{'已添加' if created else '已更新'} {username}（{user.get_role_display()}，{organisation.name}）")
