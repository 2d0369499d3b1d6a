"""finance/ selectors, one module per topic (see finance/__init__.py)."""
