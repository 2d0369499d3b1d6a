"""A participation gets its milestones when it is created: progress/ listens to the post_save signal
of applications.Participation (a decoupled extra: applications/ never imports progress/). The
milestones are made in the same transaction, so a participation rolled back leaves none behind.
`milestones_ensure` is idempotent; the pages, the start-page cards and `manage.py progress_milestones`
call it too (for participations made before progress/ existed, or by a bulk insert)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from applications.models import Participation


@receiver(post_save, sender=Participation, dispatch_uid="progress.milestones_on_participation")
def participation_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from progress.services.milestones import milestones_ensure

        milestones_ensure(participations=[instance])
