"""The rules: loaded in every process, and each view rule agrees with the queryset that lists the same
objects, for every kind of user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_fsm import has_transition_perm

from cases.models import Case
from reviews.models import Assignment, DeterminationLetter
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PERMS = [
    "cases.view_case",
    "cases.view_records",
    "cases.manage_case",
    "reviews.edit_review",
    "reviews.sign_off_review",
    "reviews.qa_review",
    "reviews.amend_determination",
    "reviews.assign_reviewer",
    "reviews.answer_assignment",
    "reviews.read_letter",
    "reviews.regenerate_letter",
]


def test_a_fresh_process_knows_every_rule_without_importing_views():
    """A worker or a shell never imports the views: the rules must be registered by start-up alone."""
    code = (
        "import json, sys, django, rules; django.setup(); "
        f"print(json.dumps({{'missing': [p for p in {PERMS!r} if not rules.perm_exists(p)], "
        "'views': sorted(m for m in sys.modules if m.endswith('.views') "
        "and m.startswith(('cases', 'reviews')))}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "imr_site.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {"missing": [], "views": []}


@pytest.fixture
def world(db):
    """Three cases: assigned and accepted, assigned and not yet accepted, reassigned after signing (the
    signed review's reviewer is no longer assigned); their assignments and letters; every kind of user."""
    accepted_reviewer = factories.reviewer_with_credentials()
    waiting_reviewer = factories.reviewer_with_credentials()
    former_reviewer = factories.reviewer_with_credentials()
    other_reviewer = factories.reviewer_with_credentials()

    accepted_case = factories.CaseFactory(status="in_review")
    factories.AssignmentFactory(case=accepted_case, reviewer=accepted_reviewer, accepted_at=timezone.now())
    waiting_case = factories.CaseFactory(status="assigned")
    factories.AssignmentFactory(case=waiting_case, reviewer=waiting_reviewer)
    reassigned_case = factories.CaseFactory(status="in_review")
    factories.AssignmentFactory(case=reassigned_case, reviewer=former_reviewer, active=False)
    factories.AssignmentFactory(case=reassigned_case, reviewer=accepted_reviewer, accepted_at=timezone.now())
    unassigned_case = factories.CaseFactory(status="eligible")

    for case, signer in [(accepted_case, accepted_reviewer), (reassigned_case, former_reviewer),
                         (unassigned_case, other_reviewer)]:  # fmt: skip
        review = factories.SignedReviewFactory(case=case, reviewer=signer)
        DeterminationLetter.objects.create(case=case, review=review, version=1)
    superuser = factories.UserFactory(username="root")
    superuser.is_superuser = True
    superuser.save()
    users = {
        "anonymous": AnonymousUser(),
        "administrator": factories.AdminUserFactory(),
        "superuser": superuser,
        "accepted reviewer": accepted_reviewer.user,
        "not-yet-accepted reviewer": waiting_reviewer.user,
        "former reviewer": former_reviewer.user,
        "other reviewer": other_reviewer.user,
        "QA": factories.QAUserFactory(),
    }
    return users


USERS = [
    "anonymous",
    "administrator",
    "superuser",
    "accepted reviewer",
    "not-yet-accepted reviewer",
    "former reviewer",
    "other reviewer",
    "QA",
]


@pytest.mark.parametrize("who", USERS)
def test_each_view_rule_agrees_with_its_queryset(world, who):
    user = world[who]
    visible_cases = set(Case.objects.visible_to(user))
    for case in Case.objects.all():
        assert rules.has_perm("cases.view_case", user, case) == (case in visible_cases), (who, case)
    visible_letters = set(DeterminationLetter.objects.visible_to(user))
    for letter in DeterminationLetter.objects.all():
        assert rules.has_perm("reviews.read_letter", user, letter) == (letter in visible_letters), (
            who,
            letter,
        )
    held = set(Assignment.objects.active().held_by(user))
    for assignment in Assignment.objects.all():
        assert rules.has_perm("reviews.answer_assignment", user, assignment) == (assignment in held), (
            who,
            assignment,
        )


def test_the_matrix_sees_what_each_role_should(world):
    """The agreement above is only worth something if the querysets themselves are right."""
    count = {who: Case.objects.visible_to(world[who]).count() for who in USERS}
    assert count == {
        "anonymous": 0,
        "administrator": 4,
        "superuser": 4,
        "accepted reviewer": 2,
        "not-yet-accepted reviewer": 1,
        "former reviewer": 0,
        "other reviewer": 0,
        "QA": 4,
    }
    letters = {who: DeterminationLetter.objects.visible_to(world[who]).count() for who in USERS}
    # A reviewer reads the letters of the cases it holds and has accepted, nothing else: a reviewer
    # removed from a case loses its letter, even one it signed (issue 10).
    assert letters["former reviewer"] == 0 and letters["other reviewer"] == 0
    assert letters["accepted reviewer"] == 2 and letters["not-yet-accepted reviewer"] == 0
    # The health information opens only once the assignment is accepted.
    records = {
        who: sum(rules.has_perm("cases.view_records", world[who], c) for c in Case.objects.all())
        for who in USERS
    }
    assert records == {**count, "not-yet-accepted reviewer": 0}


def test_review_transitions_name_the_rules(review, qa_user, admin_user, other_reviewer):
    """Only the review's accepted reviewer may sign it; only QA (never on its own review) may answer QA."""
    author = review.reviewer.user
    assert has_transition_perm(review.sign, author)
    assert has_transition_perm(review.submit_for_qa, author)
    superuser = factories.UserFactory(username="root", is_superuser=True)
    for user in (qa_user, admin_user, other_reviewer.user, superuser):
        assert not has_transition_perm(review.sign, user)
    review.case.assignments.update(accepted_at=None)
    assert not has_transition_perm(review.sign, author)
    Assignment.objects.filter(case=review.case).update(accepted_at=timezone.now())
    type(review).objects.filter(pk=review.pk).update(status="in_qa")
    review.refresh_from_db()
    assert has_transition_perm(review.approve, qa_user)
    assert has_transition_perm(review.return_to_draft, qa_user)
    assert not has_transition_perm(review.approve, author)
    assert not has_transition_perm(review.approve, admin_user)
    assert not has_transition_perm(review.approve, superuser), "a superuser is not a QA reader"
    author.groups.add(qa_user.groups.get())
    author = type(author).objects.get(pk=author.pk)  # the group names are cached on the user object
    assert not has_transition_perm(review.approve, author), "QA never approves its own review"
