"""evaluation/ services, one module per topic (see evaluation/__init__.py)."""
