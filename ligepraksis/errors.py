class DomainError(Exception):
    """A business rule refused the action. The message is translated and safe to show the user.

    `code` names the rule for code that must react to it (never branch on the translated text);
    `field` names the form field the message belongs next to.
    """

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self):
        return str(self.message)


def validate_or_refuse(obj, *, exclude=None) -> None:
    """Run model validation (the CPR guard included) before anything is written; turn the first
    problem into a DomainError that names the field, so a form can show it next to that field."""
    from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
    from django.utils.text import capfirst

    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        if not hasattr(exc, "message_dict"):
            raise DomainError(exc.messages[0] if exc.messages else str(exc)) from exc
        field, messages = next((f, m) for f, m in exc.message_dict.items() if m)
        message = messages[0]
        if field == NON_FIELD_ERRORS:
            raise DomainError(message) from exc
        try:
            label = str(capfirst(obj._meta.get_field(field).verbose_name))
        except FieldDoesNotExist:
            label = field
        if label.lower() not in message.lower():  # the CPR guard's message already names the field
            message = f"{label}: {message}"
        raise DomainError(message, field=field) from exc
