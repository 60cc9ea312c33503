"""What the product does with Final Determination letters: request, regenerate, render, restore.

The database row comes first and the render job is handed to the broker only after the transaction
commits (pretix's invoices): if the broker is down at that moment the row stays ``queued`` and the
periodic sweep hands it over later, so a request is never lost. A ready letter is never changed:
regenerating makes a new version that ``supersedes`` the old one, which is kept.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max, Q
from django.dispatch import Signal
from django.utils import timezone

from cases.models import Case
from reviews.letters import conf
from reviews.letters.rendering import (
    LetterNotRenderable,
    RenderedPdf,
    render_letter_html,
    render_letter_pdf,
)
from reviews.models import DeterminationLetter, LetterDownload, LetterStatus, Review, ReviewStatus

logger = logging.getLogger(__name__)

# Sent once a letter version's file is stored (``letter``: the DeterminationLetter). Other apps act on an
# issued determination through it (parties: delivery to each party) without reviews importing them.
letter_ready = Signal()


class LetterError(Exception):
    """A letter request that cannot be honoured, with a message for the person who asked."""


class LetterFileLost(LetterError):
    """A ready letter's file is gone and its signed snapshot does not give the same bytes back: nothing
    is served or reissued from the case as it is now; an administrator must look into it."""


# -- requesting -------------------------------------------------------------------------------------


def _next_version(case: Case) -> int:
    return (case.letters.aggregate(v=Max("version"))["v"] or 0) + 1


def _create_version(review: Review, by, reason: str, supersedes: DeterminationLetter | None):
    # Lock the case row so two requests at once never pick the same version number.
    case = Case.objects.select_for_update().get(pk=review.case_id)
    if supersedes is None:
        supersedes = case.letters.order_by("-version").first()
    letter = DeterminationLetter.objects.create(
        case=case,
        review=review,
        version=_next_version(case),
        requested_by=by if getattr(by, "is_authenticated", False) else None,
        supersedes=supersedes,
        reason=reason,
    )
    transaction.on_commit(lambda: enqueue_render(letter.pk))
    logger.info("letter %s requested (version %s)", letter.pk, letter.version)
    return letter


def request_letter(review: Review, by, reason: str = "") -> DeterminationLetter:
    """Record the letter for a signed review and queue its rendering once the transaction commits.

    Asking again for the same review returns the letter already requested (a double-submitted sign-off
    makes one letter); only when that letter failed does asking again make a new version.
    """
    if review.status != ReviewStatus.SIGNED:
        raise LetterError(f"Case {review.case.case_number}: the review is not signed off.")
    with transaction.atomic():
        existing = (
            review.letters.select_for_update(of=("self",))
            .exclude(status=LetterStatus.FAILED)
            .order_by("-version")
            .first()
        )
        if existing is not None:
            return existing
        return _create_version(review, by, reason, supersedes=None)


def regenerate_letter(letter: DeterminationLetter, by, reason: str) -> DeterminationLetter:
    """A new version of the letter from the same signed review: new file and hash; the old one is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise LetterError("Say why the letter is regenerated.")
    review = letter.review
    if review.status != ReviewStatus.SIGNED:
        raise LetterError(
            f"Case {letter.case.case_number}: version {letter.version} is of a review that is no longer the "
            "signed determination; regenerate the current version."
        )
    with transaction.atomic():
        return _create_version(review, by, reason, supersedes=letter)


def enqueue_render(letter_id: int) -> bool:
    """Hand the render job to the broker. A broker that is down leaves the letter queued for the sweep."""
    from reviews.letters.tasks import render_letter

    now = timezone.now()
    try:
        render_letter.apply_async(
            args=[letter_id],
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )
    except Exception as exc:  # the broker is unreachable: the sweep will queue it again
        logger.warning(
            "letter %s: broker unavailable (%s); the sweep will re-queue it", letter_id, type(exc).__name__
        )
        return False
    DeterminationLetter.objects.filter(pk=letter_id, status=LetterStatus.QUEUED).update(queued_at=now)
    return True


# -- rendering (called by the Celery task and by manage.py render_letter) ----------------------------


class TransientLetterError(Exception):
    """Rendering failed for a reason that may pass (storage or database unavailable): retry later."""


@dataclass
class RenderOutcome:
    letter_id: int
    done: bool
    detail: str


# The run rendering a letter holds a PostgreSQL advisory lock on its own session for the whole render.
# PostgreSQL releases it the moment that session ends, so a letter left "rendering" whose lock is free was
# abandoned by a process that died (a worker killed mid-render): it is taken over at once, not after the
# rendering timeout. Without PostgreSQL (the zero-setup SQLite demo) the timeout alone decides.
RENDER_LOCK_NAMESPACE = 0x494D52  # "IMR"


def _locks_supported() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def render_lock(letter_id: int) -> Iterator[bool]:
    """Hold the letter's render lock while the block runs; yields False if a live run holds it."""
    if not _locks_supported():
        yield True
        return
    key = [RENDER_LOCK_NAMESPACE, letter_id % 2**31]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def _claim(letter_id: int, renderer_gone: bool = False) -> tuple[DeterminationLetter | None, str]:
    """Take the letter for this run: queued, or rendering but presumed dead (its render lock is free, or
    it has been rendering past the timeout). One run at a time."""
    now = timezone.now()
    stale = now - timedelta(seconds=conf.rendering_timeout())
    with transaction.atomic():
        letter = DeterminationLetter.objects.select_for_update(of=("self",)).filter(pk=letter_id).first()
        if letter is None:
            return None, "no such letter"
        if letter.status == LetterStatus.READY:
            return None, "already ready"
        presumed_dead = letter.status == LetterStatus.RENDERING and (
            renderer_gone or letter.started_at is None or letter.started_at < stale
        )
        if letter.status != LetterStatus.QUEUED and not presumed_dead:
            return None, f"{letter.status}, left alone"
        letter.status = LetterStatus.RENDERING
        letter.claim = uuid.uuid4().hex
        letter.started_at = now
        letter.attempts += 1
        letter.save(update_fields=["status", "claim", "started_at", "attempts"])
    return letter, letter.claim


def _record_history(letter_id: int, reason: str) -> None:
    """The worker changes a letter with conditional UPDATEs (only the run holding the claim may), which
    django-simple-history does not see: add the row to the letter's change history here."""
    letter = DeterminationLetter.objects.filter(pk=letter_id).first()
    if letter is not None:
        DeterminationLetter.history.bulk_history_create([letter], update=True, default_change_reason=reason)


def _still_mine(letter_id: int, token: str):
    return DeterminationLetter.objects.filter(pk=letter_id, status=LetterStatus.RENDERING, claim=token)


def letter_html(letter: DeterminationLetter) -> str:
    """The letter's HTML: the snapshot stored when its file was made, else (first render, or a letter
    made before snapshots were kept) rendered from its signed review."""
    if letter.html:
        return letter.html
    review = Review.objects.select_related("case", "reviewer", "assignment").get(pk=letter.review_id)
    return render_letter_html(review, letter)


def render_letter_file(letter: DeterminationLetter) -> RenderedPdf:
    """The letter's PDF: the one code path for the task, the command and restores."""
    return render_letter_pdf(letter_html(letter))


TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError,)
try:  # database connectivity
    from django.db import InterfaceError, OperationalError

    TRANSIENT_ERRORS += (OperationalError, InterfaceError)
except ImportError:  # pragma: no cover
    pass
try:  # S3-compatible storage through django-storages
    from botocore.exceptions import BotoCoreError, ClientError

    TRANSIENT_ERRORS += (BotoCoreError, ClientError)
except ImportError:  # pragma: no cover
    pass


def produce_letter(letter_id: int) -> RenderOutcome:
    """Render a queued letter and store its PDF; a ready letter is left alone (idempotent).

    Raises ``TransientLetterError`` when it is worth trying again (the letter goes back to queued) and
    marks the letter failed, with a readable error, when it is not.
    """
    try:
        with render_lock(letter_id) as held:
            if not held:  # a live run is rendering it right now
                return RenderOutcome(letter_id, done=False, detail="rendering, left alone")
            return _produce(letter_id)
    except TRANSIENT_ERRORS as exc:  # the database is unreachable: nothing changed
        raise TransientLetterError(readable_error(exc)) from exc


def _produce(letter_id: int) -> RenderOutcome:
    """produce_letter's work, under the letter's render lock."""
    try:
        letter, token = _claim(letter_id, renderer_gone=_locks_supported())
    except TRANSIENT_ERRORS as exc:  # the database is unreachable or a lock timed out: nothing changed
        raise TransientLetterError(readable_error(exc)) from exc
    if letter is None:
        return RenderOutcome(letter_id, done=False, detail=token)
    try:
        html = letter_html(letter)
        rendered = render_letter_pdf(html)
        name = letter.file.field.generate_filename(letter, "letter.pdf")
        stored_name = letter.file.storage.save(name, ContentFile(rendered.content))
    except LetterNotRenderable as exc:
        mark_failed(letter_id, str(exc), token=token)
        return RenderOutcome(letter_id, done=False, detail="failed")
    except TRANSIENT_ERRORS as exc:
        if _still_mine(letter_id, token).update(
            status=LetterStatus.QUEUED, error=f"Attempt {letter.attempts}: {readable_error(exc)}"
        ):
            _record_history(letter_id, "render failed for a passing reason; queued again")
        raise TransientLetterError(readable_error(exc)) from exc
    except Exception as exc:
        mark_failed(letter_id, f"Rendering failed: {readable_error(exc)}", token=token)
        logger.exception("letter %s: rendering failed", letter_id)
        return RenderOutcome(letter_id, done=False, detail="failed")

    # Only the run that holds the claim records its file; a run that lost it removes its copy.
    won = _still_mine(letter_id, token).update(
        status=LetterStatus.READY,
        file=stored_name,
        html=html,
        sha256=rendered.sha256,
        page_count=rendered.page_count,
        rendered_at=timezone.now(),
        error="",
    )
    if won:
        _record_history(letter_id, "rendered")
    if not won:
        letter.file.storage.delete(stored_name)
        logger.info("letter %s: another run finished first; discarded this copy", letter_id)
        return RenderOutcome(letter_id, done=False, detail="lost the claim")
    logger.info("letter %s ready (%s pages)", letter_id, rendered.page_count)
    letter.refresh_from_db()
    letter_ready.send(sender=DeterminationLetter, letter=letter)
    return RenderOutcome(letter_id, done=True, detail="ready")


def note_retry(letter_id: int, countdown: int) -> None:
    """A retry is due in ``countdown`` seconds: the sweep leaves the letter alone until then."""
    due = timezone.now() + timedelta(seconds=countdown)
    DeterminationLetter.objects.filter(pk=letter_id, status=LetterStatus.QUEUED).update(queued_at=due)


def readable_error(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:500]


def mark_failed(letter_id: int, error: str, token: str | None = None) -> bool:
    """The letter could not be rendered: say why. Ready letters are never touched."""
    rows = DeterminationLetter.objects.filter(pk=letter_id).exclude(status=LetterStatus.READY)
    if token is not None:
        rows = rows.filter(claim=token)
    done = rows.update(status=LetterStatus.FAILED, error=error) > 0
    if done:
        _record_history(letter_id, "failed")
        logger.warning("letter %s failed", letter_id)
    return done


# -- sweep and restore ------------------------------------------------------------------------------


def stuck_letters():
    """Letters queued for longer than the queued timeout, or rendering past the rendering timeout."""
    now = timezone.now()
    queued_before = now - timedelta(seconds=conf.queued_timeout())
    rendering_before = now - timedelta(seconds=conf.rendering_timeout())
    return DeterminationLetter.objects.filter(
        Q(status=LetterStatus.QUEUED, queued_at__isnull=True, requested_at__lt=queued_before)
        | Q(status=LetterStatus.QUEUED, queued_at__lt=queued_before)
        | Q(status=LetterStatus.RENDERING, started_at__lt=rendering_before)
    )


def sweep_letters() -> list[int]:
    """Queue again every stuck letter: queued too long (the broker was down at sign-off, a message was
    lost), or rendering by a process that died (its render lock is free) or past the rendering timeout.
    Each is handled under its render lock, so a live render is never taken over."""
    requeued = []
    rendering = DeterminationLetter.objects.filter(status=LetterStatus.RENDERING)
    candidates = stuck_letters() | (rendering if _locks_supported() else rendering.none())
    for letter_id in candidates.order_by("pk").values_list("pk", flat=True):
        with render_lock(letter_id) as free, transaction.atomic():
            if not free:  # a live run holds it
                continue
            letter = candidates.select_for_update(skip_locked=True, of=("self",)).filter(pk=letter_id).first()
            if letter is None:
                continue
            if letter.status == LetterStatus.RENDERING:
                letter.status = LetterStatus.QUEUED
                letter.claim = ""
                letter.error = "The render stopped before it finished; queued again."
            letter.queued_at = timezone.now()
            letter.save(update_fields=["status", "claim", "error", "queued_at"])
        if enqueue_render(letter_id):
            requeued.append(letter_id)
    if requeued:
        logger.info("sweep re-queued letters %s", requeued)
    return requeued


def restore_missing_file(letter: DeterminationLetter) -> bool:
    """A ready letter whose stored file is gone: render the stored HTML snapshot again and store it.

    Rendering is deterministic, so the restored file is byte-for-byte the issued one; if it is not,
    nothing is stored and ``False`` says so (the caller fails loudly).
    """
    rendered = render_letter_file(letter)
    if rendered.sha256 != letter.sha256:
        logger.error("letter %s: the file is missing and the snapshot does not reproduce it", letter.pk)
        return False
    name = letter.file.field.generate_filename(letter, "letter.pdf")
    stored_name = letter.file.storage.save(name, ContentFile(rendered.content))
    DeterminationLetter.objects.filter(pk=letter.pk).update(file=stored_name)
    letter.file.name = stored_name
    logger.info("letter %s: missing file restored", letter.pk)
    return True


def file_exists(letter: DeterminationLetter) -> bool:
    return bool(letter.file.name) and letter.file.storage.exists(letter.file.name)


@dataclass(frozen=True)
class Download:
    """The answer to a download of a ready letter: its file (``restored`` if it had to be re-rendered
    from its snapshot)."""

    letter: DeterminationLetter
    restored: bool = False


def download_letter(letter: DeterminationLetter, by) -> Download:
    """A ready letter for ``by`` to download, recorded (who, when, whether restored).

    A download whose file is missing restores it from the HTML stored when it was made, byte for byte
    (checked against the issued hash). When that is impossible it raises ``LetterFileLost``: a reader's
    download never makes a letter from the case as it is now (an administrator regenerates one, with a
    reason, from the signed review).
    """
    restored = False
    if not file_exists(letter):
        restored = restore_missing_file(letter)
        if not restored:
            raise LetterFileLost(
                f"The file of version {letter.version} of case {letter.case.case_number}'s letter is missing "
                "and could not be restored byte for byte; an administrator has to regenerate it."
            )
    LetterDownload.objects.create(letter=letter, user=by, file_restored=restored)
    logger.info("letter %s downloaded by user %s", letter.pk, by.pk)
    return Download(letter, restored=restored)


# -- the latest signed determination of a case (manage.py render_letter) ---------------------------


def latest_signed_review(case: Case) -> Review:
    review = case.reviews.latest_signed()
    if review is None:
        raise LetterError(f"Case {case.case_number} has not been signed off: there is no determination.")
    return review
