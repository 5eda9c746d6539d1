import json

from django.core.management.base import BaseCommand

from registry.reports import annual_figures, annual_paragraphs, write_docx, write_xlsx


class Command(BaseCommand):
    help = ("Print the figures of the annual rule-of-law report for YEAR as paragraphs in Chinese; "
            "optionally write them as .docx and/or .xlsx.")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--json", action="store_true", help="print the figures as JSON instead")
        parser.add_argument("--docx", metavar="PATH", help="also write a Word document")
        parser.add_argument("--xlsx", metavar="PATH", help="also write a spreadsheet")

    def handle(self, *args, year, **options):
        figures = annual_figures(year)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
        else:
            for paragraph in annual_paragraphs(figures):
                self.stdout.write(paragraph)
        if options["docx"]:
            write_docx(figures, options["docx"])
            self.stdout.write(f"wrote {options['docx']}")
        if options["xlsx"]:
            write_xlsx(figures, options["xlsx"])
            self.stdout.write(f"wrote {options['xlsx']}")
