"""Evaluation (the top floor: it may import every app). Split into topics, one module per topic in
each of models/, services/, selectors/, forms/, views/ and urls/ (as progress/ is):
- questionnaires: questionnaires before and after the programme, personal answer links, the
  reminder, anonymity, the results page with charts and the raw answers' export.
- sharing: interviews (notes for evaluators and project leaders only), each practice's own evaluation
  and its consent to publish, the postcards made from consenting evaluations (public), and the
  knowledge-sharing register linked to the practice's evaluation hours in finance/.

What a topic adds to the rest of the portal (start-page cards, demo data, a person's data, file
kinds) lives in evaluation/portal.py.
"""
