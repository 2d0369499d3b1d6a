"""progress/ records: see progress/__init__.py."""
