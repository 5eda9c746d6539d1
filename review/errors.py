"""Domain errors with stable codes (DESIGN §4). The API maps them to HTTP; pages show `message`.

A refused act changes nothing: services raise these inside ``transaction.atomic()``.
"""


class DomainError(Exception):
    status = 409
    code = "conflict"

    def __init__(self, message, *, code=None, status=None, details=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details

    def as_dict(self):
        error = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"error": error}


class RuleViolation(DomainError):
    """A rule of DESIGN §1 forbids this act now (409)."""


class InvalidTransition(DomainError):
    code = "invalid_transition"


class ConcurrentChange(DomainError):
    code = "concurrent_change"


class Forbidden(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class InvalidInput(DomainError):
    status = 400
    code = "validation_error"
