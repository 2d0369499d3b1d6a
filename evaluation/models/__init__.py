"""evaluation/ models, one module per topic (see evaluation/__init__.py)."""

from evaluation.models.questionnaires import *  # noqa: F403
from evaluation.models.sharing import *  # noqa: F403
