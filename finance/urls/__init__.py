"""finance/ URLs, one module per topic (see finance/__init__.py)."""

from finance.urls import budget, earnings, items, rates

app_name = "finance"
urlpatterns = [
    *rates.urlpatterns,
    *earnings.urlpatterns,
    *items.urlpatterns,
    *budget.urlpatterns,
]
