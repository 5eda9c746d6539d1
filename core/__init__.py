"""The bottom layer (DESIGN §8): what every app stands on and nothing of the project's own.

- ``core.clock``: today and now in the government's time zone;
- ``core.calendar``: Chinese working days with make-up days (R3, R5), months and years (R12);
- ``core.numbering``: gapless sequences per owner and year (R9 numbers, opinion letters);
- ``core.errors``: the one application error type and the enumeration of its codes;
- ``core.api``: the one API error handler and the JSON error pages.

``core`` imports Django and third-party packages only, never another app of this project.
"""
