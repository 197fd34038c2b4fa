"""Errors whose message is a complete Chinese answer for the user."""


class UserFacingError(Exception):
    """Raised by services and handlers; the dispatcher replies with `str(self)`."""


class UsageError(UserFacingError):
    """The command's arguments are missing or malformed."""


class NotFound(UserFacingError):
    """A record the user named does not exist (or is outside their subtree)."""


class Forbidden(UserFacingError):
    """The sender may not do this."""


class Conflict(UserFacingError):
    """The request contradicts the current state (twice, already done, …)."""
