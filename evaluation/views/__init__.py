"""evaluation/ views, one module per topic (see evaluation/__init__.py)."""
