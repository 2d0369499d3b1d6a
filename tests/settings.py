"""The portal's settings for the test suite, with switches of the suite's own.

The tests must not depend on a developer's .env (which `python3 dev.py start` writes with DEBUG=true)
nor on a deployment's variables, so the three switches that decide how the portal signs and serves
are set here, before the portal's settings read the environment and .env (which never overrides a
variable that is already set). Everything else (DATABASE_URL, CELERY_BROKER_URL: CI sets them) is
read as the portal reads it. The tests that check deployed settings start subprocesses with an
environment of their own (tests/test_deployment.py).
"""

import os

os.environ["SECRET_KEY"] = "test-suite-only-" + "not-a-secret-" * 4
os.environ["DEBUG"] = "false"
os.environ["DEPLOYED"] = "false"

from ligepraksis.settings import *  # noqa: E402, F403
