"""``modified_since`` finds every case a client would call changed: its data or status, a record added
(through the API or any other way), a records request, a determination issued (``CaseQuerySet``)."""

from __future__ import annotations

import datetime

import time_machine

from cases.models import Case, MedicalRecord
from cases.services import transition_case
from parties.models import RecordsRequest
from reviews.models import DeterminationLetter
from tests import factories
from tests.parties.conftest import OWN_NAME, get_token
from tests.parties.test_api import upload

T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
T1 = T0 + datetime.timedelta(days=2)


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["case_number"] for c in response.json()["results"]]


def test_modified_since_includes_uploads_status_changes_records_requests_and_determinations(
    client, api_client_credentials, org
):
    with time_machine.travel(T0, tick=False) as clock:
        untouched, uploaded, moved, requested, issued, staff_record = (
            factories.CaseFactory(claims_administrator=OWN_NAME) for _ in range(6)
        )
        review = factories.SignedReviewFactory(case=issued)
        letter = DeterminationLetter.objects.create(case=issued, review=review, version=1)

        clock.move_to(T1)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {get_token(client, api_client_credentials)}"
        assert upload(client, uploaded.case_number, factories.pdf_bytes()).status_code == 201
        transition_case(moved, "start_eligibility_review")
        # A records request written by itself (as a data fix would), not through a status change.
        RecordsRequest.objects.create(case=requested, requested_on=T1.date(), electronically=True)
        DeterminationLetter.objects.filter(pk=letter.pk).update(status="ready", rendered_at=T1)
        record = MedicalRecord(case=staff_record, position=5, title="Progress note", kind="progress_note")
        record.attach_pdf(factories.pdf_bytes())
        record.save()
        Case.objects.filter(pk__in=[uploaded.pk, requested.pk, issued.pk, staff_record.pk]).update(
            updated_at=T0
        )

        changed = _numbers(
            client.get("/api/v1/cases/", {"modified_since": (T1 - datetime.timedelta(hours=1)).isoformat()})
        )
        assert sorted(changed) == sorted(
            c.case_number for c in (uploaded, moved, requested, issued, staff_record)
        )
        assert untouched.case_number not in changed
        everything = client.get("/api/v1/cases/", {"modified_since": T0.date().isoformat()}).json()["results"]
        # Oldest change first, and each case says when it last changed.
        assert everything[0]["case_number"] == untouched.case_number
        by_number = {c["case_number"]: c["modified_at"] for c in everything}
        assert by_number[untouched.case_number].startswith("2026-11-02")
        assert by_number[uploaded.case_number].startswith("2026-11-04")
        one = client.get(f"/api/v1/cases/{issued.case_number}/").json()
        assert one["modified_at"].startswith("2026-11-04")


def test_the_case_list_reads_last_modified_in_a_fixed_number_of_queries(
    api, org, django_assert_max_num_queries
):
    for _ in range(3):
        factories.CaseFactory(claims_administrator=OWN_NAME)
    with django_assert_max_num_queries(12) as few:
        api.get("/api/v1/cases/", {"modified_since": "2020-01-01"})
    three_cases = len(few)
    for _ in range(10):
        case = factories.CaseFactory(claims_administrator=OWN_NAME)
        upload(api, case.case_number, factories.pdf_bytes())
    with django_assert_max_num_queries(three_cases):
        response = api.get("/api/v1/cases/", {"modified_since": "2020-01-01"})
    assert response.json()["count"] == 13
