"""Background work for applications: thin tasks that call a service (run by Celery beat)."""

from celery import shared_task

from applications import services


@shared_task
def expire_offers() -> int:
    return services.offers_expire()
