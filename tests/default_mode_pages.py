"""Run by tests/test_default_mode.py in a process of its own, on the default set-up (SQLite, in-process
tasks) after ``migrate`` and ``load_demo``: asks each main page as the demo role that uses it and prints
``{page: status}`` as JSON. Not a test module (no ``test_`` prefix): pytest never imports it."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from reviews.models import Assignment  # noqa: E402
from tests.auth import log_in  # noqa: E402


def pages() -> dict[str, list[str]]:
    """Each demo login and the pages it works in, with the demo cases at their stages."""
    eligible, in_review, issued = "CM26-0000101", "CM26-0000103", "CM15-0165834"
    reviewer = Assignment.objects.get(case__case_number=in_review, accepted_at__isnull=False).reviewer.user
    return {
        "admin": [
            reverse("operations:dashboard"),
            reverse("cases:list"),
            reverse("cases:list") + "?q=CM26&sort=-due_date",
            reverse("cases:list") + "?status=all&page=last",
            reverse("cases:detail", args=[eligible]),
            reverse("reviews:assignment:panel", args=[eligible]),
            reverse("reviews:assignment:reviewers"),
            reverse("reviews:letter_case", args=[issued]),
            reverse("reports:page"),
            reverse("guidelines:usage"),
        ],
        reviewer.username: [
            reverse("reviews:dashboard"),
            reverse("reviews:dashboard") + "?earlier=1",
            reverse("reviews:workspace", args=[in_review]),
        ],
        "qa": [reverse("reviews:qa_queue")],
        "claims": [reverse("portal:cases")],
    }


def main() -> None:
    statuses = {}
    for username, urls in pages().items():
        client = Client(raise_request_exception=False)  # a crash is a 500 in the report, not a traceback
        log_in(client, get_user_model().objects.get(username=username))
        for url in urls:
            response = client.get(url)
            statuses[f"{username} {url}"] = response.status_code
            # The portal's own cases, as its list links them (the organisation's scope decides which).
            for number in re.findall(r'href="/portal/cases/([^/"]+)/"', response.content.decode())[:2]:
                case_url = reverse("portal:case", args=[number])
                statuses[f"{username} {case_url}"] = client.get(case_url).status_code
    print(json.dumps(statuses))


if __name__ == "__main__":
    main()
