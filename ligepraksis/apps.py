from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LigePraksisConfig(AppConfig):
    name = "ligepraksis"
    verbose_name = _("Programme and accounts")
