from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Progress and follow-up")

    def ready(self):
        from progress import signals  # noqa: F401  (a participation gets its milestones when created)
