"""Reminders and the in-app inbox (DESIGN §5).

Dependencies point down: this app imports ``core`` and ``accounts`` only, never ``review`` or
``registry`` (the foreign keys to documents are strings); their services call ``planning``
with the document, and recipients are found through ``accounts.jurisdiction``.
"""
