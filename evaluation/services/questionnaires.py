"""Building, sending and answering questionnaires; the one reminder.

The answer link is a signed token (django.core.signing, its own salt, so no other signed value of the
portal opens it) of the invitation's random key. It logs nobody in and opens only that questionnaire
for that invitation. Opening it shows the form; only submitting an answer spends it (the invitation
row is locked and marked answered in the transaction that writes the answers).
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Participation
from evaluation.models import (
    Answer,
    Invitation,
    Phase,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
)
from evaluation.models.questionnaires import LIKERT_POINTS
from ligepraksis import links, mail
from ligepraksis.cpr import validate_no_cpr
from ligepraksis.errors import DomainError, validate_or_refuse

TOKEN_SALT = "evaluation.questionnaire-answer"

# DomainError codes
LINK_INVALID = "questionnaire_link_invalid"
ALREADY_ANSWERED = "questionnaire_already_answered"
ALREADY_SENT = "questionnaire_already_sent"


def questionnaire_create(
    *,
    user,
    round_obj,
    title: str,
    intro: str = "",
    phase: str,
    anonymous: bool,
    remind_after_days: int = 7,
    milestone=None,
) -> Questionnaire:
    """A questionnaire of the round. Phase "milestone" names the round's milestone (a template of
    progress/) whose closing sends it to a practice; the other phases take none."""
    if phase not in Phase.values:
        raise DomainError(
            _("Choose before or after the programme, or when a milestone closes."), field="phase"
        )
    if phase == Phase.MILESTONE:
        if milestone is None:
            raise DomainError(
                _("Choose the milestone whose closing sends the questionnaire."), field="milestone"
            )
        if milestone.round_id != round_obj.pk:
            raise DomainError(_("Choose a milestone of the questionnaire's round."), field="milestone")
    elif milestone is not None:
        raise DomainError(
            _("Only a questionnaire sent when a milestone closes has a milestone. Leave it empty."),
            field="milestone",
        )
    q = Questionnaire(
        round=round_obj,
        title=title,
        intro=intro,
        phase=phase,
        milestone=milestone,
        anonymous=anonymous,
        remind_after_days=remind_after_days,
        created_by=user,
    )
    validate_or_refuse(q)
    q.save()
    return q


def _not_after_sending(questionnaire: Questionnaire) -> None:
    if questionnaire.is_sent:
        raise DomainError(
            _("The questionnaire has been sent; its questions can no longer change."), code=ALREADY_SENT
        )


def question_add(
    *,
    user,
    questionnaire: Questionnaire,
    kind: str,
    text: str,
    options: str = "",
    minimum: int | None = None,
    maximum: int | None = None,
    required: bool = True,
) -> Question:
    """Add a question at the end. A scale has a label on each of its 5 points; a single choice at
    least 2 choices; a number's smallest is at most its largest."""
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        _not_after_sending(questionnaire)
        question = Question(
            questionnaire=questionnaire,
            kind=kind,
            text=text,
            options=options if kind in (QuestionKind.LIKERT, QuestionKind.CHOICE) else "",
            minimum=minimum if kind == QuestionKind.NUMBER else None,
            maximum=maximum if kind == QuestionKind.NUMBER else None,
            required=required,
            order=questionnaire.questions.count() + 1,
        )
        validate_or_refuse(question, exclude=["questionnaire"])
        labels = question.labels
        if kind == QuestionKind.LIKERT and len(labels) != LIKERT_POINTS:
            raise DomainError(
                _("A scale needs a label on each of its 5 points: write 5 lines, 1 first."), field="options"
            )
        if kind == QuestionKind.CHOICE and len(labels) < 2:
            raise DomainError(_("A single choice needs at least 2 choices, one a line."), field="options")
        if (
            question.minimum is not None
            and question.maximum is not None
            and question.minimum > question.maximum
        ):
            raise DomainError(_("The smallest number must not be larger than the largest."), field="maximum")
        question.save()
    return question


def _coordinators(round_obj, *, participation_ids=None):
    """(practice, person) for both coordinators of every active participation of the round (of those
    given, when `participation_ids` is given)."""
    participations = (
        Participation.objects.active()
        .filter(round=round_obj)
        .select_related("practice", "application__doctor_coordinator", "application__staff_coordinator")
        .order_by("practice__name", "pk")
    )
    if participation_ids is not None:
        participations = participations.filter(pk__in=participation_ids)
    for p in participations:
        for person in (p.application.doctor_coordinator, p.application.staff_coordinator):
            if person is not None and person.email:
                yield p.practice, person


def answer_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.key), salt=TOKEN_SALT)


def answer_link(invitation: Invitation) -> str:
    return links.absolute_url(
        "evaluation:answer", questionnaire_id=invitation.questionnaire_id, token=answer_token(invitation)
    )


def _mail_context(invitation: Invitation, questionnaire: Questionnaire) -> dict:
    return {
        "title": questionnaire.title,
        "round": questionnaire.round.name,
        "practice": invitation.practice.name,
        "anonymous": questionnaire.anonymous,
        "link": answer_link(invitation),
    }


def _invite(questionnaire: Questionnaire, coordinators, *, now) -> list[Invitation]:
    """Write an invitation per coordinator's address not invited yet, and its outbox mail with the
    personal link (in the caller's transaction, with the questionnaire locked)."""
    seen = set(questionnaire.invitations.values_list("email", flat=True))
    invitations = []
    for practice, person in coordinators:
        email = person.email.strip().lower()
        if email in seen:
            continue
        seen.add(email)
        invitations.append(
            Invitation.objects.create(
                questionnaire=questionnaire, practice=practice, person=person, email=email, sent_at=now
            )
        )
    for invitation in invitations:
        mail.enqueue(
            to=invitation.email,
            template="questionnaire_invitation",
            context=_mail_context(invitation, questionnaire),
            key=f"questionnaire-invitation-{invitation.pk}",
        )
    return invitations


def _closed_milestone_participations(questionnaire: Questionnaire) -> list[int]:
    from progress.models import Milestone

    return list(
        Milestone.objects.filter(template_id=questionnaire.milestone_id, closed_at__isnull=False)
        .order_by()
        .values_list("participation_id", flat=True)
    )


def questionnaire_send(*, user, questionnaire: Questionnaire, now: dt.datetime | None = None) -> int:
    """Invite the coordinators of the round's participating practices, each with a personal link; the
    invitations and their outbox mails are written in one transaction. Returns the number invited.

    A questionnaire of the phase "milestone" is made active: the practices whose milestone has closed
    already are invited now, every other one when its milestone closes (`milestone_closed_invite`)."""
    now = now or timezone.now()
    with transaction.atomic():
        questionnaire = (
            Questionnaire.objects.select_for_update().select_related("round").get(pk=questionnaire.pk)
        )
        if questionnaire.is_sent:
            raise DomainError(_("The questionnaire has already been sent."), code=ALREADY_SENT)
        if not questionnaire.questions.exists():
            raise DomainError(_("Add at least one question before sending the questionnaire."))
        if questionnaire.phase == Phase.MILESTONE:
            coordinators = _coordinators(
                questionnaire.round, participation_ids=_closed_milestone_participations(questionnaire)
            )
            invitations = _invite(questionnaire, coordinators, now=now)
        else:
            invitations = _invite(questionnaire, _coordinators(questionnaire.round), now=now)
            if not invitations:
                raise DomainError(
                    _("The round has no participating practice with a coordinator's e-mail address.")
                )
        questionnaire.sent_at = now
        questionnaire.save(update_fields=["sent_at"])
    return len(invitations)


def milestone_closed_invite(*, milestone_ids, now: dt.datetime | None = None) -> int:
    """The milestones just closed (progress's `milestones_closed` signal, in the closing transaction):
    invite the coordinators of each one's practice to the sent questionnaires of its template, once per
    participation: a practice already invited to the questionnaire is not invited again (a milestone
    reopened and closed again, a refresh that runs twice). A questionnaire not sent invites nobody.
    Returns the number invited."""
    from progress.models import Milestone

    now = now or timezone.now()
    closed = list(
        Milestone.objects.filter(pk__in=list(milestone_ids), closed_at__isnull=False)
        .filter(participation__ended_at__isnull=True)
        .values_list("template_id", "participation_id", "participation__practice_id")
    )
    if not closed:
        return 0
    count = 0
    with transaction.atomic():
        questionnaires = (
            Questionnaire.objects.select_for_update()
            .select_related("round")
            .filter(
                phase=Phase.MILESTONE,
                sent_at__isnull=False,
                milestone_id__in={template_id for template_id, _p, _pr in closed},
            )
            .order_by("pk")
        )
        for questionnaire in questionnaires:
            mine = [(p, pr) for t, p, pr in closed if t == questionnaire.milestone_id]
            invited = set(
                questionnaire.invitations.filter(practice_id__in=[pr for _p, pr in mine]).values_list(
                    "practice_id", flat=True
                )
            )
            participations = [p for p, pr in mine if pr not in invited]
            if not participations:
                continue
            coordinators = _coordinators(questionnaire.round, participation_ids=participations)
            count += len(_invite(questionnaire, coordinators, now=now))
    return count


def _link_invalid() -> DomainError:
    return DomainError(
        _(
            "This questionnaire link does not work: it is incomplete, changed or meant for another "
            "questionnaire. Please use the link from your own e-mail."
        ),
        code=LINK_INVALID,
    )


def _already_answered() -> DomainError:
    return DomainError(
        _(
            "This questionnaire has already been answered through this link. Thank you; an answer can be "
            "given only once."
        ),
        code=ALREADY_ANSWERED,
    )


def invitation_for_token(*, token: str, questionnaire_id: int, lock: bool = False) -> Invitation:
    """The invitation a link belongs to, without spending it; DomainError for a bad link or one
    already answered through."""
    try:
        key = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature as exc:
        raise _link_invalid() from exc
    invitations = Invitation.objects.select_related("questionnaire__round", "practice")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(key=key).first()
    if invitation is None or invitation.questionnaire_id != questionnaire_id:
        raise _link_invalid()
    if invitation.answered:
        raise _already_answered()
    return invitation


def _clean_value(question: Question, raw) -> tuple[int | None, str]:
    """(number, text) of one answer, or DomainError naming the question's field."""
    field = f"q{question.pk}"
    empty = raw is None or (isinstance(raw, str) and not raw.strip())
    if empty:
        if question.required:
            raise DomainError(_("Please answer this question."), field=field)
        return None, ""
    if question.kind == QuestionKind.TEXT:
        text = str(raw).strip()
        if len(text) > 4000:
            raise DomainError(_("Please keep the answer under 4,000 characters."), field=field)
        try:
            validate_no_cpr(text)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field=field) from exc
        return None, text
    try:
        number = int(str(raw).strip())
    except ValueError as exc:
        raise DomainError(_("Please give a whole number."), field=field) from exc
    if question.kind == QuestionKind.LIKERT:
        low, high = 1, LIKERT_POINTS
    elif question.kind == QuestionKind.CHOICE:
        low, high = 1, len(question.labels)
    else:
        low, high = question.minimum, question.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            message = _("The answer must be between %(low)s and %(high)s.") % {"low": low, "high": high}
        elif low is not None:
            message = _("The answer must be at least %(low)s.") % {"low": low}
        else:
            message = _("The answer must be at most %(high)s.") % {"high": high}
        raise DomainError(message, field=field)
    return number, ""


def answer_submit(
    *, token: str, questionnaire_id: int, answers: dict, today: dt.date | None = None
) -> Response:
    """Record one response through a link and spend it. `answers` maps question pk to the raw value.
    Everything is checked before anything is written; a second answer through the link is refused.

    For an anonymous questionnaire the response keeps neither the invitation nor the practice, and only
    the day; the invitation only becomes `answered`."""
    invitation = invitation_for_token(token=token, questionnaire_id=questionnaire_id)
    questionnaire = invitation.questionnaire
    questions = list(questionnaire.questions.order_by("order", "pk"))
    cleaned = [(q, *_clean_value(q, answers.get(q.pk))) for q in questions]
    today = today or timezone.localdate()
    with transaction.atomic():
        invitation = invitation_for_token(token=token, questionnaire_id=questionnaire_id, lock=True)
        # A second guard besides the lock: only one request turns `answered` on.
        if not Invitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True):
            raise _already_answered()
        response = Response.objects.create(
            questionnaire=questionnaire,
            answered_on=today,
            invitation=None if questionnaire.anonymous else invitation,
            practice=None if questionnaire.anonymous else invitation.practice,
        )
        Answer.objects.bulk_create(
            [
                Answer(response=response, question=q, number=number, text=text)
                for q, number, text in cleaned
                if number is not None or text
            ]
        )
    return response


def questionnaire_reminders_send(*, now: dt.datetime | None = None) -> int:
    """One reminder to each invitee who has not answered `remind_after_days` after sending. Sent once
    even when the task runs twice: `reminded_at` is set by a conditional update in the transaction that
    writes the outbox row (and the outbox key makes the write idempotent too)."""
    now = now or timezone.now()
    due = (
        Invitation.objects.filter(
            answered=False, reminded_at__isnull=True, questionnaire__sent_at__isnull=False
        )
        .select_related("questionnaire__round", "practice")
        .order_by("pk")
    )
    sent = 0
    for invitation in due.iterator(chunk_size=200):
        questionnaire = invitation.questionnaire
        if questionnaire.sent_at + dt.timedelta(days=questionnaire.remind_after_days) > now:
            continue
        with transaction.atomic():
            claimed = Invitation.objects.filter(
                pk=invitation.pk, answered=False, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            mail.enqueue(
                to=invitation.email,
                template="questionnaire_reminder",
                context=_mail_context(invitation, questionnaire),
                key=f"questionnaire-reminder-{invitation.pk}",
            )
        sent += 1
    return sent
