"""progress/ forms, one module per topic (see progress/__init__.py)."""
