"""Settings for `manage.py benchmark` only: the portal's own settings with DEBUG off, served over
plain http on the loopback address, and a URLconf that adds the benchmark's floor view
(`ligepraksis/bench_urls.py`). The production URLconf (`ligepraksis/urls.py`) never has the floor.

The benchmark starts gunicorn with this module and passes SECRET_KEY and DATABASE_URL, so the
sessions it makes in its own process are valid in the server's.
"""

import os

# Before the portal's settings read the environment and .env (which never override a set variable).
os.environ["DEBUG"] = "false"
os.environ["DEPLOYED"] = "false"  # plain http on 127.0.0.1: no HTTPS redirect, no secure-only cookies

from ligepraksis.settings import *  # noqa: E402, F403
from ligepraksis.settings import ALLOWED_HOSTS  # noqa: E402

ROOT_URLCONF = "ligepraksis.bench_urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1"]
