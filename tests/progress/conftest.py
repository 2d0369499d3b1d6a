import datetime as dt

import pytest
from django.utils import timezone

from tests.progress.factories import participate


@pytest.fixture
def part(closed_round, leader):
    """A participation of the closed 2026 round that began 60 days ago, and a login acting for it."""
    return participate(closed_round, leader, accepted_at=timezone.now() - dt.timedelta(days=60))
