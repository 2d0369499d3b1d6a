"""The core's part of the registries: its demo builder and its national-data builder (the regions,
rounds and logins)."""

from ligepraksis import (
    demo,  # noqa: F401  (registers the core demo builder)
    national,  # noqa: F401  (registers the core national-data builder)
)
