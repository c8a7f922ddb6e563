"""Domain errors. Views and the API turn them into field errors or 4xx responses."""


class DomainError(Exception):
    """A rule of the domain refused the request; `message` is Swedish and user-facing."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input broke a rule; `errors` maps field name to messages, as forms show them."""

    status = 422

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors


class TransitionRefused(DomainError):
    """The action is not allowed from the case's current status or by this user."""

    status = 409


class NotFound(DomainError):
    """Missing, or not visible to the caller: the two are never told apart."""

    status = 404


class Forbidden(DomainError):
    """The caller may see the thing but their role does not let them do this."""

    status = 403
