"""What activities/ adds to the start page, the menu and the demo data."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities import (
    demo,  # noqa: F401  (registers the demo builder)
    exports,
    national,  # noqa: F401  (registers the national-data builder: activities, sign-ups and claims)
    personal_data,  # noqa: F401  (registers its part of a person's data)
    selectors,
)
from activities.models import Activity, Session
from activities.permissions import keeps_activities
from applications.permissions import participations_for_consultant
from applications.portal import measured_practice
from ligepraksis import formatting
from ligepraksis.exports import round_leaders
from ligepraksis.models import ProviderOrganisation, Role, RoleGrant
from ligepraksis.permissions import provider_ids, role_grants, rounds_for_user
from ligepraksis.registry import (
    Card,
    Link,
    MeasuredPage,
    file_kind,
    measured_pages,
    menu_links,
    practice_part,
    role_part,
    round_menu_links,
    start_cards,
)
from practices.models import Practice
from practices.permissions import own_practice_ids

CONSULTANT_CARD_ROWS = 20  # the card lists this many practices per round; the consultant page has all


@menu_links(order=10)
def hours(request):
    if own_practice_ids(request.user):
        return [Link(_("Hours"), reverse("activities:my_hours"))]
    return []


@round_menu_links(order=20)
def round_links(user, round_obj, *, is_leader):
    if not is_leader:
        return []
    return [
        Link(_("Activity overview"), reverse("activities:overview", args=[round_obj.pk])),
        Link(_("Hour claims"), reverse("activities:claims", args=[round_obj.pk])),
    ]


@menu_links(order=15)
def my_activities(request):
    if keeps_activities(request.user):
        return [Link(_("My activities"), reverse("activities:mine"))]
    return []


@start_cards
def activity_cards(request):
    user = request.user
    now = timezone.now()
    cards = []
    own = own_practice_ids(user)
    if not user.is_authenticated or own or not role_grants(user):
        cards.append(
            Card(
                title=_("Inspiration activities"),
                text=_(
                    "Webinars, talks, courses and theme days for doctors and practice staff; every general "
                    "practice in the region is welcome."
                ),
                links=(Link(_("See the activities and sign up"), reverse("activities:catalogue")),),
                order=10,
                key="catalogue",
            )
        )
    if not user.is_authenticated:
        return cards
    if own:
        cards += _practice_cards(own, now)
    leader_rounds = list(rounds_for_user(user, Role.PROJECT_LEADER).order_by("-year", "name"))
    if leader_rounds:
        cards += _leader_cards(leader_rounds, now)
    if provider_ids(user):
        cards.append(_provider_card(user, now))
    consultant_rounds = list(rounds_for_user(user, Role.CONSULTANT).order_by("-year", "name"))
    if consultant_rounds:
        cards += _consultant_cards(user, consultant_rounds)
    # The KEU secretariat's card is finance/'s (finance/portal.py); the evaluators' is evaluation/'s.
    return cards


def _hours_of(done, target) -> str:
    return _("%(done)s of %(target)s") % {
        "done": formatting.hours(done),
        "target": formatting.hours_text(target),
    }


def _practice_cards(own, now) -> list[Card]:
    """Per participation: hours toward the target with the deadline, the start-up meeting, sign-ups
    and claims waiting; a practice without a participation: its sign-ups."""
    today = timezone.localdate(now)
    summaries = selectors.practice_summaries(own, now=now)
    signups = selectors.upcoming_signups_by_practice(own, now=now)
    startup_open = selectors.startup_sessions_open(
        {s.ledger.participation.round_id for s in summaries if not s.ledger.startup_done}, now=now
    )
    several = len(own) > 1
    cards = []
    for s in summaries:
        lg = s.ledger
        p = lg.participation
        hours_url = reverse("activities:practice_hours", args=[p.practice_id])
        deadline = p.round.hour_window()[1]
        behind = selectors.is_behind(lg, today)
        links = [
            Link(
                _("Hours toward the target"),
                hours_url,
                state=_hours_of(lg.total, lg.target),
                description=_("Hour deadline: %(day)s") % {"day": formatting.day(deadline)},
                urgent=behind,
            )
        ]
        open_startup = startup_open.get(p.round_id)
        if lg.startup_done:
            links.append(Link(_("Start-up meeting"), hours_url, state=_("done")))
        elif s.startup_signed_up is not None:
            links.append(
                Link(
                    _("Start-up meeting"),
                    hours_url,
                    state=_("signed up for %(when)s")
                    % {"when": formatting.when(s.startup_signed_up.starts_at)},
                )
            )
        else:
            links.append(
                Link(
                    _("Start-up meeting"),
                    reverse("activities:signup", args=[open_startup.pk]) if open_startup else hours_url,
                    state=_("not yet; both coordinators take part"),
                    urgent=True,
                )
            )
        n = signups.get(p.practice_id, 0)
        links.append(
            Link(
                ngettext("%(n)s sign-up to come", "%(n)s sign-ups to come", n) % {"n": formatting.number(n)},
                hours_url,
            )
        )
        if s.pending_claims:
            links.append(
                Link(
                    ngettext(
                        "%(n)s hour claim waits for approval",
                        "%(n)s hour claims wait for approval",
                        s.pending_claims,
                    )
                    % {"n": formatting.number(s.pending_claims)},
                    hours_url,
                )
            )
        if not lg.startup_done and s.startup_signed_up is None and open_startup is not None:
            step = Link(
                _("Sign up for the start-up meeting"),
                reverse("activities:signup", args=[open_startup.pk]),
                description=formatting.when(open_startup.starts_at),
            )
        elif not lg.done and today <= deadline:
            step = Link(
                _("Find an activity"),
                reverse("activities:catalogue"),
                description=ngettext(
                    "%(left)s hour to go", "%(left)s hours to go", 1 if lg.remaining == 1 else 2
                )
                % {"left": formatting.hours(lg.remaining)},
            )
        else:
            step = Link(_("See the practice's hours"), hours_url)
        title = _("Hours and activities in %(round)s") % {"round": p.round.name}
        if several:
            title += f" – {p.practice.name}"
        cards.append(
            Card(
                title=title,
                links=tuple(links),
                next_step=step,
                part=practice_part(),
                order=22,
                key=f"practice-hours-{p.pk}",
            )
        )
    participating = {s.ledger.participation.practice_id for s in summaries}
    others = [pk for pk in own if pk not in participating]
    if others:
        names = dict(Practice.objects.filter(pk__in=others).values_list("pk", "name"))
        for pk in sorted(others, key=lambda k: names.get(k, "")):
            n = signups.get(pk, 0)
            cards.append(
                Card(
                    title=_("Activities of %(practice)s") % {"practice": names.get(pk, "")},
                    links=(
                        Link(
                            ngettext("%(n)s sign-up to come", "%(n)s sign-ups to come", n)
                            % {"n": formatting.number(n)},
                            reverse("activities:practice_hours", args=[pk]),
                        ),
                    ),
                    next_step=Link(_("Find an activity"), reverse("activities:catalogue")),
                    part=practice_part(),
                    order=23,
                    key=f"practice-activities-{pk}",
                )
            )
    return cards


def _leader_cards(rounds, now) -> list[Card]:
    ids = [r.pk for r in rounds]
    attendance = selectors.needs_attendance_by_round(ids, now=now)
    claims = selectors.pending_claims_by_round(ids)
    behind = selectors.behind_by_round(ids, today=timezone.localdate(now))
    mine_url = reverse("activities:mine")
    cards = []
    for r in rounds:
        n_att, n_claims, n_behind = attendance.get(r.pk, 0), claims.get(r.pk, 0), behind.get(r.pk, 0)
        claims_url = reverse("activities:claims", args=[r.pk])
        overview_url = reverse("activities:overview", args=[r.pk])
        links = (
            Link(
                ngettext("%(n)s session needs attendance", "%(n)s sessions need attendance", n_att)
                % {"n": formatting.number(n_att)},
                mine_url,
                urgent=bool(n_att),
            ),
            Link(
                ngettext("%(n)s hour claim to approve", "%(n)s hour claims to approve", n_claims)
                % {"n": formatting.number(n_claims)},
                claims_url,
                urgent=bool(n_claims),
            ),
            Link(
                ngettext("%(n)s practice behind on hours", "%(n)s practices behind on hours", n_behind)
                % {"n": formatting.number(n_behind)},
                overview_url,
                description=_("Fewer hours than the target's share of the hour window gone by."),
            ),
            Link(_("New activity"), reverse("activities:activity_new", args=[r.pk])),
        )
        if n_att:
            step = Link(_("Take attendance"), mine_url)
        elif n_claims:
            step = Link(_("Approve hour claims"), claims_url)
        else:
            step = Link(_("Open the activity overview"), overview_url)
        cards.append(
            Card(
                title=_("Activities and hours"),
                links=links,
                next_step=step,
                part=role_part(Role.PROJECT_LEADER.label, r.name),
                order=31,
                key=f"leader-activities-{r.pk}",
            )
        )
    return cards


def _provider_card(user, now) -> Card:
    orgs = ProviderOrganisation.objects.filter(pk__in=provider_ids(user)).order_by("name")
    summary = selectors.editor_summary(Activity.objects.filter(provider_id__in=provider_ids(user)), now=now)
    mine_url = reverse("activities:mine")
    links = [
        Link(
            ngettext("%(n)s activity", "%(n)s activities", summary.activities)
            % {"n": formatting.number(summary.activities)},
            mine_url,
        ),
        Link(
            ngettext("%(n)s session to come", "%(n)s sessions to come", summary.upcoming)
            % {"n": formatting.number(summary.upcoming)},
            mine_url,
        ),
        Link(
            ngettext(
                "%(n)s past session needs attendance",
                "%(n)s past sessions need attendance",
                summary.needs_attendance,
            )
            % {"n": formatting.number(summary.needs_attendance)},
            mine_url,
            urgent=bool(summary.needs_attendance),
        ),
    ]
    first = summary.first_needing_attendance
    if summary.needs_attendance == 1 and first is not None:
        step = Link(
            _("Take attendance"),
            reverse("activities:attendance", args=[first.pk]),
            description=f"{first.activity.title}, {formatting.when(first.starts_at)}",
        )
    elif summary.needs_attendance:
        step = Link(_("Take attendance"), mine_url)
    else:
        step = Link(_("See your activities"), mine_url)
    return Card(
        title=_("Your activities"),
        links=tuple(links),
        next_step=step,
        part=role_part(Role.PROVIDER.label, ", ".join(o.name for o in orgs)),
        order=50,
        key="provider",
    )


def _consultant_cards(user, rounds) -> list[Card]:
    """Read-only: the practices assigned to the consultant in each of their rounds and their hours
    (the pages a consultant may see, applications.permissions' practice visibility). Bounded: a
    consultant has a handful of practices; the card shows at most CONSULTANT_CARD_ROWS per round."""
    by_round: dict[int, list] = {r.pk: [] for r in rounds}
    assigned = participations_for_consultant(user).active().order_by("practice__name", "pk")
    for lg in selectors.ledgers(assigned[: CONSULTANT_CARD_ROWS * len(rounds)]):
        rows = by_round.get(lg.participation.round_id)
        if rows is not None and len(rows) < CONSULTANT_CARD_ROWS:
            rows.append(lg)
    cards = []
    for r in rounds:
        links = tuple(
            Link(
                lg.participation.practice.name,
                reverse("activities:practice_hours", args=[lg.participation.practice_id]),
                state=_hours_of(lg.total, lg.target),
            )
            for lg in by_round[r.pk]
        )
        cards.append(
            Card(
                title=_("Your practices"),
                text=_("Read-only: the hours and people of each practice assigned to you.")
                if links
                else _("No practice is assigned to you yet; the project leaders assign them."),
                links=links,
                part=role_part(Role.CONSULTANT.label, r.name),
                order=60,
                key=f"consultant-{r.pk}",
            )
        )
    return cards


@measured_pages
def pages():
    catalogue = reverse("activities:catalogue")
    out = [MeasuredPage("public catalogue", "anonymous", catalogue)]
    activity = Activity.objects.order_by("pk").values_list("pk", flat=True).first()
    if activity is not None:
        out.append(MeasuredPage("an activity", "anonymous", reverse("activities:activity", args=[activity])))
    leader = RoleGrant.objects.filter(role=Role.PROJECT_LEADER).select_related("user").order_by("pk").first()
    practice = measured_practice()
    if leader is not None:
        r, user = leader.round_id, leader.user
        role = Role.PROJECT_LEADER.value
        out += [
            MeasuredPage("catalogue", role, catalogue, user),
            MeasuredPage("activity overview", role, reverse("activities:overview", args=[r]), user),
            MeasuredPage("hour-claims queue", role, reverse("activities:claims", args=[r]), user),
            MeasuredPage("my activities", role, reverse("activities:mine"), user),
        ]
        if practice is not None:
            hours = reverse("activities:practice_hours", args=[practice[0].practice_id])
            out.append(MeasuredPage("a practice's hours", role, hours, user))
    # A consultant sees only the practices assigned to them: measured as the practice's own consultant.
    if practice is not None and practice[0].consultant_id is not None:
        hours = reverse("activities:practice_hours", args=[practice[0].practice_id])
        out.append(MeasuredPage("a practice's hours", Role.CONSULTANT.value, hours, practice[0].consultant))
    provider = RoleGrant.objects.filter(role=Role.PROVIDER).select_related("user").order_by("pk").first()
    if provider is not None:
        out.append(
            MeasuredPage("my activities", Role.PROVIDER.value, reverse("activities:mine"), provider.user)
        )
        session = (
            Session.objects.filter(activity__provider_id=provider.provider_id, cancelled_at__isnull=True)
            .order_by("starts_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if session is not None:
            out.append(
                MeasuredPage(
                    "attendance of a session",
                    Role.PROVIDER.value,
                    reverse("activities:attendance", args=[session]),
                    provider.user,
                )
            )
    if practice is not None:
        participation, user = practice
        out += [
            MeasuredPage("catalogue", "practice", catalogue, user),
            MeasuredPage(
                "the practice's hours",
                "practice",
                reverse("activities:practice_hours", args=[participation.practice_id]),
                user,
            ),
        ]
    return out


# --- The leaders' exports of a round (large XLSX files are made in the worker) --------------------


file_kind(exports.CATALOGUE, allowed=round_leaders, table=exports.catalogue_for_params)
file_kind(exports.SIGNUPS, allowed=round_leaders, table=exports.signups_for_params)
