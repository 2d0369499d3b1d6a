"""progress/ material: see progress/__init__.py."""
