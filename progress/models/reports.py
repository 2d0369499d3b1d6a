"""progress/ reports: see progress/__init__.py."""
