"""The case list for daily work: sort, one search box, the reviewer column, open cases by default, status
checkboxes, saved filters, CSV export and bulk status changes; constant query counts."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, AuditAction
from cases.models import Case, SavedFilter
from tests.auth import log_in
from tests.factories import (
    AdminUserFactory,
    AssignmentFactory,
    CaseFactory,
    DisputedItemFactory,
    ReviewerProfileFactory,
    TreatingProviderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
URL = "/cases/"


def listed(client, **params) -> list[str]:
    """The case numbers on the page, in the order shown."""
    page = client.get(URL, params).content.decode()
    return re.findall(r'name="cases" value="([A-Z0-9-]+)"', page)


def make(number: str, **kwargs) -> Case:
    return CaseFactory(case_number=number, **kwargs)


# -- sorting -------------------------------------------------------------------------------------------


@pytest.fixture
def three(db):
    a = make(
        "CM16-0000003",
        received_date=TODAY - datetime.timedelta(days=30),
        records_complete_date=TODAY - datetime.timedelta(days=1),
        claims_administrator="Beta Claims",
    )
    b = make(
        "CM16-0000001",
        received_date=TODAY - datetime.timedelta(days=20),
        records_complete_date=TODAY - datetime.timedelta(days=10),
        claims_administrator="Alpha Claims",
        status="eligible",
    )
    c = make("CM16-0000002", received_date=TODAY - datetime.timedelta(days=25),
             records_complete_date=TODAY - datetime.timedelta(days=10), claims_administrator="Alpha Claims",
             status="assigned")  # fmt: skip
    DisputedItemFactory.create_batch(3, case=a)
    DisputedItemFactory(case=b)
    AssignmentFactory(case=c, reviewer=ReviewerProfileFactory(user__first_name="Ada", user__last_name="Zed"))
    return a, b, c


def test_sort_by_each_column_both_ways_with_the_case_number_breaking_ties(admin_client, three):
    a, b, c = (x.case_number for x in three)
    # b and c are due the same day: the case number orders them, whichever way the due date goes.
    assert listed(admin_client) == [b, c, a]  # default: due date
    assert listed(admin_client, sort="due") == [b, c, a]
    assert listed(admin_client, sort="-due") == [a, c, b]
    assert listed(admin_client, sort="case") == [b, c, a]
    assert listed(admin_client, sort="-case") == [a, c, b]
    assert listed(admin_client, sort="received") == [a, c, b]
    assert listed(admin_client, sort="-received") == [b, c, a]
    assert listed(admin_client, sort="items") == [c, b, a]
    assert listed(admin_client, sort="claims_administrator") == [b, c, a]
    assert listed(admin_client, sort="status") == [c, b, a]  # assigned, eligible, received
    assert listed(admin_client, sort="reviewer")[0] == c or listed(admin_client, sort="reviewer")[-1] == c


def test_an_unknown_sort_key_falls_back_to_the_due_date(admin_client, three):
    a, b, c = (x.case_number for x in three)
    for bad in ["injury_description", "-id; drop table", "", "--due"]:
        response = admin_client.get(URL, {"sort": bad})
        assert response.status_code == 200
        assert listed(admin_client, sort=bad) == [b, c, a]


def test_the_sorted_column_says_so_and_its_header_reverses_it(admin_client, three):
    page = admin_client.get(URL, {"sort": "received"}).content.decode()
    assert 'aria-sort="ascending"' in page
    assert "sort=-received" in page


@pytest.mark.parametrize("sort", ["due", "-received", "items", "reviewer", "claims_administrator", "-case"])
def test_sorting_costs_the_same_queries_for_few_or_many_cases(admin_client, sort, django_assert_num_queries):
    make_some = lambda n: [  # noqa: E731
        DisputedItemFactory(case=AssignmentFactory(reviewer=ReviewerProfileFactory()).case) for _ in range(n)
    ]
    make_some(2)
    admin_client.get(URL, {"sort": sort})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(URL, {"sort": sort})
    make_some(12)
    with django_assert_num_queries(len(few)):
        response = admin_client.get(URL, {"sort": sort})
    assert response.content.decode().count('name="cases"') == 14


# -- search --------------------------------------------------------------------------------------------


@pytest.fixture
def searchable(db):
    one = make(
        "CM16-0001111",
        employer="Northwind Traders",
        claims_administrator="Acme Claims",
        claim_number="WC-77-1234",
    )
    two = make("CM16-0002222", employer="Contoso Foods", claims_administrator="Globex Adjusting",
               claim_number="ZX-55")  # fmt: skip
    TreatingProviderFactory(case=two, name="Maria Gonzalez, MD")
    TreatingProviderFactory(case=two, name="Gonzalez Spine Group")  # two matches, one row
    return one.case_number, two.case_number


@pytest.mark.parametrize(
    "query, expect",
    [
        ("0001111", "one"),  # case number
        ("cm16-00022", "two"),  # case number, any case
        ("wc-77", "one"),  # claim number
        ("northwind", "one"),  # employer
        ("GLOBEX", "two"),  # claims administrator
        ("gonzalez", "two"),  # treating provider
    ],
)
def test_one_search_box_finds_each_kind_of_name_or_number(admin_client, searchable, query, expect):
    one, two = searchable
    assert listed(admin_client, q=query) == [{"one": one, "two": two}[expect]]


def test_search_finds_nothing_for_words_no_case_has(admin_client, searchable):
    page = admin_client.get(URL, {"q": "nothing like this"}).content.decode()
    assert "No cases match." in page


def test_search_costs_the_same_queries_for_few_or_many_cases(admin_client, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            case = CaseFactory(employer="Initech")
            TreatingProviderFactory(case=case, name="Initech Clinic")

    add(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(URL, {"q": "initech", "sort": "-due"})
    add(10)
    with django_assert_num_queries(len(few)):
        response = admin_client.get(URL, {"q": "initech", "sort": "-due"})
    assert "12 cases" in response.content.decode()


# -- columns, default view, filters ----------------------------------------------------------------------


def test_reviewer_column_names_the_current_assignee(admin_client):
    reviewer = ReviewerProfileFactory(user__first_name="Grace", user__last_name="Hopper")
    held = AssignmentFactory(reviewer=reviewer).case
    ended = AssignmentFactory(reviewer=ReviewerProfileFactory(user__first_name="Old", user__last_name="One"),
                              case=CaseFactory(status="eligible"), active=False)  # fmt: skip
    page = admin_client.get(URL).content.decode()
    row = re.search(rf"{held.case_number}</a>.*?</tr>", page, re.S).group(0)
    assert "Grace Hopper" in row
    assert "Old One" not in page and ended.case.case_number in page


def test_open_cases_by_default_and_all_in_one_click(admin_client):
    open_case = CaseFactory(status="in_review")
    for status in ["closed", "withdrawn", "determination_issued", "ineligible"]:
        CaseFactory(status=status)
    page = admin_client.get(URL).content.decode()
    assert listed(admin_client) == [open_case.case_number]
    assert 'href="?show=all"' in page
    assert len(listed(admin_client, show="all")) == 5


def test_status_filter_is_checkboxes_and_ticked_statuses_include_closed_ones(admin_client):
    closed = CaseFactory(status="closed")
    CaseFactory(status="received")
    page = admin_client.get(URL).content.decode()
    assert 'type="checkbox" class="btn-check" name="status" value="closed"' in page
    assert "<select" not in page.split('id="case-filter"')[1].split("</form>")[0].split("Status")[1]
    assert listed(admin_client, status="closed") == [closed.case_number]


def test_status_colours_mean_overdue_at_risk_and_waiting(admin_client):
    overdue = CaseFactory(received_date=TODAY - datetime.timedelta(days=45), records_complete_date=None)
    at_risk = CaseFactory(records_complete_date=TODAY - datetime.timedelta(days=28))
    waiting = CaseFactory(status="records_requested", records_complete_date=None, received_date=TODAY,
                          records_requested_date=TODAY)  # fmt: skip
    page = admin_client.get(URL).content.decode()

    def badge(case):
        row = re.search(rf"{case.case_number}</a></td>\s*<td><span class=\"badge ([^\"]+)\"", page)
        return row.group(1)

    assert badge(overdue) == "text-bg-danger"
    assert badge(at_risk) == "text-bg-warning"
    assert badge(waiting) == "text-bg-info"
    assert "At risk: due within 3 days" in page  # the legend says what each colour means


def test_search_placeholder_describes_rather_than_looks_like_a_value(admin_client):
    page = admin_client.get(URL).content.decode()
    placeholder = re.search(r'id="id_q" value="" placeholder="([^"]*)"', page).group(1)
    assert not re.search(r"[A-Z]{2}\d{2}-\d+", placeholder)
    assert placeholder.startswith("Type")
    assert "Searches case and claim numbers, employer, claims administrator and treating providers" in page


# -- saved filters ---------------------------------------------------------------------------------------


def test_saved_filters_belong_to_their_owner(client):
    owner, other = AdminUserFactory(), AdminUserFactory()
    log_in(client, owner)
    response = client.post(
        reverse("cases:save_filter"),
        {"name": "Expedited due soon", "querystring": "due=3&review_type=expedited&evil=1"},
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=owner)
    assert saved.querystring == "due=3&review_type=expedited"  # only the list's own parameters
    assert ">Expedited due soon</a>" in client.get(URL).content.decode()
    client.post(reverse("cases:save_filter"), {"name": "Expedited due soon", "querystring": "due=7"})
    assert SavedFilter.objects.get(user=owner).querystring == "due=7"  # same name replaces
    log_in(client, other)
    assert ">Expedited due soon</a>" not in client.get(URL).content.decode()
    assert client.post(reverse("cases:delete_filter", args=[saved.pk])).status_code == 404
    log_in(client, owner)
    client.post(reverse("cases:delete_filter", args=[saved.pk]))
    assert not SavedFilter.objects.exists()


def test_saving_a_filter_without_a_name_says_so(admin_client):
    response = admin_client.post(
        reverse("cases:save_filter"), {"name": "", "querystring": "due=3"}, follow=True
    )
    assert "Filter name: This field is required." in response.content.decode()
    assert not SavedFilter.objects.exists()


# -- CSV export ------------------------------------------------------------------------------------------


def test_export_streams_the_current_filter_with_few_columns_and_is_audited(admin_client, admin_user):
    expedited = CaseFactory(review_type="expedited", claim_number="C-1")
    CaseFactory()
    ada = ReviewerProfileFactory(user__first_name="Ada", user__last_name="Zed")
    AssignmentFactory(case=CaseFactory(review_type="expedited", status="assigned"), reviewer=ada)
    response = admin_client.get(reverse("cases:export"), {"review_type": "expedited", "sort": "case"})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Case number", "Status", "Review type", "Received", "Records complete",
                       "Determination due", "Expert reviewer", "Claims administrator"]  # fmt: skip
    assert [r[0] for r in rows[1:]] == sorted([expedited.case_number, rows[2][0]])
    assert "Ada Zed" in {r[6] for r in rows[1:]}
    event = AccessEvent.objects.get(action=AuditAction.EXPORT_CASE_LIST)
    assert event.username == admin_user.username and "review_type=expedited" in event.detail


def test_export_is_for_administrators_only(reviewer_client):
    assert reviewer_client.get(reverse("cases:export")).status_code == 403


# -- bulk actions ----------------------------------------------------------------------------------------


def test_bulk_mark_ineligible_reports_each_case(admin_client):
    ok = CaseFactory(status="eligibility_review")
    wrong_status = CaseFactory(status="in_review")
    response = admin_client.post(reverse("cases:bulk"), {
        "cases": [ok.case_number, wrong_status.case_number], "action": "mark_ineligible",
        "ineligible_reason": "late",
    })  # fmt: skip
    page = response.content.decode()
    assert "1 of 2 case(s) changed." in page
    assert (
        f"{wrong_status.case_number}</a>: not changed · Case {wrong_status.case_number} is in review" in page
    )
    ok.refresh_from_db()
    wrong_status.refresh_from_db()
    assert (ok.status, ok.ineligible_reason) == ("ineligible", "late")
    assert wrong_status.status == "in_review"
    assert ok.transitions.get().actor is not None  # recorded, through transition_case


def test_bulk_withdraw_needs_a_reason_and_changes_nothing_without_one(admin_client):
    case = CaseFactory(status="eligible")
    response = admin_client.post(reverse("cases:bulk"), {"cases": [case.case_number], "action": "withdraw"})
    assert response.status_code == 400
    assert "Reason to withdraw: Say why the cases are withdrawn" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "eligible"
    response = admin_client.post(reverse("cases:bulk"), {
        "cases": [case.case_number], "action": "withdraw", "reason": "Treatment authorised",
    })  # fmt: skip
    case.refresh_from_db()
    assert case.status == "withdrawn"
    assert case.transitions.get().reason == "Treatment authorised"


def test_bulk_ineligible_needs_a_ground(admin_client):
    case = CaseFactory(status="eligibility_review")
    response = admin_client.post(
        reverse("cases:bulk"), {"cases": [case.case_number], "action": "mark_ineligible"}
    )
    assert response.status_code == 400
    assert "Ineligibility reason: Choose the ground" in response.content.decode()


def test_bulk_assign_goes_to_the_assignment_page_with_the_selection(admin_client):
    a, b = CaseFactory(status="eligible"), CaseFactory(status="eligible")
    response = admin_client.post(
        reverse("cases:bulk"), {"cases": [a.case_number, b.case_number], "action": "assign"}
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('reviews:assignment:bulk')}?cases={a.case_number}&cases={b.case_number}"
    )


def test_bulk_actions_are_for_administrators_only(client):
    case = CaseFactory(status="eligible")
    log_in(client, UserFactory())
    response = client.post(
        reverse("cases:bulk"), {"cases": [case.case_number], "action": "withdraw", "reason": "x"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "eligible"


def test_bad_parameters_are_ignored_never_a_500(admin_client):
    case = CaseFactory()
    for params in [
        {"reviewer": "abc"},
        {"due": "soon"},
        {"status": ["nonsense"]},
        {"queue": "x"},
        {"show": "everything"},
        {"page": "zz"},
        {"q": "a\x00b"},
    ]:
        response = admin_client.get(URL, params)
        assert response.status_code == 200, params
    assert listed(admin_client, reviewer="abc") == [case.case_number]
