"""progress/ consultants: see progress/__init__.py."""
