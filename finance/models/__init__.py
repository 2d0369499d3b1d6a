"""finance/ models, one module per topic (see finance/__init__.py)."""

from finance.models.budget import *  # noqa: F403
from finance.models.earnings import *  # noqa: F403
from finance.models.instalments import *  # noqa: F403
from finance.models.rates import *  # noqa: F403
