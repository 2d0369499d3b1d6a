"""A practice's coordinators are invited to a questionnaire of the phase "milestone" when its milestone
closes: progress/ sends `milestones_closed` (progress never imports evaluation/) inside the closing
transaction; the invitation service makes it once per participation."""

from __future__ import annotations

from django.dispatch import receiver

from progress.events import milestones_closed


@receiver(milestones_closed, dispatch_uid="evaluation.invite_on_milestone_closed")
def invite_on_milestone_closed(sender, milestone_ids, **kwargs):
    from evaluation.services.questionnaires import milestone_closed_invite

    milestone_closed_invite(milestone_ids=milestone_ids)
