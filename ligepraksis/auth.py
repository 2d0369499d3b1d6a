from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from sesame.backends import SesameBackendMixin


class EmailBackend(ModelBackend):
    """Log in with an e-mail address, whatever its case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get("email")
        if not email or password is None:
            return None
        User = get_user_model()
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            User().set_password(password)  # same work either way: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class SigninLinkTokens(SesameBackendMixin, ModelBackend):
    """Reads django-sesame sign-in tokens for ligepraksis/signin.py, which calls it directly.

    It is deliberately not in AUTHENTICATION_BACKENDS: nothing else can log in with a token, and a
    link is not a password guess for django-axes to count (a token's 80-bit signature cannot be
    guessed). With `lock=True` it loads the token's account with SELECT ... FOR UPDATE before the
    signature is checked, so spending a one-time token is serialised on the account's row.
    """

    def __init__(self, *, lock: bool = False):
        self.lock = lock

    def get_user(self, user_id):
        users = get_user_model()._default_manager.filter(pk=user_id)
        if self.lock:
            users = users.select_for_update()
        user = users.first()
        return user if user is not None and self.user_can_authenticate(user) else None
