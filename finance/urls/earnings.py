"""URLs of finance/ earnings."""

from django.urls import path

from finance.views import earnings, history

urlpatterns = [
    path("penge/deltagelse/<int:pk>/", earnings.money, name="money"),
    path("penge/deltagelse/<int:pk>/ny/", earnings.entry_new, name="entry_new"),
    path("runder/<int:round_id>/penge/", earnings.round_money, name="round_money"),
    path("runder/<int:round_id>/penge/poster/", earnings.entries, name="entries"),
    path("penge/poster/<int:pk>/beslutning/", earnings.entry_decide, name="entry_decide"),
    path("runder/<int:round_id>/penge/historik/", history.history, name="history"),
]
