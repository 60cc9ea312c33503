"""A backup restores: every table's row count and every stored file's SHA-256 come back identical, and a
damaged backup copy is refused rather than restored."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from reviews.models import DeterminationLetter

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.postgres
def test_backup_drill_restores_identical_rows_and_files(transactional_db, tmp_path, seed_case):
    from django.core.files.base import ContentFile

    from tests.factories import SignedReviewFactory

    record = seed_case.records.first()
    record.file.save("record.pdf", ContentFile(b"%PDF-1.7 progress note"), save=True)
    review = SignedReviewFactory()
    letter = DeterminationLetter(case=review.case, review=review, version=1, status="ready")
    letter.file.save("letter.pdf", ContentFile(b"%PDF-1.7 letter"), save=True)

    server = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/{server['NAME']}",
        "STORAGE_BACKEND": "filesystem",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    result = subprocess.run(
        ["scripts/backup-drill"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rows: identical" in result.stdout
    assert "2 files: identical SHA-256" in result.stdout


def test_a_damaged_backup_copy_is_refused(db, tmp_path, seed_case, settings):
    from django.core.files.base import ContentFile

    record = seed_case.records.first()
    record.file.save("record.pdf", ContentFile(b"%PDF-1.7 progress note"), save=True)
    backup = tmp_path / "backup"
    call_command("backup_files", backup)
    copy = backup / "files" / record.file.name
    copy.write_bytes(copy.read_bytes() + b"tampered")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "restored")},
        },
    }
    with pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("restore_files", backup)
