"""What applications/ adds to the start page, the menu and the demo data."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications import (
    demo,  # noqa: F401  (registers the demo builder)
    exports,
    letters,
    national,  # noqa: F401  (registers the national-data builder: applications, reviews and participations)
    permissions,  # noqa: F401  (registers who may see a practice)
    personal_data,  # noqa: F401  (registers its part of a person's data)
    selectors,
)
from applications.models import Application, ApplicationStatus, Participation
from applications.permissions import applications_for_user
from ligepraksis import formatting
from ligepraksis.exports import round_leaders
from ligepraksis.models import ProgrammeRound, Role, RoleGrant
from ligepraksis.permissions import role_grants, rounds_for_user
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
from practices.models import PracticeGrant
from practices.permissions import own_practice_ids


@menu_links(order=20)
def my_applications(request):
    """For a practice's people and newcomers (who may apply); not for a role without a practice."""
    if own_practice_ids(request.user) or not role_grants(request.user):
        return [Link(_("My applications"), reverse("applications:mine"))]
    return []


@round_menu_links(order=10)
def round_links(user, round_obj, *, is_leader):
    links = [Link(_("Applications"), reverse("applications:round_list", args=[round_obj.pk]))]
    if is_leader:
        links.append(Link(_("Selection"), reverse("applications:selection", args=[round_obj.pk])))
    return links


def _is_newcomer(user) -> bool:
    """Anonymous, or logged in without a role: someone who may still apply or join (a practice's
    people see their own cards)."""
    return not user.is_authenticated or not role_grants(user)


@start_cards
def application_cards(request):
    user = request.user
    now = timezone.now()
    cards = []
    open_rounds = list(ProgrammeRound.objects.open_for_applications(now).order_by("application_deadline"))
    own = own_practice_ids(user)
    if open_rounds and _is_newcomer(user) and not own:
        cards.append(
            Card(
                title=_("Open for applications"),
                links=tuple(
                    Link(
                        r.name,
                        reverse("applications:apply", args=[r.pk]),
                        state=_("deadline %(when)s") % {"when": formatting.when(r.application_deadline)},
                    )
                    for r in open_rounds
                ),
                next_step=Link(
                    _("Apply for %(name)s") % {"name": open_rounds[0].name},
                    reverse("applications:apply", args=[open_rounds[0].pk]),
                ),
                order=5,
                key="open-rounds",
            )
        )
    if not user.is_authenticated:
        return cards
    cards += _practice_cards(user, own, open_rounds, now)
    leader_rounds = list(rounds_for_user(user, Role.PROJECT_LEADER).order_by("-year", "name"))
    if leader_rounds:
        counts = selectors.leader_counts([r.pk for r in leader_rounds], now=now)
        cards += [_leader_card(r, counts[r.pk], now) for r in leader_rounds]
    steering_rounds = rounds_for_user(user, Role.STEERING).order_by("-year", "name")
    cards += [_steering_card(p, now) for p in selectors.review_progress(steering_rounds, user)]
    return cards


def _practice_cards(user, own, open_rounds, now) -> list[Card]:
    """The practice's applications: each one's state and the next step (accept the terms first)."""
    apps = list(
        applications_for_user(user)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("round", "practice")
        .order_by("-round__year", "round__name", "practice__name", "pk")
    )
    if not apps and not own:
        return []
    several = len({a.practice_id for a in apps} | own) > 1
    links, steps = [], []
    for a in apps:
        label = a.round.name + (f" – {a.practice.name}" if several else "")
        state = a.get_status_display()
        urgent = False
        if a.can_accept(now):
            urgent = True
            if a.status == ApplicationStatus.OFFERED:
                state = _("%(status)s: answer by %(when)s") % {
                    "status": state,
                    "when": formatting.when(a.offer_expires_at),
                }
            steps.append(
                (
                    0,
                    Link(
                        _("Accept the participation terms"),
                        reverse("applications:accept", args=[a.pk]),
                        description=_("Answer by %(when)s") % {"when": formatting.when(a.offer_expires_at)}
                        if a.offer_expires_at
                        else "",
                    ),
                )
            )
        elif a.status == ApplicationStatus.DRAFT and a.round.is_open_for_applications(now):
            if a.is_request and not own:
                state = _("Draft – waiting for the practice to confirm the request")
            else:
                steps.append(
                    (
                        1,
                        Link(
                            _("Continue the application"),
                            reverse("applications:edit", args=[a.pk]),
                            description=_("Deadline %(when)s")
                            % {"when": formatting.when(a.round.application_deadline)},
                        ),
                    )
                )
        links.append(Link(label, reverse("applications:detail", args=[a.pk]), state=state, urgent=urgent))
    applied = {(a.round_id, a.practice_id) for a in apps}
    for r in open_rounds:
        if own and any((r.pk, pid) not in applied for pid in own):
            steps.append(
                (
                    2,
                    Link(
                        _("Apply for %(name)s") % {"name": r.name},
                        reverse("applications:start", args=[r.pk]),
                        description=_("Deadline %(when)s")
                        % {"when": formatting.when(r.application_deadline)},
                    ),
                )
            )
    steps.sort(key=lambda item: item[0])
    links.append(Link(_("All your applications"), reverse("applications:mine")))
    return [
        Card(
            title=_("Applications"),
            links=tuple(links),
            text="" if apps else _("The practice has not applied to a round."),
            next_step=steps[0][1] if steps else None,
            part=practice_part(),
            order=21,
            key="practice-applications",
        )
    ]


def _leader_card(r, counts, now) -> Card:
    part = role_part(Role.PROJECT_LEADER.label, r.name)
    selection_url = reverse("applications:selection", args=[r.pk])
    list_url = reverse("applications:round_list", args=[r.pk])
    if not r.review_is_open(now):
        return Card(
            title=_("Applications"),
            text=_("Open for applications until %(when)s; decisions come after the deadline.")
            % {"when": formatting.when(r.application_deadline)},
            links=(Link(_("Applications so far"), list_url, state=formatting.number(counts.to_decide)),),
            part=part,
            order=30,
            key=f"leader-applications-{r.pk}",
        )
    links = [
        Link(
            ngettext(
                "%(n)s application waits for a decision",
                "%(n)s applications wait for a decision",
                counts.to_decide,
            )
            % {"n": formatting.number(counts.to_decide)},
            selection_url + "?status=submitted",
            urgent=bool(counts.to_decide),
        ),
        Link(
            _("Places taken"),
            selection_url,
            state=_("%(taken)s of %(places)s")
            % {
                "taken": formatting.number(selectors.places_taken(r, now)),
                "places": formatting.number(r.places),
            },
        ),
    ]
    if counts.open_offers:
        soon = counts.first_offer_expires <= now + selectors.OFFER_EXPIRY_WARNING
        links.append(
            Link(
                ngettext(
                    "%(n)s offered place waits for an answer",
                    "%(n)s offered places wait for an answer",
                    counts.open_offers,
                )
                % {"n": formatting.number(counts.open_offers)},
                selection_url + "?status=offered",
                state=_("the first expires %(when)s") % {"when": formatting.when(counts.first_offer_expires)},
                urgent=soon,
            )
        )
    if counts.requests:
        links.append(
            Link(
                ngettext(
                    "%(n)s request to apply waits for confirmation",
                    "%(n)s requests to apply wait for confirmation",
                    counts.requests,
                )
                % {"n": formatting.number(counts.requests)},
                list_url,
                urgent=True,
            )
        )
    links.append(Link(_("All applications of the round"), list_url))
    if counts.to_decide:
        step = Link(_("Decide the applications"), selection_url + "?status=submitted")
    elif counts.requests:
        step = Link(_("Confirm the requests"), list_url)
    else:
        step = Link(_("Open the selection workspace"), selection_url)
    return Card(
        title=_("Applications and selection"),
        links=tuple(links),
        next_step=step,
        part=part,
        order=30,
        key=f"leader-applications-{r.pk}",
    )


def _steering_card(progress, now) -> Card:
    r = progress.round
    part = role_part(Role.STEERING.label, r.name)
    list_url = reverse("applications:round_list", args=[r.pk])
    if not r.review_is_open(now):
        return Card(
            title=_("Scoring applications"),
            text=_("Scoring opens after the application deadline, %(when)s.")
            % {"when": formatting.when(r.application_deadline)},
            links=(Link(_("The round's applications"), list_url),),
            part=part,
            order=40,
            key=f"steering-{r.pk}",
        )
    scored = _("%(done)s of %(total)s scored") % {
        "done": formatting.number(progress.done),
        "total": formatting.number(progress.total),
    }
    step = None
    if progress.next_application is not None:
        step = Link(
            _("Score the next application"),
            reverse("applications:review", args=[progress.next_application.pk]),
            description=progress.next_application.practice.name,
        )
    return Card(
        title=_("Scoring applications"),
        text="" if step else _("You have scored every application of the round."),
        links=(Link(_("Your scores"), list_url, state=scored, urgent=step is not None),),
        next_step=step,
        part=part,
        order=40,
        key=f"steering-{r.pk}",
    )


def measured_practice():
    """The practice whose pages are measured as the role "practice": the first active participation
    (of the first project leader's round when there is one) whose practice has a login, as
    `(participation, user)`, or None. activities/portal.py measures the same practice."""
    grant = RoleGrant.objects.filter(role=Role.PROJECT_LEADER).order_by("pk").first()
    participations = Participation.objects.active().order_by("pk")
    if grant is not None and participations.filter(round_id=grant.round_id).exists():
        participations = participations.filter(round_id=grant.round_id)
    for participation in participations[:20]:
        access = (
            PracticeGrant.objects.filter(practice_id=participation.practice_id)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if access is not None:
            return participation, access.user
    return None


@measured_pages
def pages():
    out = []
    grant = RoleGrant.objects.filter(role=Role.PROJECT_LEADER).select_related("user").order_by("pk").first()
    if grant is not None:
        r, leader = grant.round_id, grant.user
        out += [
            MeasuredPage(
                "applications of the round",
                Role.PROJECT_LEADER.value,
                reverse("applications:round_list", args=[r]),
                leader,
            ),
            MeasuredPage(
                "selection workspace",
                Role.PROJECT_LEADER.value,
                reverse("applications:selection", args=[r]),
                leader,
            ),
            MeasuredPage(
                "selection suggestion",
                Role.PROJECT_LEADER.value,
                reverse("applications:selection", args=[r]) + "?suggest=1",
                leader,
            ),
            MeasuredPage(
                "applications export XLSX",
                Role.PROJECT_LEADER.value,
                reverse("applications:export", args=[r]) + "?format=xlsx",
                leader,
            ),
        ]
    steering = RoleGrant.objects.filter(role=Role.STEERING).select_related("user").order_by("pk").first()
    if steering is not None:
        r = steering.round_id
        out.append(
            MeasuredPage(
                "applications of the round",
                Role.STEERING.value,
                reverse("applications:round_list", args=[r]),
                steering.user,
            )
        )
        submitted = (
            Application.objects.filter(round_id=r, submitted_at__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if submitted is not None:
            out.append(
                MeasuredPage(
                    "scoring an application",
                    Role.STEERING.value,
                    reverse("applications:review", args=[submitted]),
                    steering.user,
                )
            )
    practice = measured_practice()
    if practice is not None:
        participation, user = practice
        out += [
            MeasuredPage("start page", "practice", reverse("home"), user),
            MeasuredPage("my applications", "practice", reverse("applications:mine"), user),
            MeasuredPage(
                "the application",
                "practice",
                reverse("applications:detail", args=[participation.application_id]),
                user,
            ),
            # practices/ cannot tell which practice takes part in a round, so its page is listed here
            MeasuredPage(
                "the practice's people",
                "practice",
                reverse("practices:people", args=[participation.practice_id]),
                user,
            ),
        ]
    return out


# --- The round's applications as a spreadsheet (large XLSX files are made in the worker) -----------


file_kind(exports.KIND, allowed=round_leaders, table=exports.table_for_params)


# --- The decision letter and the accepted terms as PDFs (kept: they are part of the case) -----------

file_kind(letters.DECISION_LETTER, allowed=letters.allowed, render=letters.render_decision_letter, keep=True)
file_kind(letters.TERMS, allowed=letters.allowed, render=letters.render_terms, keep=True)
