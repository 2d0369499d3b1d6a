"""finance/ URLs, one module per topic (see finance/__init__.py)."""

from finance.urls import budget, earnings, instalments, items, payments, rates

app_name = "finance"
urlpatterns = [
    *rates.urlpatterns,
    *earnings.urlpatterns,
    *items.urlpatterns,
    *budget.urlpatterns,
    *instalments.urlpatterns,
    *payments.urlpatterns,
]
