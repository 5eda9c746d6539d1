"""Run by test_numbering in separate processes: allocate N numbers, one transaction each, print them."""
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import transaction  # noqa: E402

from accounts.models import Organisation  # noqa: E402
from registry.services import number_allocate  # noqa: E402

issuer_code, year, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
issuer = Organisation.objects.get(code=issuer_code)
seqs = []
for _ in range(count):
    with transaction.atomic():
        seqs.append(number_allocate(issuer=issuer, year=year).seq)
print(" ".join(map(str, seqs)))
