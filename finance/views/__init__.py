"""finance/ views, one module per topic (see finance/__init__.py)."""
