"""Questionnaires, the PDF report worker, budget overviews and exports (a later issue)."""
