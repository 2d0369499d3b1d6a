from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LigePraksisConfig(AppConfig):
    name = "ligepraksis"
    verbose_name = _("Programme and accounts")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app's portal.py joins the registries of menu links, start-page cards and demo builders.
        autodiscover_modules("portal")
        # The portal's own system checks (SITE_URL in `check --deploy`); the outbox's sender task,
        # which mail.enqueue queues after commit.
        import ligepraksis.checks  # noqa: F401
        import ligepraksis.tasks  # noqa: F401
