"""Reminders and the in-app inbox (DESIGN §5).

Dependencies point down: this app never imports ``review`` or ``registry`` at import time
(string foreign keys, lazy imports inside functions); their services call ``planning``.
"""
