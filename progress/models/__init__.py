"""progress/ models, one module per topic (see progress/__init__.py)."""

from progress.models.consultants import *  # noqa: F403
from progress.models.material import *  # noqa: F403
from progress.models.milestones import *  # noqa: F403
from progress.models.records import *  # noqa: F403
from progress.models.reports import *  # noqa: F403
