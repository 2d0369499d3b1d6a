"""Follow-up of a participating practice (floor 5, above activities/): milestones, the clinic module,
the follow-up meeting, its own intervention with PDSA cycles, status reports, consultants and their
sessions, the project leaders' dashboard and the programme's material.

The app is split into topics, one module per topic in each of models/, services/, selectors/,
forms/, views/ and urls/ (as pretix does with `base/services/<topic>.py`):
- milestones: the round's milestone template, each participation's milestones, their states and the
  leaders' dashboard and the shared progress page;
- records: what the practice records (clinic module, follow-up meeting, own intervention, PDSA
  cycles);
- reports: the status reports every few months, their periods, overdue and reminders;
- consultants: consultant sessions, budgets by kind and the consultant's page (the assignment of a
  consultant to a participation lives on `applications.Participation`, so the lower apps'
  permissions can read it);
- material: the playbook and clinic-module files anyone may download.

What each topic adds to the rest of the portal (start-page cards, menus, measured pages, demo and
national data, a person's data) lives in progress/portals/<topic>.py (demo and national data in
`<topic>_data.py`, the milestones' personal data in `milestones_personal.py`); progress/portal.py
imports them.
"""
