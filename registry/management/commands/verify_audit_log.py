from django.core.management.base import BaseCommand, CommandError

from review.history import verify_chain


class Command(BaseCommand):
    help = "Walk the hash-chained history once; print 'intact' or the first broken row (exit 1)."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.intact:
            self.stdout.write(f"intact ({report.rows} rows)")
            return
        raise CommandError(f"broken at seq {report.broken_seq}: {report.reason}")
