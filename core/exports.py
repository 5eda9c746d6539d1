"""Exports never execute (issue 17): a cell a spreadsheet would read as a formula is made inert.

CSV: a value beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe (OWASP's advice: Excel and LibreOffice then show the text, never evaluate it).
XLSX: every string is written as an inline string cell (data type ``s``), never a formula; the
same apostrophe is kept so that a copy of the cell into another sheet stays inert too.
"""
from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# The same for PostgreSQL's COPY path (registry.audit), which formats rows in SQL: a Func
# template in which the expression appears once (so its parameters are bound once). In the
# pattern, \t and \r are the regular expression's tab and carriage return.
SQL_NEUTRALISE_TEMPLATE = r"""regexp_replace(%(expressions)s, '^([=+@\t\r-])', '''\1')"""


def neutralise(value):
    """The value as a spreadsheet may hold it without running it: strings only are changed."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_row(values):
    return [neutralise(v) for v in values]


def xlsx_text_cell(sheet, value):
    """A write-only openpyxl cell that holds ``value`` as text, whatever it begins with."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    # XML cannot carry control characters; an opinion pasted from elsewhere may hold some.
    cell = WriteOnlyCell(sheet, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
    cell.data_type = "s"  # never 'f': openpyxl would otherwise store "=…" as a formula
    return cell


def xlsx_row(sheet, values):
    return [xlsx_text_cell(sheet, v) for v in values]
