import json

from django.core.management.base import BaseCommand

from registry.reports import annual_figures, annual_paragraphs


class Command(BaseCommand):
    help = "Print the figures of the annual rule-of-law report for YEAR as paragraphs in Chinese."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--json", action="store_true", help="print the figures as JSON instead")

    def handle(self, *args, year, **options):
        figures = annual_figures(year)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        for paragraph in annual_paragraphs(figures):
            self.stdout.write(paragraph)
