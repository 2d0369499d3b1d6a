"""The inspiration-activity catalogue, registrations and the hours ledger (next issue)."""
