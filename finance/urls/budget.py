"""URLs of finance/ budget."""

from django.urls import path

from finance.views import budget

urlpatterns = [
    path("runder/<int:round_id>/budget/", budget.budget, name="budget"),
    path("runder/<int:round_id>/budget/eksport/<str:fmt>/", budget.budget_export, name="budget_export"),
    path("runder/<int:round_id>/budget/udgift/ny/", budget.expense_new, name="expense_new"),
    path("budget/udgifter/<int:pk>/betalt/", budget.expense_paid, name="expense_paid"),
    path("runder/<int:round_id>/budget/linje/ny/", budget.line_new, name="line_new"),
]
