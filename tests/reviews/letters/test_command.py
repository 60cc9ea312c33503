"""``manage.py render_letter CASE_NUMBER --out FILE.pdf`` for operators and scripts."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reviews.models import DeterminationLetter
from tests import factories
from tests.reviews.letters.helpers import issue, pdf_text, signed_seed_review
from tests.seed_determination import sign_seed_review


def test_renders_the_latest_signed_determination_to_a_file(seed_case, tmp_path):
    signed_seed_review(seed_case)
    out = tmp_path / "letters" / "seed.pdf"
    stdout = StringIO()
    call_command("render_letter", "CM15-0165834", "--out", str(out), stdout=stdout)
    text = pdf_text(out.read_bytes())
    assert "IMR ISSUES, DECISIONS AND RATIONALES" in text
    assert "MRI of the lumbar spine: Overturned" in text
    assert "CM15-0165834" in stdout.getvalue() and str(out) in stdout.getvalue()
    assert not DeterminationLetter.objects.exists(), "an operator's copy is not an issued letter"


def test_gives_the_issued_letters_exact_bytes(seed_case, tmp_path, django_capture_on_commit_callbacks):
    letter = issue(signed_seed_review(seed_case), capture=django_capture_on_commit_callbacks)
    out = tmp_path / "copy.pdf"
    call_command("render_letter", "cm15-0165834", "--out", str(out), stdout=StringIO())
    assert hashlib.sha256(out.read_bytes()).hexdigest() == letter.sha256


def test_a_case_not_signed_off_fails_with_a_clear_message(seed_case, tmp_path):
    sign_seed_review(seed_case, factories.reviewer_with_credentials(), signed=False)
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="CM15-0165834 has not been signed off"):
        call_command("render_letter", "CM15-0165834", "--out", str(out))
    assert not out.exists()


def test_an_unknown_case_fails_with_a_clear_message(db, tmp_path):
    with pytest.raises(CommandError, match="No case CM99-0000001"):
        call_command("render_letter", "CM99-0000001", "--out", str(tmp_path / "x.pdf"))
