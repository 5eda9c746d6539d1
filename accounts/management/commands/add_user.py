from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation, Role, User
from core.inputs import line_problem


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
        user, created = User.objects.get_or_create(username=username)
        user.organisation = organisation
        user.role = role
        user.email = email or user.email
        user.set_password(password)
        user.save()
        self.stdout.write(f"{'created' if created else 'updated'} {username} ({role} @ {org})")
