"""URLs of finance/ items."""

from django.urls import path

from finance.views import items

urlpatterns = [
    path("runder/<int:round_id>/penge/ydelser/", items.pay_items, name="pay_items"),
]
