"""evaluation/ forms, one module per topic (see evaluation/__init__.py)."""

from evaluation.forms.questionnaires import AnswerForm, QuestionForm, QuestionnaireForm

__all__ = ["AnswerForm", "QuestionForm", "QuestionnaireForm"]
