"""manage.py load_demo: the README's logins work, each demo case reaches its stage, reruns change nothing."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from cases.models import Case
from reviews.models import Assignment, License, Review, ReviewerProfile

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Case, Assignment, Review, ReviewerProfile, License)
    }


def test_load_demo_gives_the_readme_logins_and_each_case_its_stage_and_a_rerun_changes_nothing():
    output = load_demo()
    for username, password, role in [
        ("admin", "imr-demo-admin", "Administrator"),
        ("dr.rivera", "imr-demo-reviewer", "Reviewer"),
        ("dr.chen", "imr-demo-reviewer", "Reviewer"),
        ("qa", "imr-demo-qa", "QA"),
        ("dr.patel", "imr-demo-reviewer", "Reviewer"),
        ("dr.okafor", "imr-demo-reviewer", "Reviewer"),
        ("dr.nguyen", "imr-demo-reviewer", "Reviewer"),
    ]:
        # The login throttle (django-axes) needs the request, as the login page passes it.
        user = authenticate(RequestFactory().post("/accounts/login/"), username=username, password=password)
        assert user is not None, username
        assert list(user.groups.values_list("name", flat=True)) == [role], username
    rivera = ReviewerProfile.objects.get(user__username="dr.rivera")
    assert sorted(rivera.licenses.values_list("state", flat=True)) == ["CA", "NY", "TX"]
    assert (
        ReviewerProfile.objects.get(user__username="dr.okafor")
        .affiliations.filter(name="Example Distribution, Inc.")
        .exists()
    )

    assert "guidelines: 26 created" in output
    stages = {
        "CM26-0000101": "eligible",
        "CM26-0000102": "assigned",
        "CM26-0000103": "in_review",
        "CM26-0000104": "in_review",
        "CM15-0165834": "determination_issued",
    }
    assert dict(Case.objects.values_list("case_number", "status")) == stages
    assert Review.objects.get(case__case_number="CM26-0000104").status == "in_qa"
    assert Review.objects.get(case__case_number="CM15-0165834").status == "signed"
    before = counts()

    output = load_demo()
    assert "imported" not in output
    assert counts() == before
    assert dict(Case.objects.values_list("case_number", "status")) == stages


def test_the_demo_administrator_logs_in_with_the_readmes_two_factor_key():
    """The README's demo key gives the demo administrator the code its login asks for."""
    import base64

    from django.test import Client
    from django.urls import reverse
    from django_otp.oath import totp

    from imr_site.two_factor import DEMO_TOTP_KEY_BASE32

    load_demo()
    client = Client()
    client.post(reverse("login"), {"username": "admin", "password": "imr-demo-admin"})
    assert client.get(reverse("cases:list"))["Location"].startswith(reverse("two_factor_verify"))
    code = f"{totp(base64.b32decode(DEMO_TOTP_KEY_BASE32)):06d}"
    assert client.post(reverse("two_factor_verify"), {"token": code}).status_code == 302
    assert client.get(reverse("cases:list")).status_code == 200
