"""progress/ selectors, one module per topic (see progress/__init__.py)."""
