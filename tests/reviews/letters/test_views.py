"""Letter pages for every role: status, download (permission-checked, recorded), history, preview."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from reviews.models import DeterminationLetter, LetterDownload, LetterStatus
from tests import factories
from tests.auth import log_in
from tests.reviews.letters.helpers import issue, pdf_text, signed_seed_review

CASE = "CM15-0165834"


@pytest.fixture
def review(seed_case):
    return signed_seed_review(seed_case)


@pytest.fixture
def letter(review, django_capture_on_commit_callbacks):
    letter = issue(review, by=review.reviewer.user, capture=django_capture_on_commit_callbacks)
    assert letter.status == LetterStatus.READY
    return letter


@pytest.fixture
def users(review):
    return {
        "assigned reviewer": review.reviewer.user,
        "other reviewer": factories.reviewer_with_credentials().user,
        "administrator": factories.AdminUserFactory(),
        "qa": factories.QAUserFactory(),
    }


def _url(name: str, version: int | None = 1) -> str:
    args = [CASE] if version is None else [CASE, version]
    return reverse(f"reviews:{name}", args=args)


# -- download -------------------------------------------------------------------------------------

READERS = ["assigned reviewer", "administrator", "qa"]


@pytest.mark.parametrize("role", READERS)
def test_readers_download_the_pdf_as_an_attachment_and_it_is_recorded(client, letter, users, role):
    log_in(client, users[role])
    response = client.get(_url("letter_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="CM15-0165834-final-determination-v1.pdf"'
    assert "private" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    download = LetterDownload.objects.get()
    assert (download.user, download.letter.version, download.file_restored) == (users[role], 1, False)


def test_another_reviewer_gets_404_for_every_letter_url(client, letter, users):
    log_in(client, users["other reviewer"])
    for url in [
        _url("letter_download"),
        _url("letter_status"),
        _url("letter_case", None),
        _url("letter_preview", None),
    ]:
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404, url
    assert client.post(_url("letter_regenerate"), {"reason": "x"}).status_code == 404
    assert not LetterDownload.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, letter):
    for url in [_url("letter_download"), _url("letter_status"), _url("letter_case", None)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not LetterDownload.objects.exists()


def test_an_unknown_version_is_404(client, letter, users):
    log_in(client, users["administrator"])
    assert client.get(_url("letter_download", 7)).status_code == 404


def test_a_letter_still_rendering_is_not_downloaded(client, review, users):
    DeterminationLetter.objects.create(case=review.case, review=review, version=1)
    log_in(client, users["assigned reviewer"])
    response = client.get(_url("letter_download"))
    assert response.status_code == 302
    assert response["Location"] == _url("letter_case", None)
    assert not LetterDownload.objects.exists()


def test_a_missing_file_is_rendered_again_byte_for_byte(client, letter, users):
    letter.file.storage.delete(letter.file.name)
    log_in(client, users["assigned reviewer"])
    response = client.get(_url("letter_download"))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == letter.sha256
    assert LetterDownload.objects.get().file_restored is True
    letter.refresh_from_db()
    assert letter.file.storage.exists(letter.file.name)


def test_a_missing_file_that_cannot_be_reproduced_fails_loudly_and_nothing_is_reissued(
    client, letter, users, django_capture_on_commit_callbacks
):
    """A reader's download never makes a letter from the case as it is now (issue 10)."""
    letter.file.storage.delete(letter.file.name)
    # As if the stored snapshot no longer gave the issued bytes back.
    DeterminationLetter.objects.filter(pk=letter.pk).update(sha256="0" * 64)
    log_in(client, users["administrator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_url("letter_download"), follow=True)
    assert response.status_code == 200
    assert "could not be restored byte for byte" in response.content.decode()
    assert list(DeterminationLetter.objects.values_list("version", flat=True)) == [1]
    assert not LetterDownload.objects.exists()


def test_a_missing_file_is_restored_from_the_signed_snapshot_not_from_changed_case_data(
    client, letter, users
):
    """Even if the case's facts were changed behind the application's back after sign-off, the lost file
    comes back byte for byte from the HTML stored when it was made."""
    from cases.models import Case

    assert CASE in letter.html  # the snapshot kept when the file was made
    Case.objects.filter(pk=letter.case_id).update(
        claims_administrator="Changed Later Inc", injury_date="2001-01-01"
    )
    letter.file.storage.delete(letter.file.name)
    log_in(client, users["assigned reviewer"])
    response = client.get(_url("letter_download"))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == letter.sha256
    assert LetterDownload.objects.get().file_restored is True


# -- status ---------------------------------------------------------------------------------------


def test_status_polls_while_queued_and_offers_the_download_when_ready(client, review, users):
    letter = DeterminationLetter.objects.create(case=review.case, review=review, version=1)
    log_in(client, users["assigned reviewer"])
    queued = client.get(_url("letter_status"), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in queued
    assert "queued" in queued
    assert _url("letter_download") not in queued

    DeterminationLetter.objects.filter(pk=letter.pk).update(status=LetterStatus.RENDERING)
    rendering = client.get(_url("letter_status"), HTTP_HX_REQUEST="true").content.decode()
    assert "rendering" in rendering and 'hx-trigger="every 2s"' in rendering

    DeterminationLetter.objects.filter(pk=letter.pk).update(status=LetterStatus.READY, page_count=3)
    ready = client.get(_url("letter_status"), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in ready
    assert _url("letter_download") in ready
    assert "Download letter (PDF)" in ready


def test_a_failed_letter_shows_its_error_to_administrators_only(client, review, users):
    DeterminationLetter.objects.create(
        case=review.case, review=review, version=1, status=LetterStatus.FAILED, error="Storage is full"
    )
    log_in(client, users["administrator"])
    assert "Storage is full" in client.get(_url("letter_case", None)).content.decode()
    log_in(client, users["assigned reviewer"])
    page = client.get(_url("letter_case", None)).content.decode()
    assert "failed" in page and "Storage is full" not in page


# -- history and regeneration ---------------------------------------------------------------------


def test_administrators_see_every_version_with_its_downloads(client, letter, users):
    log_in(client, users["assigned reviewer"])
    client.get(_url("letter_download"))
    log_in(client, users["administrator"])
    page = client.get(_url("letter_case", None)).content.decode()
    assert "Versions" in page
    assert letter.sha256[:10] in page
    assert "Regenerate" in page
    assert users["assigned reviewer"].username in page


def test_reviewers_see_the_current_letter_but_not_the_history(client, letter, users):
    log_in(client, users["assigned reviewer"])
    page = client.get(_url("letter_case", None)).content.decode()
    assert "Download letter (PDF)" in page
    assert "Regenerate" not in page and "Versions" not in page


def test_history_page_queries_do_not_grow_with_versions(
    client, letter, users, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from reviews.letters.services import regenerate_letter

    log_in(client, users["administrator"])
    with django_assert_max_num_queries(30) as one_version:
        client.get(_url("letter_case", None))
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            regenerate_letter(letter, by=users["administrator"], reason=f"copy {n}")
    with django_assert_max_num_queries(len(one_version.captured_queries)):
        client.get(_url("letter_case", None))


def test_an_administrator_regenerates_and_the_old_version_stays(
    client, letter, users, django_capture_on_commit_callbacks
):
    log_in(client, users["administrator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("letter_regenerate"), {"reason": "Address block corrected"})
    assert response.status_code == 302
    new = DeterminationLetter.objects.get(version=2)
    assert (new.status, new.supersedes_id, new.reason) == (
        LetterStatus.READY,
        letter.pk,
        "Address block corrected",
    )
    assert new.sha256 != letter.sha256
    assert client.get(_url("letter_download", 1)).status_code == 200
    assert client.get(_url("letter_download", 2)).status_code == 200


@pytest.mark.parametrize("role", ["assigned reviewer", "qa"])
def test_only_administrators_regenerate(client, letter, users, role):
    log_in(client, users[role])
    assert client.post(_url("letter_regenerate"), {"reason": "mine"}).status_code == 403
    assert DeterminationLetter.objects.count() == 1


def test_regenerate_without_a_reason_changes_nothing(client, letter, users):
    log_in(client, users["administrator"])
    response = client.post(_url("letter_regenerate"), {"reason": ""}, follow=True)
    assert "Say why the letter is regenerated." in response.content.decode()
    assert DeterminationLetter.objects.count() == 1


# -- preview before sign-off --------------------------------------------------------------------------


@pytest.fixture
def draft(seed_case):
    from tests.seed_determination import sign_seed_review

    reviewer = factories.reviewer_with_credentials(states=("CA",), specialties=("orthopedic_surgery",))
    return sign_seed_review(seed_case, reviewer, signed=False)


@pytest.mark.parametrize("role", ["assigned reviewer", "administrator", "qa"])
def test_the_preview_renders_the_draft_from_the_letter_template(client, draft, role):
    users = {
        "assigned reviewer": draft.reviewer.user,
        "administrator": factories.AdminUserFactory(),
        "qa": factories.QAUserFactory(),
    }
    decision = draft.decisions.get(decision="Overturned")
    decision.rationale = "Draft rationale still being written."
    decision.save()
    log_in(client, users[role])
    response = client.get(_url("letter_preview", None))
    assert response.status_code == 200
    page = response.content.decode()
    assert "PREVIEW: not a determination." in page
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in page
    assert "Draft rationale still being written." in page
    assert "State(s) of Licensure: California" in page
    assert "private" in response["Cache-Control"]
    assert not DeterminationLetter.objects.exists()


def test_preview_of_a_case_without_a_review_is_404(client, seed_case):
    log_in(client, factories.AdminUserFactory())
    assert client.get(_url("letter_preview", None)).status_code == 404


def test_pdf_served_to_the_reviewer_holds_the_determination(client, letter, users):
    log_in(client, users["assigned reviewer"])
    text = pdf_text(b"".join(client.get(_url("letter_download")).streaming_content))
    assert "Physical therapy for the lumbar spine, quantity 12: Upheld" in text


# -- the letters page reads as one -------------------------------------------------------------------


def test_letters_page_links_back_to_the_case_and_keeps_the_hash_out_of_the_table(client, letter, users):
    log_in(client, users["administrator"])
    page = client.get(_url("letter_case", None)).content.decode()
    assert f'href="{reverse("cases:detail", args=[CASE])}"' in page
    header = page.split("<thead>")[1].split("</thead>")[0]
    assert "SHA-256" not in header  # not a column an administrator reads
    assert "File details" in page and letter.sha256 in page  # still there for checking a copy


def test_status_and_versions_refresh_together_while_a_version_is_in_progress(client, letter, users):
    """A queued version: the page polls the status and the table as one panel, so the two never
    disagree (no "queued" above a table saying Ready); the status no longer polls on its own here."""
    log_in(client, users["administrator"])
    DeterminationLetter.objects.filter(pk=letter.pk).update(status=LetterStatus.QUEUED)
    page = client.get(_url("letter_case", None)).content.decode()
    panel = page.split('id="letters-panel"')[1].split(">")[0]
    assert 'hx-trigger="every 2s"' in panel
    assert page.count('hx-trigger="every 2s"') == 1
    DeterminationLetter.objects.filter(pk=letter.pk).update(status=LetterStatus.READY)
    partial = client.get(_url("letter_case", None), HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="letters-panel"') or 'id="letters-panel"' in partial[:300]
    assert "<html" not in partial
    assert "every 2s" not in partial  # ready: polling stops
    assert "<strong>ready</strong>" in partial and "<td>Ready" in partial
