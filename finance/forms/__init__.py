"""finance/ forms, one module per topic (see finance/__init__.py)."""
