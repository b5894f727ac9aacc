"""Writes of ratings and phản ánh, kiến nghị (PAKN). One keyword-only function per action.

Every PAKN change follows the dossier recipe (STYLE.md practices 1–3): one
`transaction.atomic`; `SELECT … FOR UPDATE` on the row and the optimistic `expected_version`
check; `workflow.check_transition()` (state and role in the feedback's unit); the action's own
rules; `version += 1` and exactly one appended `FeedbackEvent`. A refusal raises a `DomainError`
with a Vietnamese message before anything is written. Side effects run after the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar.selectors import calendar_for_unit
from motcua.core.errors import ConcurrentChange, DomainError, PermissionDenied
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.feedback import deadlines
from motcua.feedback.constants import (
    RATING_REASONS,
    FeedbackChannel,
    FeedbackKind,
    FeedbackState,
    FeedbackTopic,
    RatingChannel,
)
from motcua.feedback.models import Feedback, FeedbackEvent, Rating
from motcua.feedback.workflow import Action, Transition, check_transition
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.organisation.selectors import require_unit_in_force, user_has_role

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.catalogue.models import Field, Procedure

SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SECRET_LENGTH = 8
_PHONE_RE = re.compile(r"^\+?\d{9,15}$")

MAX_SUBJECT = 300
MAX_CONTENT = 5000
MAX_COMMENT = 2000
MAX_NOTE = 5000


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def _clean(value: str | None, *, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


# ---------------------------------------------------------------------------------------------
# Ratings (đánh giá mức độ hài lòng)
# ---------------------------------------------------------------------------------------------


def rating_submit(
    *,
    dossier: Dossier,
    satisfied: bool,
    reasons: Iterable[str] = (),
    comment: str = "",
    channel: RatingChannel | str,
    user: User | None = None,
    at: dt.datetime | None = None,
) -> Rating:
    """Record the applicant's one rating of a dossier whose result was returned.

    The caller has established who is rating: the citizen owner (`portal`), the holder of the
    receipt code and secret (`lookup`), or a receiver at the counter (`counter`, role checked
    here). An unhappy rating notifies the unit's leaders after the commit.
    """
    now = _now(at)
    channel = RatingChannel(channel)
    reason_list = list(dict.fromkeys(str(r) for r in reasons))
    unknown = [r for r in reason_list if r not in RATING_REASONS]
    if unknown:
        raise DomainError(_("Lý do đánh giá không hợp lệ."), code="invalid_reason")
    comment = _clean(comment, limit=MAX_COMMENT)
    if satisfied:
        reason_list = []
    elif not reason_list and not comment:
        raise DomainError(
            _("Vui lòng chọn ít nhất một lý do hoặc ghi ý kiến khi chưa hài lòng."),
            code="reason_required",
        )
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().select_related("unit").get(pk=dossier.pk)
        if channel == RatingChannel.COUNTER:
            if user is None or not user_has_role(user, locked.unit, Role.RECEIVER, Role.LEADER):
                raise PermissionDenied()
        elif channel == RatingChannel.PORTAL and (user is None or locked.applicant_id != user.pk):
            raise PermissionDenied()
        if locked.state != State.RETURNED:
            raise DomainError(
                _("Chỉ đánh giá được sau khi hồ sơ đã trả kết quả."), code="not_returned"
            )
        if Rating.objects.filter(dossier=locked).exists():
            raise DomainError(
                _("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần."),
                code="already_rated",
            )
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    dossier=locked,
                    unit=locked.unit,
                    satisfied=satisfied,
                    reasons=reason_list,
                    comment=comment,
                    channel=channel,
                    user=user if user is not None and user.is_authenticated else None,
                    created_at=now,
                )
        except IntegrityError as exc:  # a concurrent rating won the race
            raise DomainError(
                _("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần."),
                code="already_rated",
            ) from exc
        if not satisfied:
            from motcua.feedback.tasks import notify_leaders_unhappy_rating

            transaction.on_commit(partial(notify_leaders_unhappy_rating.delay, rating.pk))
    return rating


# ---------------------------------------------------------------------------------------------
# PAKN: submission
# ---------------------------------------------------------------------------------------------


def _new_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def _digest(fields: dict[str, Any]) -> str:
    raw = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _validate_contact(name: str, phone: str, email: str) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if not name:
        errors.append(("sender_name", _("Vui lòng nhập họ và tên người gửi.")))
    if not phone and not email:
        errors.append(
            ("sender_phone", _("Vui lòng nhập số điện thoại hoặc thư điện tử để nhận trả lời."))
        )
    if phone and not _PHONE_RE.match(phone):
        errors.append(("sender_phone", _("Số điện thoại không hợp lệ.")))
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors.append(("sender_email", _("Địa chỉ thư điện tử không hợp lệ.")))
    return errors


class FeedbackInvalid(DomainError):
    """Bad submission: `errors` lists (field name, Vietnamese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(errors[0][1], code="invalid")
        self.errors = errors


def feedback_submit(
    *,
    unit: Unit,
    kind: FeedbackKind | str,
    subject: str,
    content: str,
    sender_name: str,
    sender_phone: str = "",
    sender_email: str = "",
    sender_address: str = "",
    procedure: Procedure | None = None,
    field: Field | None = None,
    location: str = "",
    channel: FeedbackChannel | str = FeedbackChannel.PORTAL,
    user: User | None = None,
    idempotency_key: str | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """Receive a PAKN (public: no account needed, but a name and a phone or e-mail to answer).

    `field`: the catalogue field it is about (Open311's `service_code`); with a `procedure` it
    is the procedure's field (another one is refused). With an `idempotency_key`, sending the
    same content again returns the feedback already recorded; the same key with other content
    is refused. Raises `FeedbackInvalid`.
    """
    now = _now(at)
    subject = _clean(subject, limit=MAX_SUBJECT)
    content = _clean(content, limit=MAX_CONTENT + 1)
    sender_name = _clean(sender_name, limit=200)
    sender_phone = re.sub(r"[\s.\-()]", "", _clean(sender_phone, limit=40))
    sender_email = _clean(sender_email, limit=254)
    sender_address = _clean(sender_address, limit=300)
    location = _clean(location, limit=300)
    key = _clean(idempotency_key, limit=100) or None
    errors: list[tuple[str, str]] = []
    try:
        kind = FeedbackKind(kind)
    except ValueError:
        errors.append(("kind", _("Loại phải là phản ánh hoặc kiến nghị.")))
    if not subject:
        errors.append(("subject", _("Vui lòng nhập tiêu đề.")))
    if not content:
        errors.append(("content", _("Vui lòng nhập nội dung phản ánh, kiến nghị.")))
    elif len(content) > MAX_CONTENT:
        errors.append(("content", _("Nội dung dài quá %(n)s ký tự.") % {"n": MAX_CONTENT}))
    if key is not None and len(key) > 64:
        errors.append(("idempotency_key", _("Khóa chống gửi trùng dài quá 64 ký tự.")))
    errors += _validate_contact(sender_name, sender_phone, sender_email)
    if procedure is not None and field is not None and field.pk != procedure.field_id:
        errors.append(
            (
                "field",
                _("Thủ tục “%(p)s” không thuộc lĩnh vực “%(f)s”.")
                % {"p": procedure.name, "f": field.name},
            )
        )
    field_id = procedure.field_id if procedure is not None else getattr(field, "pk", None)
    try:
        require_unit_in_force(unit, timezone.localdate(now))
    except DomainError as exc:  # e.g. a commune merged away: the message names its successor
        errors.append(("unit", exc.message))
    if errors:
        raise FeedbackInvalid(errors)
    channel = FeedbackChannel(channel)
    digest = _digest(
        {
            "unit": unit.pk,
            "kind": str(kind),
            "subject": subject,
            "content": content,
            "sender": [sender_name, sender_phone, sender_email],
            "procedure": procedure.pk if procedure is not None else None,
            # Only a field named without a procedure (older keys stay comparable).
            **({"field": field_id} if procedure is None and field_id is not None else {}),
        }
    )
    if key is not None:
        existing = Feedback.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _replay(existing, digest)
    calendar = calendar_for_unit(unit)
    due = deadlines.deadlines_from(calendar, now)
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                lookup_secret=_new_secret(),
                unit=unit,
                received_unit=unit,
                procedure=procedure,
                field_id=field_id,
                kind=kind,
                subject=subject,
                content=content,
                location=location,
                sender_name=sender_name,
                sender_phone=sender_phone,
                sender_email=sender_email,
                sender_address=sender_address,
                sender_user=user if user is not None and user.is_authenticated else None,
                channel=channel,
                state=FeedbackState.RECEIVED,
                received_at=now,
                unit_received_at=now,
                classify_due_at=due.classify_due_at,
                info_request_due_at=due.info_request_due_at,
                answer_due_at=due.answer_due_at,
                current_due_at=due.classify_due_at,
                idempotency_key=key,
                content_digest=digest,
                version=1,
            )
            local = timezone.localtime(now, calendar.tz)
            feedback.code = f"PAKN-{local:%y%m%d}-{feedback.pk:06d}"
            feedback.save(update_fields=["code"])
            FeedbackEvent.objects.create(
                feedback=feedback,
                seq=1,
                at=now,
                actor=feedback.sender_user,
                unit=unit,
                action=Action.SUBMIT,
                to_state=FeedbackState.RECEIVED,
                payload={"channel": str(channel)},
            )
    except IntegrityError:
        # The same key was recorded by a concurrent request.
        existing = Feedback.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return _replay(existing, digest)
    return feedback


def _replay(existing: Feedback, digest: str) -> Feedback:
    if existing.content_digest != digest:
        raise DomainError(
            _("Khóa chống gửi trùng này đã được dùng cho một phản ánh khác."),
            code="idempotency_conflict",
        )
    return existing


# ---------------------------------------------------------------------------------------------
# PAKN: handling
# ---------------------------------------------------------------------------------------------


def _lock(feedback: Feedback | int, expected_version: int | None) -> Feedback:
    pk = feedback.pk if isinstance(feedback, Feedback) else feedback
    try:
        locked = Feedback.objects.select_for_update().get(pk=pk)
    except Feedback.DoesNotExist as exc:
        raise DomainError(_("Không tìm thấy phản ánh."), code="not_found") from exc
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentChange(
            _("Phản ánh vừa được người khác thay đổi. Vui lòng tải lại trang trước khi thao tác.")
        )
    return locked


def _record(
    feedback: Feedback,
    *,
    action: Action,
    user: User | None,
    at: dt.datetime,
    from_state: str,
    unit: Unit | None = None,
    note: str = "",
    payload: dict[str, Any] | None = None,
    visible_to_sender: bool = True,
) -> FeedbackEvent:
    """Bump the version, refresh the current deadline, save, append the one event."""
    feedback.version += 1
    feedback.current_due_at = deadlines.current_due(
        feedback.state,
        classify_due_at=feedback.classify_due_at,
        answer_due_at=feedback.answer_due_at,
        publish_due_at=feedback.publish_due_at,
    )
    feedback.save()
    return FeedbackEvent.objects.create(
        feedback=feedback,
        seq=feedback.version,  # version 1 is the submit event's seq 1; one event per change
        at=at,
        actor=user,
        unit=unit or feedback.unit,
        action=action,
        from_state=from_state,
        to_state=feedback.state,
        note=note,
        payload=payload or {},
        visible_to_sender=visible_to_sender,
    )


def _tell_sender(feedback: Feedback) -> None:
    """After the commit, tell the sender what changed (`tasks.notify_sender`, idempotent)."""
    from motcua.feedback.tasks import notify_sender

    transaction.on_commit(partial(notify_sender.delay, feedback.pk))


def _to(t: Transition) -> str:
    """The state a state-changing transition leads to."""
    assert t.target is not None
    return str(t.target)


def _required(text: str, message: str, limit: int = MAX_NOTE) -> str:
    value = _clean(text, limit=limit)
    if not value:
        raise DomainError(message, code="required")
    return value


def feedback_accept(
    *,
    feedback: Feedback,
    user: User,
    topic: FeedbackTopic | str,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """Classify as within scope (thụ lý), with its topic (QĐ 766 indicator 5.1)."""
    now = _now(at)
    try:
        topic = FeedbackTopic(topic)
    except ValueError as exc:
        raise DomainError(_("Vui lòng chọn phân loại nội dung."), code="topic") from exc
    with transaction.atomic():
        f = _lock(feedback, expected_version)
        t = check_transition(f, Action.ACCEPT, user)
        before = f.state
        f.state, f.topic, f.classified_at = _to(t), topic, now
        _record(
            f,
            action=t.action,
            user=user,
            at=now,
            from_state=before,
            note=_clean(note, limit=MAX_NOTE),
            payload={"topic": str(topic)},
        )
    return f


def feedback_refuse(
    *,
    feedback: Feedback,
    user: User,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """Not within scope: refused with the reason, which the sender reads."""
    now = _now(at)
    reason = _required(reason, _("Vui lòng nêu rõ lý do không xử lý."))
    with transaction.atomic():
        f = _lock(feedback, expected_version)
        t = check_transition(f, Action.REFUSE, user)
        before = f.state
        f.state, f.refusal_reason, f.classified_at = _to(t), reason, now
        _record(f, action=t.action, user=user, at=now, from_state=before, note=reason)
        _tell_sender(f)
    return f


def feedback_assign(
    *,
    feedback: Feedback,
    user: User,
    assignee: User,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """The leader gives the feedback to a specialist (or leader) of the unit."""
    now = _now(at)
    with transaction.atomic():
        f = _lock(feedback, expected_version)
        t = check_transition(f, Action.ASSIGN, user)
        if not user_has_role(assignee, f.unit, Role.SPECIALIST, Role.LEADER):
            raise DomainError(
                _("Người được phân công phải là chuyên viên hoặc lãnh đạo của đơn vị."),
                code="assignee",
            )
        before = f.state
        f.state, f.assignee = _to(t), assignee
        _record(
            f,
            action=t.action,
            user=user,
            at=now,
            from_state=before,
            note=_clean(note, limit=MAX_NOTE),
            payload={"assignee": assignee.get_username()},
            visible_to_sender=False,
        )
    return f


def feedback_forward(
    *,
    feedback: Feedback,
    user: User,
    to_unit: Unit,
    note: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """Send to the competent unit: it classifies again, with deadlines counted from now in its
    own calendar (❓ docs/domain/feedback.md)."""
    now = _now(at)
    note = _required(note, _("Vui lòng ghi lý do chuyển."))
    with transaction.atomic():
        f = _lock(feedback, expected_version)
        t = check_transition(f, Action.FORWARD, user)
        if to_unit.pk == f.unit_id:
            raise DomainError(_("Đơn vị nhận phải khác đơn vị hiện tại."), code="same_unit")
        require_unit_in_force(to_unit, timezone.localdate(now))
        before, from_unit = f.state, f.unit
        due = deadlines.deadlines_from(calendar_for_unit(to_unit), now)
        f.state, f.unit, f.assignee, f.unit_received_at = _to(t), to_unit, None, now
        f.classify_due_at = due.classify_due_at
        f.info_request_due_at = due.info_request_due_at
        f.answer_due_at = due.answer_due_at
        f.classified_at = None
        _record(
            f,
            action=t.action,
            user=user,
            at=now,
            from_state=before,
            unit=from_unit,
            note=note,
            payload={"from_unit": from_unit.code, "to_unit": to_unit.code},
        )
    return f


def feedback_request_info(
    *,
    feedback: Feedback,
    user: User,
    note: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """Ask the sender for missing information (the state does not change)."""
    now = _now(at)
    note = _required(note, _("Vui lòng ghi thông tin cần bổ sung."))
    with transaction.atomic():
        f = _lock(feedback, expected_version)
        t = check_transition(f, Action.REQUEST_INFO, user)
        f.info_requested_at = f.info_requested_at or now
        _record(f, action=t.action, user=user, at=now, from_state=f.state, note=note)
        _tell_sender(f)
    return f


def feedback_propose_answer(
    *,
    feedback: Feedback,
    user: User,
    answer: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """The assigned specialist drafts the answer for the leader."""
    now = _now(at)
    answer = _required(answer, _("Vui lòng nhập nội dung trả lời."))
    with transaction.atomic():
        f = _lock(feedback, expected_version)
        t = check_transition(f, Action.PROPOSE_ANSWER, user)
        if f.assignee_id != user.pk and not user_has_role(user, f.unit, Role.LEADER):
            raise PermissionDenied(_("Chỉ người được phân công mới dự thảo trả lời."))
        before = f.state
        f.state, f.answer = _to(t), answer
        _record(f, action=t.action, user=user, at=now, from_state=before, visible_to_sender=False)
    return f


def feedback_return_draft(
    *,
    feedback: Feedback,
    user: User,
    note: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    now = _now(at)
    note = _required(note, _("Vui lòng ghi ý kiến chỉ đạo."))
    with transaction.atomic():
        f = _lock(feedback, expected_version)
        t = check_transition(f, Action.RETURN_DRAFT, user)
        before = f.state
        f.state = _to(t)
        _record(
            f,
            action=t.action,
            user=user,
            at=now,
            from_state=before,
            note=note,
            visible_to_sender=False,
        )
    return f


def feedback_approve_answer(
    *,
    feedback: Feedback,
    user: User,
    answer: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """The leader approves (optionally edits) the answer: the sender can read it."""
    now = _now(at)
    with transaction.atomic():
        f = _lock(feedback, expected_version)
        t = check_transition(f, Action.APPROVE_ANSWER, user)
        edited = _clean(answer, limit=MAX_NOTE)
        before = f.state
        f.state, f.answered_at = _to(t), now
        if edited:
            f.answer = edited
        f.publish_due_at = deadlines.publish_due(calendar_for_unit(f.unit), now)
        _record(f, action=t.action, user=user, at=now, from_state=before)
        _tell_sender(f)
    return f


def feedback_publish(
    *,
    feedback: Feedback,
    user: User,
    public_summary: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """Publish the result. `public_summary` (default: the subject) is the public text of the
    question; the sender's identity is never published."""
    now = _now(at)
    with transaction.atomic():
        f = _lock(feedback, expected_version)
        t = check_transition(f, Action.PUBLISH, user)
        before = f.state
        f.state, f.published_at = _to(t), now
        f.public_summary = _clean(public_summary, limit=MAX_NOTE) or f.subject
        _record(f, action=t.action, user=user, at=now, from_state=before)
    return f


def feedback_act(
    *,
    feedback: Feedback,
    action: Action | str,
    user: User,
    data: dict[str, Any],
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Feedback:
    """Dispatch one action by name with its form/API fields (views and the API use this)."""
    common: dict[str, Any] = {
        "feedback": feedback,
        "user": user,
        "expected_version": expected_version,
        "at": at,
    }
    try:
        act = Action(action)
    except ValueError as exc:
        raise DomainError(_("Thao tác không hợp lệ."), code="invalid_action") from exc
    note = str(data.get("note") or "")
    if act == Action.ACCEPT:
        return feedback_accept(**common, topic=str(data.get("topic") or ""), note=note)
    if act == Action.REFUSE:
        return feedback_refuse(**common, reason=note)
    if act == Action.ASSIGN:
        assignee = data.get("assignee")
        if assignee is None:
            raise DomainError(_("Vui lòng chọn người xử lý."), code="assignee")
        return feedback_assign(**common, assignee=assignee, note=note)
    if act == Action.FORWARD:
        to_unit = data.get("to_unit")
        if to_unit is None:
            raise DomainError(_("Vui lòng chọn đơn vị nhận."), code="to_unit")
        return feedback_forward(**common, to_unit=to_unit, note=note)
    if act == Action.REQUEST_INFO:
        return feedback_request_info(**common, note=note)
    if act == Action.PROPOSE_ANSWER:
        return feedback_propose_answer(**common, answer=str(data.get("answer") or ""))
    if act == Action.RETURN_DRAFT:
        return feedback_return_draft(**common, note=note)
    if act == Action.APPROVE_ANSWER:
        return feedback_approve_answer(**common, answer=str(data.get("answer") or ""))
    if act == Action.PUBLISH:
        return feedback_publish(**common, public_summary=str(data.get("public_summary") or ""))
    raise DomainError(_("Thao tác không hợp lệ."), code="invalid_action")
