"""Every URL name × every actor × method → the expected status, written out by hand.

The table is the specification of who may do what; ligepraksis/permissions.py is the implementation.
A URL that is added without a row here fails `test_every_url_name_is_in_the_matrix`.

Expected answers:
- LOGIN: 302 to the login page (login_required, anonymous)
- 302: a redirect that is NOT to the login page (the view did its work, or sent the user on)
- 404 for anyone who may not know the object exists; 403 for someone who may see but not act
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from sesame.utils import get_token

from ligepraksis import signin
from ligepraksis.models import ProviderOrganisation, Role
from ligepraksis.services import user_get_or_create
from tests.conftest import make_application, make_practice, make_region, make_round, make_user
from tests.helpers import login

LOGIN = "login"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ACTORS = (
    "anonymous",
    "owner",  # created the application, acting for the practice (as every applicant who submits)
    "colleague",  # a PRACTICE grant for the same practice
    "steering",  # steering group member of the closed round
    "leader",  # project leader of the closed round
    "keu",  # KEU secretariat of the region
    "consultant",  # consultant in the closed round
    "provider",  # an activity provider organisation's user
    "evaluator",  # evaluator in the closed round
    "outsider",  # logged in, no relation
    "other_leader",  # project leader of ANOTHER round: an outsider for this round's objects
)


def row(*statuses):
    """One status per actor, in the order of ACTORS (the column header above MATRIX)."""
    assert len(statuses) == len(ACTORS), statuses
    return dict(zip(ACTORS, statuses, strict=True))


def everyone(status):
    return dict.fromkeys(ACTORS, status)


def logged_in(status, anonymous=LOGIN):
    return {"anonymous": anonymous, **dict.fromkeys(ACTORS[1:], status)}


@dataclass
class Case:
    name: str  # "namespace:name"
    method: str
    target: str | None  # which object builds the URL kwargs (see _kwargs)
    expected: dict
    data: dict = field(default_factory=dict)
    query: str = ""

    @property
    def id(self):
        return f"{self.name}-{self.method}-{self.target or 'none'}"


# Objects: "app" = a submitted application of the owner's practice in the closed round (review open);
# "draft" = a draft of the same practice in the open round; "closed"/"open" = those rounds.
CPR_TEXT = "Patient 010190-1234"  # refused by every form: makes a POST harmless (nothing is written)

# Columns of row(...):
#        anon   owner colleague steering leader keu consultant provider evaluator outsider other_leader
MATRIX = [
    # --- Public pages ---------------------------------------------------------------------------------
    Case("home", "GET", None, everyone(200)),
    Case("health", "GET", None, everyone(200)),
    # The footer's public notices: /was redirects to the statement in the WAS-Tool (was.digst.dk).
    Case("accessibility_statement", "GET", None, everyone(302)),
    Case("privacy", "GET", None, everyone(200)),
    Case("set_language", "POST", None, everyone(302), data={"language": "da", "next": "/"}),
    Case("login", "GET", None, everyone(200)),
    # An empty password never reaches authenticate(), so django-axes counts no failure.
    Case("login", "POST", None, everyone(200), data={"username": "nobody@example.org", "password": ""}),
    Case("logout", "GET", None, everyone(405)),
    Case("logout", "POST", None, everyone(302)),
    Case("password_reset", "GET", None, everyone(200)),
    Case("password_reset", "POST", None, everyone(302), data={"email": "nobody@example.org"}),
    Case("password_reset_done", "GET", None, everyone(200)),
    Case("password_reset_confirm", "GET", "bad_reset_token", everyone(200)),  # "the link is invalid"
    Case("password_reset_complete", "GET", None, everyone(200)),
    # --- Sign-in links by e-mail (the same page for every address; a logged-in user is sent home) -----
    Case("signin_link", "GET", None, logged_in(302, anonymous=200)),
    Case("signin_link", "POST", None, logged_in(302, anonymous=200), data={"email": "ny@example.org"}),
    # A link shows a page with a "Log in" button to anyone who has it; a link that does not work sends
    # the user to where a new one can be asked for. Only a POST spends a link.
    Case("signin_link_confirm", "GET", "signin_token", everyone(200)),
    Case("signin_link_confirm", "GET", "bad_token", everyone(302)),
    Case("signin_link_confirm", "POST", "bad_token", everyone(302)),
    # --- Applying -------------------------------------------------------------------------------------
    # A logged-in user skips the e-mail step and is sent on to `start`.
    Case("applications:apply", "GET", "open", logged_in(302, anonymous=200)),
    Case(
        "applications:apply", "POST", "open", logged_in(302, anonymous=200), data={"email": "ny@example.org"}
    ),
    Case("applications:verify", "GET", "apply_token", everyone(200)),
    Case("applications:verify", "GET", "open_bad_token", everyone(302)),
    Case("applications:verify", "POST", "open_bad_token", everyone(302)),
    Case("applications:start", "GET", "open", logged_in(200)),
    Case(
        "applications:start", "POST", "open", logged_in(200), data={"step": "lookup", "provider_number": "12"}
    ),  # an invalid number: the form again
    Case("applications:start", "GET", "closed", logged_in(302)),  # not open: sent home with a message
    Case("applications:mine", "GET", None, logged_in(200)),
    # --- One application ------------------------------------------------------------------------------
    Case("applications:detail", "GET", "app", row(LOGIN, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404)),
    # The closed round's steering member and leader are outsiders to a draft in another round.
    Case("applications:detail", "GET", "draft", row(LOGIN, 200, 200, 404, 404, 404, 404, 404, 404, 404, 404)),
    # Submitted: the owner and colleagues are sent to the detail page; reviewers may see, not edit.
    Case("applications:edit", "GET", "app", row(LOGIN, 302, 302, 403, 403, 404, 404, 404, 404, 404, 404)),
    Case(
        "applications:edit",
        "POST",
        "app",
        row(LOGIN, 302, 302, 403, 403, 404, 404, 404, 404, 404, 404),
        data={"motivation": "x", "save": "1"},
    ),
    Case("applications:edit", "GET", "draft", row(LOGIN, 200, 200, 404, 404, 404, 404, 404, 404, 404, 404)),
    Case(
        "applications:edit",
        "POST",
        "draft",
        row(LOGIN, 200, 200, 404, 404, 404, 404, 404, 404, 404, 404),
        data={"motivation": CPR_TEXT, "save": "1"},
    ),
    Case("applications:reopen", "GET", "app", logged_in(405)),
    # The round is closed: the owner is told so on the detail page (302); nothing changes.
    Case("applications:reopen", "POST", "app", row(LOGIN, 302, 302, 403, 403, 404, 404, 404, 404, 404, 404)),
    Case("applications:delete", "GET", "app", logged_in(405)),
    # Only a draft can be deleted, and only by its author: refused with a message here.
    Case("applications:delete", "POST", "app", row(LOGIN, 302, 302, 403, 403, 404, 404, 404, 404, 404, 404)),
    Case("applications:confirm_request", "GET", "app", logged_in(405)),
    # Not a request: refused with a message for everyone who may see the application.
    Case(
        "applications:confirm_request",
        "POST",
        "app",
        row(LOGIN, 302, 302, 302, 302, 404, 404, 404, 404, 404, 404),
    ),
    Case("applications:confirm_practice", "GET", "app", logged_in(405)),
    Case(
        "applications:confirm_practice",
        "POST",
        "app",
        row(LOGIN, 403, 403, 403, 302, 404, 404, 404, 404, 404, 404),
    ),
    Case("applications:hand_over", "GET", "app", logged_in(405)),
    Case(
        "applications:hand_over",
        "POST",
        "app",  # no address: an error message, nothing changes
        row(LOGIN, 403, 403, 403, 302, 404, 404, 404, 404, 404, 404),
    ),
    Case("applications:lift_conflict", "GET", "app", logged_in(405)),
    Case(
        "applications:lift_conflict",
        "POST",
        "app",  # no such review: a message, nothing changes
        row(LOGIN, 403, 403, 403, 302, 404, 404, 404, 404, 404, 404),
        data={"review": "0", "reason": "x"},
    ),
    Case("applications:accept", "GET", "app", row(LOGIN, 200, 200, 403, 403, 404, 404, 404, 404, 404, 404)),
    Case(
        "applications:accept",
        "POST",
        "app",  # no confirmation ticked: the form is shown again
        row(LOGIN, 200, 200, 403, 403, 404, 404, 404, 404, 404, 404),
    ),
    Case("applications:withdraw", "GET", "app", logged_in(405)),
    # The practice, or a leader on its behalf (the CPR text in the reason keeps it from happening).
    Case(
        "applications:withdraw",
        "POST",
        "app",
        row(LOGIN, 302, 302, 403, 302, 404, 404, 404, 404, 404, 404),
        data={"reason": CPR_TEXT},
    ),
    # --- Review, recommendation, decision -------------------------------------------------------------
    Case("applications:review", "GET", "app", row(LOGIN, 403, 403, 200, 200, 404, 404, 404, 404, 404, 404)),
    Case(
        "applications:review",
        "POST",
        "app",  # no scores: the form is shown again
        row(LOGIN, 403, 403, 200, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case("applications:review", "GET", "draft", row(LOGIN, 403, 403, 404, 404, 404, 404, 404, 404, 404, 404)),
    Case("applications:recommend", "GET", "app", logged_in(405)),
    Case(
        "applications:recommend",
        "POST",
        "app",  # no outcome: an error message on the detail page
        row(LOGIN, 403, 403, 302, 302, 404, 404, 404, 404, 404, 404),
    ),
    Case("applications:decide", "GET", "app", logged_in(405)),
    Case(
        "applications:decide",
        "POST",
        "app",  # no outcome: an error message on the detail page
        row(LOGIN, 403, 403, 403, 302, 404, 404, 404, 404, 404, 404),
    ),
    Case("applications:offer", "GET", "app", logged_in(405)),
    Case(
        "applications:offer",
        "POST",
        "app",  # not on the waiting list: an error message
        row(LOGIN, 403, 403, 403, 302, 404, 404, 404, 404, 404, 404),
        data={"reason": "Næste"},
    ),
    # --- The decision letter and the accepted terms (PDFs; a status page while being made) -----------
    # The practice and the round's leaders; not the steering group, nor the assigned consultant.
    Case(
        "applications:decision_letter",
        "GET",
        "app",
        row(LOGIN, 200, 200, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case("applications:decision_letter", "GET", "draft", logged_in(404)),  # no decision: no letter
    Case(
        "applications:terms_pdf", "GET", "app", row(LOGIN, 200, 200, 404, 200, 404, 404, 404, 404, 404, 404)
    ),
    Case("applications:terms_pdf", "GET", "draft", logged_in(404)),  # no terms accepted
    # --- Round pages ----------------------------------------------------------------------------------
    Case(
        "applications:round_list",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case(
        "applications:selection",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case("applications:apply_suggestion", "GET", "closed", logged_in(405)),
    Case(
        "applications:apply_suggestion",
        "POST",
        "closed",  # nothing confirmed: back to the suggestion
        row(LOGIN, 404, 404, 404, 302, 404, 404, 404, 404, 404, 404),
    ),
    Case(
        "applications:export",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        query="?format=csv",
    ),
    Case(
        "applications:export",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        query="?format=xlsx",
    ),
    # --- Files made in the worker (a large export): those the export's kind allows, for the job's
    # round (its project leaders, the requester among them); 404 for everyone else. "file_job" is a
    # finished sign-ups export of the closed round that the leader asked for.
    Case("file_job", "GET", "file_job", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    Case(
        "file_job_download", "GET", "file_job", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404)
    ),
    # --- Activities: the public catalogue -------------------------------------------------------------
    # Objects: "activity" of the closed round run by the provider "VID"; "session" an upcoming session
    # of it; "registration" the practice's coordinator signed up for it; "claim" a pending hour claim
    # of the practice with an evidence file; "practice" the owner's practice (participating in the
    # closed round). The application's "owner" acts for the practice, like the "colleague".
    Case("activities:catalogue", "GET", None, everyone(200)),
    Case("activities:activity", "GET", "activity", everyone(200)),
    # --- Sign-up: any logged-in user gets a page (the form, or how to get access to a practice) -------
    Case("activities:signup", "GET", "session", logged_in(200)),
    Case("activities:signup", "POST", "session", logged_in(200)),  # nobody chosen: the form again
    Case(
        "activities:registration_cancel",
        "GET",
        "registration",  # the page that asks first
        row(LOGIN, 200, 200, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case(
        "activities:registration_cancel",
        "POST",
        "registration",
        row(LOGIN, 302, 302, 404, 302, 404, 404, 404, 404, 404, 404),
    ),
    # --- A practice's hours and claims ----------------------------------------------------------------
    Case(
        "activities:my_hours",
        "GET",
        None,  # one practice: straight to its page
        row(LOGIN, 302, 302, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Case(
        "activities:practice_hours",
        "GET",
        "practice",
        row(LOGIN, 200, 200, 404, 200, 404, 200, 404, 404, 404, 404),
    ),
    # The practice's history (past sign-ups, all claims): whoever may see its hours page.
    Case(
        "activities:practice_history",
        "GET",
        "practice",
        row(LOGIN, 200, 200, 404, 200, 404, 200, 404, 404, 404, 404),
    ),
    # Leaders and consultants may see the practice but not claim for it.
    Case(
        "activities:claim_new",
        "GET",
        "practice",
        row(LOGIN, 200, 200, 404, 403, 404, 403, 404, 404, 404, 404),
    ),
    Case(
        "activities:claim_new",
        "POST",
        "practice",
        row(LOGIN, 200, 200, 404, 403, 404, 403, 404, 404, 404, 404),
        data={"description": CPR_TEXT},
    ),
    Case(
        "activities:claim_evidence",
        "GET",
        "claim",
        row(LOGIN, 200, 200, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    # --- Project leaders: claims, overview, import and export ----------------------------------------
    Case("activities:claims", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    Case("activities:claims_decide", "GET", "closed", logged_in(405)),
    Case(
        "activities:claims_decide",
        "POST",
        "closed",  # nothing ticked, no decision chosen: the claims page again
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case(
        "activities:overview", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404)
    ),
    Case(
        "activities:catalogue_export",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        query="?format=csv",
    ),
    Case(
        "activities:catalogue_export",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        query="?format=xlsx",
    ),
    # A round's sign-ups and attendance, one row per registration: its project leaders only.
    Case(
        "activities:signups_export",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        query="?format=csv",
    ),
    Case(
        "activities:signups_export",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        query="?format=xlsx",
    ),
    Case(
        "activities:catalogue_import",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case(
        "activities:catalogue_import",
        "POST",
        "closed",  # no file: the form again
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    # --- Catalogue editing: the round's project leaders and the activity's provider -------------------
    Case(
        "activities:activity_new",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
    ),
    Case(
        "activities:activity_new",
        "POST",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
        data={"title": CPR_TEXT},
    ),
    Case(
        "activities:activity_edit",
        "GET",
        "activity",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
    ),
    Case(
        "activities:activity_edit",
        "POST",
        "activity",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
        data={"title": CPR_TEXT},
    ),
    Case(
        "activities:session_new",
        "GET",
        "activity",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
    ),
    Case(
        "activities:session_new",
        "POST",
        "activity",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
        data={"place": CPR_TEXT},
    ),
    Case(
        "activities:session_edit",
        "GET",
        "session",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
    ),
    Case(
        "activities:session_edit",
        "POST",
        "session",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
        data={"place": CPR_TEXT},
    ),
    Case("activities:session_cancel", "GET", "session", logged_in(405)),
    Case(
        "activities:session_cancel",
        "POST",
        "session",  # a CPR number as reason: refused, message
        row(LOGIN, 404, 404, 404, 302, 404, 404, 302, 404, 404, 404),
        data={"reason": CPR_TEXT},
    ),
    # Attendance before the session starts: the form again with a message.
    Case(
        "activities:attendance",
        "GET",
        "session",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
    ),
    Case(
        "activities:attendance",
        "POST",
        "session",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404),
    ),
    # --- My activities: leaders (their rounds' activities) and providers (their organisation's) -------
    # What each sees is tested in tests/activities/test_my_activities.py.
    Case("activities:mine", "GET", None, row(LOGIN, 403, 403, 403, 200, 403, 403, 200, 403, 403, 200)),
    # --- Light accounts and a practice's people ---------------------------------------------------------
    # A logged-in user skips the e-mail step; someone with a practice is sent to its people page.
    Case("practices:join", "GET", None, logged_in(302, anonymous=200)),
    Case("practices:join", "POST", None, logged_in(302, anonymous=200), data={"email": "ny@example.org"}),
    Case("practices:join_verify", "GET", "join_token", everyone(200)),
    Case("practices:join_verify", "GET", "bad_token", everyone(302)),
    Case("practices:join_verify", "POST", "bad_token", everyone(302)),
    Case(
        "practices:join_practice", "GET", None, row(LOGIN, 302, 302, 200, 200, 200, 200, 200, 200, 200, 200)
    ),
    Case(
        "practices:join_practice",
        "POST",
        None,  # nothing filled in: the form again
        row(LOGIN, 302, 302, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    Case("practices:people", "GET", "practice", row(LOGIN, 200, 200, 404, 200, 404, 200, 404, 404, 404, 404)),
    # The practice gets the form again (a CPR number); a leader or consultant is told it is not theirs.
    Case(
        "practices:people",
        "POST",
        "practice",
        row(LOGIN, 200, 200, 404, 200, 404, 200, 404, 404, 404, 404),
        data={"name": CPR_TEXT, "kind": "staff"},
    ),
    Case("practices:person_access", "GET", "member", logged_in(405)),
    Case(
        "practices:person_access",
        "POST",
        "member",  # give a login; refused with a message if not theirs
        row(LOGIN, 302, 302, 404, 302, 404, 302, 404, 404, 404, 404),
    ),
    # An access-consent link: a page for everyone; an invalid token says so (nothing changes).
    Case("practices:consent", "GET", "bad_token", everyone(200)),
    Case("practices:consent", "POST", "bad_token", everyone(200)),
    Case(
        "practices:person_access",
        "POST",
        "member",  # a new calendar link for the person (same rule)
        row(LOGIN, 302, 302, 404, 302, 404, 302, 404, 404, 404, 404),
        data={"action": "feed"},
    ),
    Case("practices:feed_reset", "GET", "practice", logged_in(405)),
    # A new calendar link for the practice: the practice does it; a leader or consultant who may see
    # the practice is refused with a message.
    Case(
        "practices:feed_reset",
        "POST",
        "practice",
        row(LOGIN, 302, 302, 404, 302, 404, 302, 404, 404, 404, 404),
    ),
    # --- progress/ status reports: the practice files and reads (acting for it); the round's leaders,
    # steering group and consultant read (403 on POST); everyone else 404. "participation" is the
    # practice's participation in the closed round (its first period has begun); "status_report" a
    # report of it (for the only period begun, so the practice's POST is sent back with a message).
    # A POST with a CPR number on a report shows the form again (nothing is saved).
    Case(
        "progress:reports",
        "GET",
        "participation",
        row(LOGIN, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404),
    ),
    Case(
        "progress:reports",
        "POST",
        "participation",
        row(LOGIN, 302, 302, 403, 403, 404, 403, 404, 404, 404, 404),
        data={"period": "1", "progress": CPR_TEXT, "traffic_light": "green"},
    ),
    Case(
        "progress:report",
        "GET",
        "status_report",
        row(LOGIN, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404),
    ),
    Case(
        "progress:report",
        "POST",
        "status_report",
        row(LOGIN, 200, 200, 403, 403, 404, 403, 404, 404, 404, 404),
        data={"progress": CPR_TEXT, "traffic_light": "green", "version": "1"},
    ),
    Case(
        "progress:round_reports",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 200, 200, 404, 200, 404, 404, 404, 404),
    ),
    Case(
        "progress:round_reports",
        "POST",
        "closed",
        row(LOGIN, 404, 404, 403, 403, 404, 403, 404, 404, 404, 404),
    ),
    # --- progress/ material: anyone lists and downloads published files; the round's project leaders
    # upload, change and delete. "material" is a published PDF of the closed round.
    Case("progress:material", "GET", None, everyone(200)),
    Case("progress:material", "POST", None, everyone(405)),
    Case("progress:material_download", "GET", "material", everyone(200)),
    Case("progress:material_download", "POST", "material", everyone(405)),
    Case(
        "progress:material_manage",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case(
        "progress:material_manage",
        "POST",
        "closed",  # no file: the form again
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        data={"title": "Drejebog", "kind": "playbook"},
    ),
    Case(
        "progress:material_edit",
        "GET",
        "material",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case(
        "progress:material_edit",
        "POST",
        "material",  # a CPR number in the title: the form again
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        data={"title": CPR_TEXT, "kind": "playbook"},
    ),
    # --- progress/: milestones and records ---------------------------------------------------------------
    # The progress page is shared by the practice, its consultant (the consultant of the round who may
    # see the practice: applications' practice visibility), the round's leaders and steering group; the
    # steering group and the consultant read only (403 on every POST); everyone else 404.
    Case(
        "progress:progress",
        "GET",
        "participation",
        row(LOGIN, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404),
    ),
    Case(
        "progress:milestone", "GET", "milestone", row(LOGIN, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404)
    ),
    # Only a leader closes or reopens a milestone (a CPR number in the reason: the form again).
    Case(
        "progress:milestone",
        "POST",
        "milestone",
        row(LOGIN, 403, 403, 403, 200, 404, 403, 404, 404, 404, 404),
        data={"reason": CPR_TEXT},
    ),
    # The leaders' dashboard: the round's leaders and steering group (read).
    Case("progress:dashboard", "GET", "closed", row(LOGIN, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404)),
    Case("progress:template", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    # An empty form: the page again with its errors, nothing saved.
    Case("progress:template", "POST", "closed", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    # The practice's records: those acting for it edit; the others who share the page read.
    *[
        case
        for name, field in (
            ("progress:clinic_module", "challenges"),
            ("progress:followup", "decisions"),
            ("progress:intervention", "aims"),
        )
        for case in (
            Case(name, "GET", "participation", row(LOGIN, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404)),
            Case(
                name,
                "POST",
                "participation",
                row(LOGIN, 200, 200, 403, 403, 404, 403, 404, 404, 404, 404),
                data={field: CPR_TEXT},
            ),
        )
    ],
    # A new PDSA cycle is a page of the practice only.
    Case(
        "progress:pdsa_new",
        "GET",
        "participation",
        row(LOGIN, 200, 200, 403, 403, 404, 403, 404, 404, 404, 404),
    ),
    Case(
        "progress:pdsa_new",
        "POST",
        "participation",
        row(LOGIN, 200, 200, 403, 403, 404, 403, 404, 404, 404, 404),
        data={"plan": CPR_TEXT},
    ),
    Case("progress:pdsa_edit", "GET", "cycle", row(LOGIN, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404)),
    Case(
        "progress:pdsa_edit",
        "POST",
        "cycle",
        row(LOGIN, 200, 200, 403, 403, 404, 403, 404, 404, 404, 404),
        data={"plan": CPR_TEXT},
    ),
    # --- Calendar feeds: anonymous; the random key in the URL is the key ---------------------------------
    Case("calendar:person", "GET", "person_token", everyone(200)),
    Case("calendar:person", "GET", "bad_token", everyone(404)),
    Case("calendar:person", "GET", "left_person_token", everyone(404)),  # the person left the practice
    Case("calendar:practice", "GET", "practice_token", everyone(200)),
    Case("calendar:practice", "GET", "bad_token", everyone(404)),
    # --- Progress: consultants ---------------------------------------------------------------------------
    # "participation" is the practice's participation in the closed round; the world's consultant is
    # assigned to it (an unassigned consultant is an outsider: test_an_unassigned_consultant_...).
    # The consultant's own page: whoever holds a consultant grant.
    Case(
        "progress:consultant_home", "GET", None, row(LOGIN, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404)
    ),
    # A practice's consultant sessions: the practice, its consultant, the leaders; the steering group reads.
    Case(
        "progress:consultant_sessions",
        "GET",
        "participation",
        row(LOGIN, 200, 200, 200, 200, 404, 200, 404, 404, 404, 404),
    ),
    # Recording: its consultant and the leaders (a CPR number in the topic: the form again).
    Case(
        "progress:consultant_sessions",
        "POST",
        "participation",
        row(LOGIN, 403, 403, 403, 200, 404, 200, 404, 404, 404, 404),
        data={"held_on": "01.01.2026", "hours": "1", "kind": "medical", "topic": CPR_TEXT},
    ),
    Case("progress:consultant_budget", "GET", "participation", logged_in(405)),
    # Raising a practice's budget: the round's leaders only (a CPR number in the reason: a message).
    Case(
        "progress:consultant_budget",
        "POST",
        "participation",
        row(LOGIN, 403, 403, 403, 302, 404, 403, 404, 404, 404, 404),
        data={"kind": "medical", "hours": "2", "reason": CPR_TEXT},
    ),
    # Assigning consultants: the round's leaders.
    Case(
        "progress:consultant_assign",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
    ),
    Case(
        "progress:consultant_assign",
        "POST",
        "closed",  # nothing chosen: a message, nothing changes
        row(LOGIN, 404, 404, 404, 302, 404, 404, 404, 404, 404, 404),
    ),
    # --- Money (finance/): the practice its own, the round's leaders, the region's KEU secretariat; ------
    # steering-group members, consultants, providers and evaluators see no money (404).
    Case(
        "finance:money", "GET", "participation", row(LOGIN, 200, 200, 404, 200, 200, 404, 404, 404, 404, 404)
    ),
    # Only the practice logs; leaders and the secretariat may see the money, not log for it.
    Case(
        "finance:entry_new",
        "GET",
        "participation",
        row(LOGIN, 200, 200, 404, 403, 403, 404, 404, 404, 404, 404),
    ),
    Case(
        "finance:entry_new",
        "POST",
        "participation",
        row(LOGIN, 200, 200, 404, 403, 403, 404, 404, 404, 404, 404),
        data={"description": CPR_TEXT},
    ),
    Case(
        "finance:round_money", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404)
    ),
    Case("finance:entries", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    Case("finance:entry_decide", "GET", "entry", logged_in(405)),
    # An empty decision: the leader is sent back to the queue with the form's errors; nothing is written.
    # The KEU secretariat cannot decide (404, as for everyone but the round's leaders).
    Case(
        "finance:entry_decide", "POST", "entry", row(LOGIN, 404, 404, 404, 302, 404, 404, 404, 404, 404, 404)
    ),
    Case("finance:history", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404)),
    Case("finance:budget", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404)),
    Case(
        "finance:budget_export",
        "GET",
        "closed_csv",
        row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404),
    ),
    Case(
        "finance:expense_new", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404)
    ),
    Case(
        "finance:expense_new",
        "POST",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404),
        data={"description": CPR_TEXT},
    ),
    Case("finance:expense_paid", "GET", "expense", logged_in(405)),
    Case(
        "finance:expense_paid",
        "POST",
        "expense",
        row(LOGIN, 404, 404, 404, 302, 302, 404, 404, 404, 404, 404),
    ),
    Case("finance:line_new", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404)),
    Case(
        "finance:line_new",
        "POST",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404),
        data={"name": CPR_TEXT},
    ),
    # What the round pays for (items, caps): the round's project leaders only (and administrators).
    Case("finance:pay_items", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404)),
    # No such item of the round: the leader is sent back with a message; nothing changes.
    Case(
        "finance:pay_items",
        "POST",
        "closed",
        row(LOGIN, 404, 404, 404, 302, 404, 404, 404, 404, 404, 404),
        data={"item": "0", "enabled": "on", "cap": "1"},
    ),
    # Rates: the region's project leaders (of any of its rounds) and administrators.
    Case("finance:rates", "GET", "region", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 200)),
    Case(
        "finance:rates",
        "POST",
        "region",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 200),
        data={"year": "not a year"},
    ),
    # Instalments: the round's leaders decide (the practice and the KEU secretariat see the money: 403);
    # an empty decision sends the leader back with the form's errors, nothing written.
    Case("finance:instalment_decide", "GET", "instalment", logged_in(405)),
    Case(
        "finance:instalment_decide",
        "POST",
        "instalment",
        row(LOGIN, 403, 403, 404, 302, 403, 404, 404, 404, 404, 404),
    ),
    Case(
        "finance:correction_new",
        "GET",
        "participation",
        row(LOGIN, 403, 403, 404, 200, 403, 404, 404, 404, 404, 404),
    ),
    Case(
        "finance:correction_new",
        "POST",
        "participation",
        row(LOGIN, 403, 403, 404, 200, 403, 404, 404, 404, 404, 404),
        data={"amount": "100", "reason": CPR_TEXT},
    ),
    Case(
        "finance:instalments", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404)
    ),
    Case(
        "finance:instalments",
        "POST",
        "closed",  # no instalment chosen: the page again, nothing changes
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404),
        data={"instalment": "0"},
    ),
    # The payment list: the round's leaders and the region's KEU secretariat see it; only the
    # secretariat records payments (an empty form: the page again with its errors).
    Case("finance:payments", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404)),
    Case(
        "finance:payments_export",
        "GET",
        "closed_csv",
        row(LOGIN, 404, 404, 404, 200, 200, 404, 404, 404, 404, 404),
    ),
    Case("finance:payments_pay", "GET", "closed", logged_in(405)),
    Case(
        "finance:payments_pay",
        "POST",
        "closed",
        row(LOGIN, 404, 404, 404, 403, 200, 404, 404, 404, 404, 404),
        data={"reference": CPR_TEXT},
    ),
    # --- evaluation/: questionnaires (evaluators and project leaders of the round; the answer page is
    # reached by a personal link and logs nobody in; a practice sees its own named answers) ----------
    Case(
        "evaluation:questionnaires",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:questionnaire_new",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:questionnaire_new",
        "POST",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
        data={"title": CPR_TEXT, "phase": "before", "remind_after_days": "7"},
    ),
    Case(
        "evaluation:questionnaire",
        "GET",
        "questionnaire",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:question_new",
        "GET",
        "questionnaire",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:question_new",
        "POST",
        "questionnaire",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
        data={"kind": "text", "text": CPR_TEXT},
    ),
    Case("evaluation:questionnaire_send", "GET", "sent_questionnaire", logged_in(405)),
    # Already sent: the leader and the evaluator are sent back with "already sent"; nothing changes.
    Case(
        "evaluation:questionnaire_send",
        "POST",
        "sent_questionnaire",
        row(LOGIN, 404, 404, 404, 302, 404, 404, 404, 302, 404, 404),
    ),
    Case(
        "evaluation:results",
        "GET",
        "sent_questionnaire",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:answers_export",
        "GET",
        "sent_questionnaire_csv",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case("evaluation:answer", "GET", "answer_token", everyone(200)),
    Case("evaluation:answer", "GET", "answer_bad_token", everyone(404)),
    # An empty answer: "please answer this question", nothing saved, the link still unspent.
    Case("evaluation:answer", "POST", "answer_token", everyone(200)),
    Case(
        "evaluation:practice_answers",
        "GET",
        "practice_answers",
        row(LOGIN, 200, 200, 404, 404, 404, 404, 404, 404, 404, 404),
    ),
    # --- evaluation/: interviews (their notes for the round's evaluators and project leaders only: the
    # practice, steering group, consultant and KEU get 404); the practice's own evaluation (written by
    # the practice, read by the round's evaluators and leaders, and by its steering group while consent
    # stands: the world's evaluation consents); the knowledge-sharing register (the practice and the
    # round's evaluators and leaders); the postcards are public. A CPR number in a POST saves nothing.
    Case(
        "evaluation:interviews", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404)
    ),
    Case(
        "evaluation:interview_new",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:interview_new",
        "POST",
        "closed",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
        data={"scheduled_at": "22.11.2026 14:30", "notes": CPR_TEXT},
    ),
    Case(
        "evaluation:interview",
        "GET",
        "interview",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:interview",
        "POST",
        "interview",
        row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404),
        data={"scheduled_at": "22.11.2026 14:30", "status": "held", "notes": CPR_TEXT, "version": "1"},
    ),
    Case(
        "evaluation:evaluations",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 200, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:practice_evaluation",
        "GET",
        "participation",
        row(LOGIN, 200, 200, 200, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:practice_evaluation",
        "POST",
        "participation",
        row(LOGIN, 200, 200, 403, 403, 404, 404, 404, 403, 404, 404),
        data={"learning_points": CPR_TEXT, "version": "1"},
    ),
    Case("evaluation:evaluation_consent", "GET", "participation", logged_in(405)),
    # No action chosen: sent back with a message, nothing changes.
    Case(
        "evaluation:evaluation_consent",
        "POST",
        "participation",
        row(LOGIN, 302, 302, 403, 403, 404, 404, 404, 403, 404, 404),
    ),
    Case(
        "evaluation:register", "GET", "closed", row(LOGIN, 404, 404, 404, 200, 404, 404, 404, 200, 404, 404)
    ),
    Case(
        "evaluation:participation_register",
        "GET",
        "participation",
        row(LOGIN, 200, 200, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:participation_register",
        "POST",
        "participation",
        row(LOGIN, 200, 200, 404, 200, 404, 404, 404, 200, 404, 404),
        data={"kind": "article", "status": "planned", "title": CPR_TEXT},
    ),
    Case(
        "evaluation:knowledge_item",
        "GET",
        "knowledge_item",
        row(LOGIN, 200, 200, 404, 200, 404, 404, 404, 200, 404, 404),
    ),
    Case(
        "evaluation:knowledge_item",
        "POST",
        "knowledge_item",
        row(LOGIN, 200, 200, 404, 200, 404, 404, 404, 200, 404, 404),
        data={"kind": "article", "status": "planned", "title": CPR_TEXT},
    ),
    Case("evaluation:postcards", "GET", None, everyone(200)),
    Case("evaluation:postcard", "GET", "postcard", everyone(200)),
    # --- evaluation/: reports (the KEU status report: project leaders and the region's KEU
    # secretariat; the report note and postcards: evaluators and project leaders; the steering group
    # reads finished reports). Bad form data: sent back to the page with a message, nothing written.
    Case(
        "evaluation:reports",
        "GET",
        "closed",
        row(LOGIN, 404, 404, 200, 200, 200, 404, 404, 200, 404, 404),
    ),
    Case("evaluation:report_request", "GET", "keu_report_kind", logged_in(405)),
    Case(
        "evaluation:report_request",
        "POST",
        "keu_report_kind",
        row(LOGIN, 404, 404, 404, 302, 302, 404, 404, 404, 404, 404),
        data={"as_of": CPR_TEXT, "variant": "full"},
    ),
    Case(
        "evaluation:report_request",
        "POST",
        "postcards_kind",
        row(LOGIN, 404, 404, 404, 302, 404, 404, 404, 302, 404, 404),
        data={"participation": "999999"},
    ),
    Case(
        "evaluation:report_request",
        "POST",
        "report_note_kind",
        row(LOGIN, 404, 404, 404, 302, 404, 404, 404, 302, 404, 404),
    ),
    Case("evaluation:report_retry", "GET", "report_job", logged_in(405)),
    # Not failed: the askers are sent back to the page ("nothing to try again"); nothing changes.
    Case(
        "evaluation:report_retry",
        "POST",
        "report_job",
        row(LOGIN, 404, 404, 404, 302, 302, 404, 404, 404, 404, 404),
    ),
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world every case runs against, built once for the module (it took a third of the module's
    time when built per case) in a transaction kept open while the module runs and rolled back after
    it, as conftest's `demo_db`: each test runs in a savepoint inside it (`django_db`, not
    `transaction=True`), so what a case writes is undone and the next case finds the world as built.
    The module holds no transactional test (the admin's staff checks are in tests/test_admin_access.py,
    since they make users and a region of their own)."""
    from django.test.utils import override_settings

    from ligepraksis.celery import app

    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media")))
    media.enable()
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    try:
        # What the autouse _tasks_in_process fixture gives each test (a module fixture runs before it).
        eager, app.conf.task_always_eager = app.conf.task_always_eager, True
        try:
            with (
                django_db_blocker.unblock(),
                override_settings(
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                    PASSWORD_HASHERS=FAST_HASHER,
                ),
            ):
                built = _build_world()
        finally:
            app.conf.task_always_eager = eager
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        media.disable()


def _build_world():
    region = make_region()
    closed_round, open_round = make_round(region, open_=False), make_round(region, open_=True)
    other_round = make_round(region, open_=False)
    owner = make_user("owner@example.org")
    practice = make_practice(region)
    app = make_application(closed_round, practice=practice, user=owner)
    draft = make_application(open_round, practice=practice, user=owner, submit=False)
    provider_org = ProviderOrganisation.objects.create(name="VID")
    users = {
        "anonymous": None,
        "owner": owner,
        "colleague": make_user("kollega@example.org", practice=practice),
        "steering": make_user("folge@example.org", role=Role.STEERING, round=closed_round),
        "leader": make_user("leder@example.org", role=Role.PROJECT_LEADER, round=closed_round),
        "keu": make_user("keu@example.org", role=Role.KEU, region=region),
        "consultant": make_user("konsulent@example.org", role=Role.CONSULTANT, round=closed_round),
        "provider": make_user("leverandor@example.org", role=Role.PROVIDER, provider=provider_org),
        "evaluator": make_user("evaluator@example.org", role=Role.EVALUATOR, round=closed_round),
        "outsider": make_user("outsider@example.org"),
        "other_leader": make_user("anden.leder@example.org", role=Role.PROJECT_LEADER, round=other_round),
    }
    objects = {"app": app, "draft": draft, "closed": closed_round, "open": open_round}
    link_user = user_get_or_create(email="link@example.org")  # no password, no grant: links work
    objects["apply_token"] = get_token(link_user, scope=signin.apply_scope(open_round.pk))
    objects["join_token"] = get_token(link_user, scope=signin.SCOPE_JOIN)
    objects["signin_token"] = get_token(link_user, scope=signin.SCOPE_SIGNIN)
    objects.update(_activity_world(closed_round, app, provider_org, owner))
    # The consultant sees only what a leader assigned to them: the world's participation.
    objects["participation"].consultant = users["consultant"]
    objects["participation"].save(update_fields=["consultant"])
    objects["file_job"] = _file_job(closed_round, users["leader"])
    _decision_recorded(app, users["leader"])
    objects.update(_finance_world(closed_round, owner))
    objects.update(
        _progress_reports_world(closed_round, objects["practice"], users["owner"], users["leader"])
    )
    objects.update(_evaluation_world(closed_round, users["evaluator"]))
    objects.update(_sharing_world(objects["participation"], owner, users["evaluator"]))
    objects["report_job"] = _report_job(closed_round, users["leader"])
    return users, objects


def _sharing_world(participation, owner, evaluator) -> dict:
    """An interview with the world's practice, its evaluation (consenting to publish: a postcard) and
    an entry in its knowledge-sharing register."""
    from evaluation.services import sharing

    interview = sharing.interview_schedule(
        user=evaluator, participation=participation, scheduled_at=timezone.now(), place="Video"
    )
    sharing.evaluation_save(
        user=owner,
        participation=participation,
        version=None,
        data={"example": "Vi ringer op.", "learning_points": "Faste tider."},
    )
    evaluation = sharing.evaluation_consent(user=owner, participation=participation, give=True)
    item = sharing.knowledge_item_add(
        user=owner,
        participation=participation,
        data={"kind": "article", "title": "Små vaner", "status": "planned"},
    )
    return {"interview": interview, "postcard": evaluation, "knowledge_item": item}


def _report_job(round_obj, leader):
    """A finished KEU status report of the round (the row only: the matrix reads no file)."""
    from ligepraksis.models import FileJob, FileJobStatus

    return FileJob.objects.create(
        kind="evaluation.keu_report",
        params={"round": round_obj.pk, "language": "da", "as_of": "2026-12-01", "variant": "full"},
        requested_by=leader,
        status=FileJobStatus.DONE,
        finished_at=timezone.now(),
        filename="keu-statusrapport.pdf",
    )


def _evaluation_world(round_obj, evaluator) -> dict:
    """A draft questionnaire, and a sent one (not anonymous) answered by one of the practice's two
    coordinators; the other's link is unspent."""
    from evaluation.models import Invitation
    from tests.evaluation.factories import answer, questionnaire, token

    draft = questionnaire(round_obj, evaluator, title="Kladde")
    sent = questionnaire(round_obj, evaluator, anonymous=False, title="Før forløbet")
    from evaluation.services.questionnaires import questionnaire_send

    questionnaire_send(user=evaluator, questionnaire=sent)
    first, second = Invitation.objects.filter(questionnaire=sent).order_by("pk")
    answer(first)
    return {"questionnaire": draft, "sent_questionnaire": sent, "answer_token": token(second)}


def _progress_reports_world(round_obj, practice, owner, leader) -> dict:
    """A status report of the practice's participation and a published material file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.models import Participation
    from progress.sample_files import sample_pdf
    from progress.services import material as material_services
    from progress.services import reports as report_services

    participation = Participation.objects.get(round=round_obj, practice=practice)
    report = report_services.status_report_submit(
        user=owner,
        participation=participation,
        period_number=1,
        progress="Godt i gang",
        traffic_light="green",
    )
    material = material_services.material_upload(
        user=leader,
        round_obj=round_obj,
        upload=SimpleUploadedFile("drejebog.pdf", sample_pdf("Drejebog", ["Trin 1"])),
        title="Drejebog",
        kind="playbook",
    )
    return {"participation": participation, "status_report": report, "material": material}


def _decision_recorded(app, leader) -> None:
    """A decision in the application's history (its letter's address answers); the status stays."""
    from applications.models import ApplicationEvent

    ApplicationEvent.objects.create(
        application=app, kind=ApplicationEvent.Kind.DECISION, actor=leader, to_status="selected"
    )


def _file_job(round_obj, leader):
    """A finished sign-ups export of the round, asked for by its leader."""
    from ligepraksis import filejobs

    with transaction.atomic():
        job = filejobs.file_job_create(
            kind="activities.signups",
            params={"round": round_obj.pk},
            user=leader,
            filename="tilmeldinger.xlsx",
        )
    assert filejobs.run(job.pk)  # no broker in the tests: made at once
    job.refresh_from_db()
    return job


def _activity_world(round_obj, app, provider_org, owner) -> dict:
    """The practice takes part in the round; an activity, a session, a sign-up and a claim."""
    from activities.feeds import person_token, practice_token
    from activities.models import Activity, HourClaim, Registration, RegistrationStatus, Session
    from applications.models import Participation

    now = timezone.now()
    participation = Participation.objects.create(
        round=round_obj,
        practice=app.practice,
        application=app,
        terms=round_obj.current_terms(),
        accepted_by=owner,
    )
    activity = Activity.objects.create(
        round=round_obj,
        title="Webinar om sårbare patienter",
        kind="webinar",
        provider=provider_org,
        hours=Decimal("2"),
        online=True,
    )
    session = Session.objects.create(
        activity=activity,
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=2),
        capacity=10,
        signup_deadline=now + dt.timedelta(days=9),
    )
    person = app.doctor_coordinator
    registration = Registration.objects.create(
        session=session, person=person, practice=app.practice, status=RegistrationStatus.CONFIRMED
    )
    claim = HourClaim(
        round=round_obj,
        practice=app.practice,
        person=person,
        description="Kursus i København",
        occurred_on=now.date(),
        hours=Decimal("3"),
        submitted_by=owner,
    )
    claim.evidence.save("bevis.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    claim.save()
    # A colleague who had a feed link and then left the practice: the link is dead.
    from practices.models import Person
    from practices.services import feed_token_ensure, member_create, membership_end

    leaver = member_create(practice=app.practice, name="Tidligere Kollega", kind="staff")
    left_token = feed_token_ensure(leaver)
    acting = make_user("tidligere.chef@example.org", practice=app.practice)
    membership_end(user=acting, practice=app.practice, person=Person.objects.get(pk=leaver.pk))
    return {
        **_progress_world(participation),
        "practice": app.practice,
        "participation": participation,
        "activity": activity,
        "session": session,
        "registration": registration,
        "claim": claim,
        "person_token": person_token(person),
        "practice_token": practice_token(app.practice),
        "left_person_token": left_token,
    }


def _finance_world(round_obj, owner) -> dict:
    """The practice's participation in the round with the 2026 rates, the round's paid items and one
    entry of own-intervention hours awaiting a decision."""
    from applications.models import Participation
    from finance.models import ItemKind, PayItem, Rate
    from finance.services import earnings

    participation = Participation.objects.get(round=round_obj, practice__grants__user=owner)  # the world's
    Rate.objects.create(region=round_obj.region, year=2026, hourly=Decimal("1098.80"), per_km=Decimal("3.94"))
    earnings.pay_items_ensure(round_obj=round_obj)
    entry = earnings.entry_log(
        user=owner,
        participation=participation,
        item=PayItem.objects.get(round=round_obj, kind=ItemKind.OWN_INTERVENTION),
        worked_on=dt.date(2026, 3, 10),
        hours=Decimal("2"),
        description="Personalemøde om opsporing",
    )
    from finance.models import ExpenseStatus
    from finance.services import budget

    leader = round_obj.grants.filter(role="project_leader").first().user
    line = budget.budget_line_save(
        user=leader, round_obj=round_obj, name="Arrangementer", granted=Decimal("1000")
    )
    expense = budget.expense_add(
        user=leader,
        line=line,
        description="Lokaleleje",
        amount=Decimal("100"),
        incurred_on=dt.date(2026, 3, 1),
        status=ExpenseStatus.COMMITTED,
    )
    from finance.services import instalments

    first = instalments.instalments_ensure(round_obj=round_obj)[0]
    return {
        "entry": entry,
        "region": round_obj.region,
        "expense": expense,
        "instalment": (participation, first),
    }


def _progress_world(participation) -> dict:
    """The participation's milestones, its own intervention and a PDSA cycle (through the services)."""
    from progress.models import Milestone
    from progress.services import records
    from progress.services.milestones import milestones_ensure

    milestones_ensure(participations=[participation])
    intervention = records.intervention_save(
        participation=participation, user=None, version=None, data={"aims": "Færre udeblivelser"}
    )
    cycle = records.pdsa_cycle_add(
        intervention=intervention, user=None, data={"plan_on": timezone.localdate(), "plan": "Ring op"}
    )
    return {
        "participation": participation,
        "milestone": Milestone.objects.get(participation=participation, template__kind="evaluation"),
        "cycle": cycle,
    }


def _kwargs(name: str, target: str | None, objects) -> dict:
    if target is None:
        return {}
    if target == "closed_csv":
        return {"round_id": objects["closed"].pk, "fmt": "csv"}
    if target == "region":
        return {"region_id": objects["region"].pk}
    if target == "instalment":
        participation, instalment = objects["instalment"]
        return {"pk": participation.pk, "instalment_id": instalment.pk}
    if target == "bad_token":
        return {"token": "not-a-valid-token"}
    if target == "bad_reset_token":
        return {"uidb64": "MQ", "token": "bad-token"}
    if target in ("person_token", "practice_token", "left_person_token", "join_token", "signin_token"):
        return {"token": objects[target]}
    if target == "apply_token":
        return {"round_id": objects["open"].pk, "token": objects[target]}
    if target == "open_bad_token":
        return {"round_id": objects["open"].pk, "token": "not-a-valid-token"}
    if target == "member":
        return {"pk": objects["practice"].pk, "person_pk": objects["app"].doctor_coordinator_id}
    if target == "answer_token":
        return {"questionnaire_id": objects["sent_questionnaire"].pk, "token": objects["answer_token"]}
    if target == "answer_bad_token":
        return {"questionnaire_id": objects["sent_questionnaire"].pk, "token": "not-a-valid-token"}
    if target == "sent_questionnaire_csv":
        return {"pk": objects["sent_questionnaire"].pk, "fmt": "csv"}
    if target == "practice_answers":
        return {"practice_id": objects["practice"].pk}
    if target in ("keu_report_kind", "report_note_kind", "postcards_kind"):
        kind = "evaluation." + target.removesuffix("_kind")
        return {"round_id": objects["closed"].pk, "kind": kind}
    obj = objects[target]
    if target in ("closed", "open"):
        return {"round_id": obj.pk}
    return {"pk": obj.pk}


def _client_for(user) -> Client:
    return login(Client(), user)


def _outcome(response) -> int | str:
    login_url = resolve_url(settings.LOGIN_URL)
    if response.status_code == 302 and response["Location"].startswith(login_url + "?next="):
        return LOGIN
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("case", MATRIX, ids=[c.id for c in MATRIX])
def test_actor_gets_the_expected_status(case, world):
    users, objects = world
    url = reverse(case.name, kwargs=_kwargs(case.name, case.target, objects)) + case.query
    assert set(case.expected) == set(ACTORS), f"{case.id}: every actor needs an expected status"
    wrong = []
    for actor in ACTORS:
        client = _client_for(users[actor])
        call = client.post if case.method == "POST" else client.get
        got = _outcome(call(url, case.data))
        if got != case.expected[actor]:
            wrong.append(f"{actor}: expected {case.expected[actor]}, got {got}")
    assert not wrong, f"{case.method} {url} ({case.name}):\n  " + "\n  ".join(wrong)


# --- A consultant sees only the participations assigned to them ----------------------------------------

PRACTICE_TARGETS = ("practice", "participation", "member", "claim", "registration")


@pytest.mark.django_db
def test_an_unassigned_consultant_of_the_round_is_an_outsider_on_every_practice_url(world):
    """A second consultant of the same round, assigned to nothing, gets what an outsider gets on every
    URL that takes a practice or a participation: 404 (or 405 where the method itself is refused)."""
    users, objects = world
    unassigned = make_user("konsulent2@example.org", role=Role.CONSULTANT, round=objects["closed"])
    client = _client_for(unassigned)
    cases = [c for c in MATRIX if c.target in PRACTICE_TARGETS]
    assert {c.name for c in cases} >= {
        "activities:practice_hours",
        "practices:people",
        "progress:consultant_sessions",
    }
    wrong = []
    for case in cases:
        url = reverse(case.name, kwargs=_kwargs(case.name, case.target, objects)) + case.query
        call = client.post if case.method == "POST" else client.get
        got = _outcome(call(url, case.data))
        expected = case.expected["outsider"]
        if got != expected or got not in (404, 405):
            wrong.append(f"{case.id}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


# --- The matrix covers the whole URL configuration -----------------------------------------------------


def _walk(patterns, namespace=""):
    """(full name or None, route) for every URLPattern; the admin is left out (tested below)."""
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            prefix = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}{p.name}" if p.name else None), str(p.pattern)


def test_every_url_name_is_in_the_matrix():
    found = list(_walk(get_resolver().url_patterns))
    unnamed = [route for name, route in found if name is None]
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"
    names = {name for name, _route in found}
    in_table = {c.name for c in MATRIX}
    missing, stale = sorted(names - in_table), sorted(in_table - names)
    assert not missing, f"URL names missing from the permission matrix: {missing}"
    assert not stale, f"Matrix rows for URL names that no longer exist: {stale}"
    # The walker itself works: it sees namespaced names.
    assert "applications:detail" in names and "home" in names


def test_every_url_has_a_row_some_actor_passes():
    """Each row names all actors; each URL has at least one row that an allowed actor passes."""
    allowed = {200, 302}
    for name in {c.name for c in MATRIX}:
        rows = [c for c in MATRIX if c.name == name]
        assert any(allowed & set(c.expected.values()) for c in rows), f"{name}: nobody may use it?"
