"""progress's own signal for the apps above it (a decoupled extra, never the main flow).

`milestones_closed` is sent by progress/services/milestones.py with `milestone_ids` (the milestones just
closed, by their data or by a project leader's hand, also after a reopen), inside the transaction that
closes them, so what a receiver writes (evaluation/ writes an invitation to a questionnaire and its
outbox mail) commits or rolls back with the close. Receivers make themselves idempotent. progress never
imports the apps above it; they connect to this signal.
"""

from __future__ import annotations

from django.dispatch import Signal

milestones_closed = Signal()  # sender=Milestone, milestone_ids: list[int]
