"""URLs of finance/ payments."""

from django.urls import path

from finance.views import payments

urlpatterns = [
    path("runder/<int:round_id>/betalinger/", payments.payments, name="payments"),
    path(
        "runder/<int:round_id>/betalinger/eksport/<str:fmt>/",
        payments.payments_export,
        name="payments_export",
    ),
    path("runder/<int:round_id>/betalinger/betal/", payments.payments_pay, name="payments_pay"),
]
