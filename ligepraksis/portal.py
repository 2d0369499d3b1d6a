"""The core's part of the registries: its demo builder (the region, rounds and logins)."""

from ligepraksis import demo  # noqa: F401  (registers the core demo builder)
