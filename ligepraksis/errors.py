class DomainError(Exception):
    """A business rule refused the action. The message is translated and safe to show the user."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)
