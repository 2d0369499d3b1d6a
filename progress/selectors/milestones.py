"""progress/ milestones: see progress/__init__.py."""
