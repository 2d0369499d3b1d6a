"""finance/ forms, one module per topic (see finance/__init__.py). They validate and convert only;
the rules (ranges, caps, overspending) are the services'."""

from finance.forms.budget import BudgetLineForm, ExpenseForm, PeriodForm
from finance.forms.earnings import EntryDecisionForm, EntryForm
from finance.forms.fields import AmountField, QuantityField, reason_field
from finance.forms.instalments import CorrectionForm, InstalmentDecisionForm, InstalmentForm, PaymentForm
from finance.forms.rates import RateForm

__all__ = [
    "AmountField",
    "BudgetLineForm",
    "CorrectionForm",
    "InstalmentDecisionForm",
    "InstalmentForm",
    "PaymentForm",
    "EntryDecisionForm",
    "EntryForm",
    "ExpenseForm",
    "PeriodForm",
    "QuantityField",
    "RateForm",
    "reason_field",
]
