"""finance/ services, one module per topic (see finance/__init__.py)."""
