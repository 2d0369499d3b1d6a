"""Money (floor 6, above progress/): rates by region and year, what a round pays for, the earnings a
practice logs and a project leader decides, the budget lines of the KEU grant with their expenses,
and the money audit trail.

Split into topics, one module per topic in models/, services/, selectors/, forms/, views/ and urls/:
- rates: the consultant and transport rates by region and year;
- earnings: the items a round pays for (with their caps), the entries a practice logs against them,
  the leaders' decisions and what a practice has earned so far;
- items: the round's project leaders change what it pays for (items on and off, caps);
- budget: the grant's budget lines, expenses and the KEU secretariat's budget page and exports, with the
  forecast (selectors/forecast.py: what the practices can still earn under the caps);
- instalments: the round's instalments opened by milestones (progress/), a leader's approval (the
  amount fixed then), withholding and release, corrections;
- payments: the KEU secretariat's payment list (CSV/XLSX) and batches paid exactly once.
"""
