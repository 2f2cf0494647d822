"""Writes of the owner's side of a case: raising an issue with photos, the message thread with the dealer, and the
owner's "is it put right?" answer.

An issue is a recovery case opened through ``case_open_direct`` (source "owner"), so the dealer's inbox, the
24-hour promise, reminders and escalation treat it like any other case. Everything the owner sends is checked before
anything is written: a bad photo refuses the whole issue and leaves no case, no row and no file behind.

Status changes go through the case's transition table (``services._move``): a dealer's reply to an owner waiting
for contact stops the respond-by clock like a logged call; the owner's "yes" verifies a resolved case and answers
its follow-up survey (so the e-mailed one is never sent or accepted as well); "not yet" reopens it with the owner's
words, through the same path a follow-up "no" takes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from insidetrack.accounts.selectors import actor_display_name
from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from insidetrack.core.tasks import enqueue_on_commit
from insidetrack.customers.models import Customer, Vehicle
from insidetrack.surveys.capture import PUT_RIGHT, VERBATIM_MAX_LENGTH, parse_score
from insidetrack.surveys.history import invitation_history_write
from insidetrack.surveys.models import Invitation, InvitationEventKind, InvitationStatus, Purpose, Response, Source
from insidetrack.surveys.signals import response_completed

from . import policies, services
from .models import Case, CaseEvent, CaseEventKind, CaseMessage, CasePhoto, CaseSource, IssueUrgency
from .policies import AWAITING_CONTACT, CaseStatus

logger = logging.getLogger(__name__)
S = CaseStatus

# Defaults for the settings a deployment may change: how many photos an issue takes and how big each may be.
PHOTOS_MAX_COUNT = 4
PHOTO_MAX_BYTES = 10 * 1024 * 1024
# Photos are stored at most this many pixels on their longest side: enough to see a scratch, small to store.
PHOTO_MAX_SIDE = 2048
# A photo claiming more pixels than this is refused before it is decoded (a decompression bomb, or not a photo).
PHOTO_MAX_PIXELS = 50_000_000
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SUBJECT_LENGTH = 120


def photos_max_count() -> int:
    return int(getattr(settings, "INSIDETRACK_ISSUE_PHOTOS_MAX", PHOTOS_MAX_COUNT))


def photo_max_bytes() -> int:
    return int(getattr(settings, "INSIDETRACK_ISSUE_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES))


# --------------------------------------------------------------------------------------------------------------------
# Photos


@dataclass(frozen=True)
class CleanPhoto:
    """A photo that passed the checks, re-encoded without metadata, ready to store."""

    original_name: str
    content: bytes
    extension: str
    content_type: str
    width: int
    height: int


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def photo_clean(*, name: str, data: bytes) -> CleanPhoto:
    """Check that the bytes really are a JPEG, PNG or WebP photo, and re-encode them without EXIF (no location).

    The image is decoded (not only its header read), turned upright as the camera meant, shrunk to
    ``PHOTO_MAX_SIDE`` and saved afresh: the stored file carries none of the original's metadata.
    """
    name = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200] or "photo"
    unreadable = ValidationFailed(
        _("%(name)s is not a photo we can read: please send a JPEG, PNG or WebP image.") % {"name": name},
        field="photos")
    if len(data) > photo_max_bytes():
        raise ValidationFailed(_("%(name)s is too large: a photo may be at most %(size)s MB.")
                               % {"name": name, "size": _megabytes(photo_max_bytes())}, field="photos")
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in PHOTO_FORMATS or probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise unreadable
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            has_alpha = upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info)
            out = BytesIO()
            if has_alpha:
                upright.convert("RGBA").save(out, format="PNG", optimize=True)
                extension, content_type = "png", "image/png"
            else:
                upright.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
                extension, content_type = "jpg", "image/jpeg"
            width, height = upright.size
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unreadable from None
    return CleanPhoto(original_name=name, content=out.getvalue(), extension=extension, content_type=content_type,
                      width=width, height=height)


def photos_clean(uploads: Sequence[object]) -> list[CleanPhoto]:
    """Every upload checked (count first, then each file by name); raises on the first bad one."""
    uploads = [upload for upload in uploads if upload is not None and getattr(upload, "size", 1)]
    if len(uploads) > photos_max_count():
        raise ValidationFailed(_("Please send at most %(count)d photos.") % {"count": photos_max_count()},
                               field="photos")
    cleaned = []
    for upload in uploads:
        name = getattr(upload, "name", "") or "photo"
        size = getattr(upload, "size", None)
        if size is not None and size > photo_max_bytes():
            # Refused before it is read into memory.
            raise ValidationFailed(_("%(name)s is too large: a photo may be at most %(size)s MB.")
                                   % {"name": name, "size": _megabytes(photo_max_bytes())}, field="photos")
        data = upload.read() if hasattr(upload, "read") else bytes(upload)
        cleaned.append(photo_clean(name=name, data=data))
    return cleaned


def _store_photos(case: Case, photos: list[CleanPhoto], *, now: datetime, written: list[str]) -> list[CasePhoto]:
    """Save the files and their rows; each file's name goes into ``written`` as soon as it exists, so the caller
    can delete them if the transaction does not commit."""
    storage = CasePhoto._meta.get_field("file").storage
    rows: list[CasePhoto] = []
    for photo in photos:
        stored = storage.save(f"issues/{case.pk}/{uuid.uuid4().hex}.{photo.extension}", ContentFile(photo.content))
        written.append(stored)
        rows.append(CasePhoto(case=case, file=stored, original_name=photo.original_name,
                              content_type=photo.content_type, width=photo.width, height=photo.height,
                              size=len(photo.content), uploaded_at=now))
    return CasePhoto.objects.bulk_create(rows)


# --------------------------------------------------------------------------------------------------------------------
# Raising an issue


def _owner_customer(actor: Actor) -> Customer:
    if not actor.is_owner or actor.customer_id is None:
        raise PermissionDenied(_("Only an owner can raise an issue with their vehicle."))
    customer = Customer.objects.visible_to(actor).select_related("dealer").filter(pk=actor.customer_id).first()
    if customer is None:
        raise NotFound(_("customer not found"))
    return customer


def issue_subject(text: str) -> str:
    """The case's one-line subject: the first line of what the owner wrote, cut at a word."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= SUBJECT_LENGTH:
        return first
    return first[:SUBJECT_LENGTH].rsplit(" ", 1)[0] + "…"


def issue_raise(*, actor: Actor, vehicle_pk: int | None, what: str, urgency: str, photos: Sequence[object] = (),
                now: datetime | None = None) -> Case:
    """An owner raises an issue with one of their vehicles: a recovery case for their dealer, with its photos.

    Everything is checked before anything is written; the case and its photos are one transaction. "I can't use the
    car safely" flags the case urgent, which tells the dealer's people and head office at once (as a safety issue
    in a survey does); any other issue reaches the dealer's inbox under the 24-hour promise.
    """
    now = now or clock.now()
    customer = _owner_customer(actor)
    what = services._clean_text(what, field_name="what", required=True,
                                message=_("Please tell us what happened."))
    if urgency not in IssueUrgency.values:
        raise ValidationFailed(_("Please say how soon you need us."), field="urgency")
    vehicle = None
    if vehicle_pk is not None:
        vehicle = Vehicle.objects.visible_to(actor).filter(pk=vehicle_pk).first()
    if vehicle is None:
        raise ValidationFailed(_("Please choose one of your vehicles."), field="vehicle")
    cleaned = photos_clean(photos)
    if customer.dealer_id is None:
        raise Conflict(_("You have no dealer on record yet; please call us."), code="no_dealer")
    urgent_reason = str(_("The owner says the car cannot be used safely.")) if urgency == IssueUrgency.UNSAFE else ""
    written: list[str] = []
    try:
        with transaction.atomic():
            case = services.case_open_direct(
                dealer=customer.dealer, customer_pk=customer.pk, source=CaseSource.OWNER,
                subject=issue_subject(what), detail=what, vehicle_pk=vehicle.pk, department="service",
                urgent_reason=urgent_reason, actor=actor, now=now)
            CaseEvent.objects.filter(case=case, kind=CaseEventKind.CREATED).update(
                data={"urgency": urgency, "photos": len(cleaned)})
            _store_photos(case, cleaned, now=now, written=written)
            if urgent_reason:
                services._event(case, actor=Actor.system(), kind=CaseEventKind.URGENT, at=now, detail=urgent_reason,
                                data={"urgency": urgency})
                from . import tasks

                enqueue_on_commit(tasks.send_case_notices, reminded=[], to_region=[], to_head_office=[],
                                  urgent=[case.pk])
    except Exception:
        storage = CasePhoto._meta.get_field("file").storage
        for name in written:
            storage.delete(name)
        raise
    return case


# --------------------------------------------------------------------------------------------------------------------
# The owner's case and the message thread


def _owner_case(*, actor: Actor, case_pk: int, lock: bool = False) -> Case:
    """One of the owner's own issues (raised by them), locked if asked; 404 for anything else."""
    if not actor.is_owner:
        raise NotFound(_("issue not found"))
    cases = Case.objects.visible_to(actor).filter(pk=case_pk, source=CaseSource.OWNER)
    if lock:
        cases = cases.select_for_update(of=("self",))
    case = cases.first()
    if case is None:
        raise NotFound(_("issue not found"))
    return case


def _message_text(text: str) -> str:
    return services._clean_text(text, field_name="text", required=True, message=_("The message is empty."))


@transaction.atomic
def message_from_owner(*, actor: Actor, case_pk: int, text: str, now: datetime | None = None) -> CaseMessage:
    """The owner writes to the dealer about their issue; the dealer's people are told by e-mail.

    It does not move the case: the promise is about the dealer answering, and the owner writing again does not
    answer anything.
    """
    now = now or clock.now()
    case = _owner_case(actor=actor, case_pk=case_pk, lock=True)
    text = _message_text(text)
    if case.status == S.CLOSED:
        raise Conflict(_("This issue is closed. If something is still wrong, please raise a new one."),
                       code="case_closed")
    message = CaseMessage.objects.create(case=case, author_id=actor.user_id, author_name=actor_display_name(actor),
                                         from_owner=True, text=text, at=now)
    from . import tasks_owner

    enqueue_on_commit(tasks_owner.notify_message, message_pk=message.pk)
    return message


@transaction.atomic
def message_from_dealer(*, actor: Actor, case_pk: int, text: str, now: datetime | None = None) -> CaseMessage:
    """The dealer replies to the owner; the owner gets an e-mail in their language with a link to the issue.

    A reply to an owner who is waiting for contact (a new or reopened case) is that contact: it moves the case to
    "contacted" through the transition table, which stops the respond-by clock as a logged call does.
    """
    now = now or clock.now()
    case = services._locked_case(case_pk=case_pk, actor=actor)
    text = _message_text(text)
    if case.source != CaseSource.OWNER:
        # The owner reads the thread on the issue they raised; other cases have no page of theirs to link to.
        raise Conflict(_("Only an issue the owner raised has a message thread; call or e-mail the customer."),
                       code="no_thread")
    if case.customer_id is None:
        raise Conflict(_("The customer's details were erased; there is nobody to write to."), code="no_customer")
    if case.status == S.CLOSED:
        raise Conflict(_("This case is closed."), code="case_closed")
    name = actor_display_name(actor)
    message = CaseMessage.objects.create(case=case, author_id=actor.user_id, author_name=name, from_owner=False,
                                         text=text, at=now)
    # The dealer has now read what the owner wrote before this reply.
    CaseMessage.objects.filter(case=case, from_owner=True, read_at__isnull=True, at__lte=now).update(read_at=now)
    if case.status in AWAITING_CONTACT:
        changed = services._move(case, target=S.CONTACTED, actor=actor, now=now, name=name,
                                 reason=str(_("Replied to the owner in writing")), data={"by": "message"})
        case.save(update_fields=[*set(changed), "updated_at"])
    from . import tasks_owner

    enqueue_on_commit(tasks_owner.notify_message, message_pk=message.pk)
    return message


def messages_mark_read(*, actor: Actor, case: Case, now: datetime | None = None) -> int:
    """The owner has seen the dealer's replies on their issue page (a conditional update: idempotent)."""
    if not actor.is_owner:
        return 0
    now = now or clock.now()
    return CaseMessage.objects.visible_to(actor).filter(case=case, from_owner=False, read_at__isnull=True).update(
        read_at=now)


# --------------------------------------------------------------------------------------------------------------------
# "Is it put right?"


def _claim_follow_up(case: Case, *, now: datetime) -> Invitation | None:
    """Take the case's follow-up invitation out of the mail: answered here, so it is never sent nor its e-mailed
    link accepted. None when there is no usable invitation (expired, or never scheduled)."""
    if not case.follow_up_invitation_id:
        return None
    claimed = Invitation.objects.filter(
        pk=case.follow_up_invitation_id, status__in=[InvitationStatus.PENDING, InvitationStatus.SENT],
    ).update(status=InvitationStatus.ANSWERED, answered_at=now)
    if not claimed:
        return None
    invitation_history_write([(case.follow_up_invitation_id, InvitationEventKind.ANSWERED, now, "portal")])
    return Invitation.objects.get(pk=case.follow_up_invitation_id)


def _close_follow_up_link(case: Case, *, now: datetime) -> None:
    """After a "not yet", a follow-up already e-mailed must not ask again: it expires now (a pending one the reopen
    itself cancels)."""
    if case.follow_up_invitation_id and Invitation.objects.filter(
            pk=case.follow_up_invitation_id, status=InvitationStatus.SENT).update(
            status=InvitationStatus.EXPIRED, expires_at=now):
        invitation_history_write([(case.follow_up_invitation_id, InvitationEventKind.EXPIRED, now, "case_reopened")])


@transaction.atomic
def issue_confirm(*, actor: Actor, case_pk: int, put_right: bool, score: object = None, words: str = "",
                  now: datetime | None = None) -> Case:
    """The owner answers "Is it put right?" on a resolved issue.

    Yes: the answer is the case's follow-up survey (a follow-up response with its 0-10 "how well did we put it
    right" and words, counted in the follow-up figures like an e-mailed one) and the case is verified, or reopened
    for a 0-6 as an e-mailed follow-up would be (``policies.follow_up_outcome``). The pending
    invitation is marked answered, so the sweep never sends it; one already sent stops accepting answers.

    Not yet: the case reopens with the owner's words as the reason (fresh deadlines, back to the dealer), the words
    go into the thread for the dealer to read, and the follow-up is withdrawn; the next resolution asks again.
    """
    now = now or clock.now()
    case = _owner_case(actor=actor, case_pk=case_pk, lock=True)
    if case.status != S.RESOLVED:
        raise Conflict(_("Your dealer has not marked this issue as put right yet."), code="not_resolved")
    text = (words or "").replace("\r\n", "\n").strip()
    if len(text) > VERBATIM_MAX_LENGTH:
        raise ValidationFailed(_("Please keep your answer under 2,000 characters."), field="words")
    name = actor_display_name(actor)
    if not put_right:
        if not text:
            raise ValidationFailed(_("Please tell your dealer what is still wrong."), field="words")
        changed = services._move(case, target=S.REOPENED, actor=actor, now=now, name=name, reason=text,
                                 data={"by": "owner"})
        _close_follow_up_link(case, now=now)
        case.save(update_fields=[*set(changed), "updated_at"])
        CaseMessage.objects.create(case=case, author_id=actor.user_id, author_name=name, from_owner=True, text=text,
                                   at=now)
        return case
    if score is None or str(score).strip() == "":
        raise ValidationFailed(_("Please choose how well we put it right, from 0 to 10."), field="score")
    value = parse_score(score)
    invitation = _claim_follow_up(case, now=now)
    customer = Customer.objects.filter(pk=case.customer_id).only("language").first()
    response = Response.objects.create(
        brand_id=case.brand_id, dealer_id=case.dealer_id, customer_id=case.customer_id, invitation=invitation,
        touchpoint_id=invitation.touchpoint_id if invitation else (case.touchpoint_id
                                                                    or services._any_touchpoint(case.brand_id)),
        vehicle_model=Vehicle.objects.filter(pk=case.vehicle_id).values_list("model", flat=True).first() or "",
        score=value, verbatim=text, language=(invitation.language if invitation else None)
        or (customer.language if customer else "en"), source=Source.PORTAL, purpose=Purpose.FOLLOW_UP,
        invited_at=invitation.sent_at if invitation else None, submitted_at=now, answers={PUT_RIGHT: True},
    )
    case.follow_up_score, case.follow_up_answered_at = value, now
    # The same rule as an e-mailed follow-up: "yes" with a 0-6 for how it was handled reopens it (the fault may be
    # fixed, the customer is not won back), so the dealer calls again instead of the case counting as recovered.
    outcome = policies.follow_up_outcome(score=value, put_right=True)
    services._event(case, actor=Actor.system(), kind=CaseEventKind.FOLLOW_UP_ANSWERED, at=now,
                    data={"put_right": True, "outcome": outcome, "by": "owner", "response": response.pk})
    changed = ["follow_up_score", "follow_up_answered_at"]
    # The owner's own word verifies it (the manager-only hand verification is for a phone call's word).
    reason = "" if outcome == S.VERIFIED else str(_(
        "The owner says it is put right but gave %(score)s out of 10 for how it was handled.") % {"score": value})
    changed += services._move(case, target=outcome, actor=Actor.system(), now=now, name=name, reason=reason,
                              data={"by": "owner"})
    case.save(update_fields=[*set(changed), "updated_at"])
    # Like an answer on the survey page: the analysis and the figures hear of it after commit.
    transaction.on_commit(lambda: response_completed.send(sender=Response, response_pk=response.pk,
                                                          purpose=Purpose.FOLLOW_UP))
    return case
