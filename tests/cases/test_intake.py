"""The importer: good input goes in whole, bad input is named by case, field path and reason."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.intake import EXAMPLE_CASE_PATH, import_file, import_payload
from cases.models import Case, DisputedItem, MedicalRecord
from tests.factories import pdf_bytes

SEED = json.loads(EXAMPLE_CASE_PATH.read_text())
MINIMAL_PDF = pdf_bytes()


def seed(**changes) -> dict:
    case = copy.deepcopy(SEED)
    case.update(changes)
    return case


def write(tmp_path: Path, data, name: str = "intake.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def run_import(*paths: Path) -> tuple[int, str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_cases", *map(str, paths), stdout=out, stderr=err)
        code = 0
    except CommandError:
        code = 1
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_seed_case_imports_with_both_disputed_items():
    report = import_file(EXAMPLE_CASE_PATH)
    assert report.ok
    case = Case.objects.get(case_number="CM15-0165834")
    assert [i.description for i in case.disputed_items.all()] == [
        "Physical therapy for the lumbar spine",
        "MRI of the lumbar spine",
    ]
    assert case.disputed_items.first().heading == "Physical therapy for the lumbar spine, quantity 12"
    assert case.records.count() == 4
    assert case.requesting_provider.specialty == "Orthopedic Surgery"
    assert str(case.records_complete_date) == "2015-08-31"
    assert case.status == "received"


@pytest.mark.django_db
def test_bad_case_is_reported_with_path_and_the_rest_go_in(tmp_path):
    good_one = seed(case_number="CM16-0000001")
    bad = seed(case_number="CM16-0000002")
    bad["disputed_items"][0]["quantity"] = -2
    good_two = seed(case_number="CM16-0000003")
    good_three = seed(case_number="CM16-0000004")
    path = write(tmp_path, {"cases": [good_one, good_two, good_three, bad]})
    code, out, err = run_import(path)
    assert code == 1
    assert (
        "rejected CM16-0000002: case 4 › disputed item 1 › quantity: -2 is less than the minimum of 1" in err
    )
    assert set(Case.objects.values_list("case_number", flat=True)) == {
        "CM16-0000001",
        "CM16-0000003",
        "CM16-0000004",
    }
    assert "3 imported, 1 rejected" in out


@pytest.mark.django_db
def test_rejected_case_imports_nothing_of_itself(tmp_path):
    bad = seed(case_number="CM16-0000009")
    bad["records"][1]["kind"] = "telegram"
    code, _, err = run_import(write(tmp_path, bad))
    assert code == 1
    assert "record 2 › kind: 'telegram' is not one of" in err
    assert not Case.objects.exists()
    assert not DisputedItem.objects.exists()
    assert not MedicalRecord.objects.exists()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c.update(case_number="15-1"), "case_number: '15-1' does not match"),
        (
            lambda c: c.update(review_type="urgent"),
            "review_type: 'urgent' is not one of ['standard', 'expedited']",
        ),
        (lambda c: c.update(received_date="2015-02-30"), "received_date: '2015-02-30' is not a 'date'"),
        (lambda c: c["applicant"].update(age=9), "applicant.age: 9 is less than the minimum of 14"),
        (lambda c: c.pop("claims_administrator"), "'claims_administrator' is a required property"),
        (lambda c: c.update(disputed_items=[]), "disputed_items: [] should be non-empty"),
        (
            lambda c: c.update(favourite_colour="blue"),
            "Additional properties are not allowed ('favourite_colour'",
        ),
        (lambda c: c["injury"].update(description=""), "injury.description: '' should be non-empty"),
    ],
)
@pytest.mark.django_db
def test_schema_violations_name_field_and_reason(mutate, message):
    case = seed()
    mutate(case)
    report = import_payload(case, None)
    assert not report.ok
    assert any(message in str(e) for e in report.rejected[0].errors), report.lines()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"injury": {**SEED["injury"], "date": "2015-09-01"}},
            "injury.date: 2015-09-01 is after the UR decision date 2015-08-11",
        ),
        (
            {"received_date": "2015-08-01"},
            "received_date: 2015-08-01 is before the UR decision date 2015-08-11",
        ),
        (
            {"utilization_review": {**SEED["utilization_review"], "date_of_service": "2015-08-20"}},
            "utilization_review.date_of_service: 2015-08-20 is after the UR decision date 2015-08-11",
        ),
        (
            {"records_received_date": "2015-08-20"},
            "records_received_date: 2015-08-20 is before the received date 2015-08-24",
        ),
        ({"received_date": "2099-01-01"}, "received_date: 2099-01-01 is in the future"),
    ],
)
@pytest.mark.django_db
def test_contradicting_dates_are_rejected(changes, message):
    report = import_payload(seed(**changes), None)
    assert message in [str(e) for e in report.rejected[0].errors]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_reimporting_a_case_number_is_refused(tmp_path):
    path = write(tmp_path, seed())
    assert run_import(path)[0] == 0
    code, _, err = run_import(path)
    assert code == 1
    assert "case_number: CM15-0165834 already exists" in err
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_record_files_must_really_be_pdfs(tmp_path, settings):
    (tmp_path / "scan.pdf").write_bytes(b"<html>not a pdf</html>")
    (tmp_path / "ok.pdf").write_bytes(MINIMAL_PDF)
    bad = seed(case_number="CM16-0000010")
    bad["records"][0]["file"] = "scan.pdf"
    good = seed(case_number="CM16-0000011")
    good["records"][0]["file"] = "ok.pdf"
    missing = seed(case_number="CM16-0000012")
    missing["records"][0]["file"] = "absent.pdf"
    code, _, err = run_import(write(tmp_path, {"cases": [bad, good, missing]}))
    assert code == 1
    assert "case 1 › record 1 › file: not a PDF (the file does not start with %PDF-)" in err
    assert "case 3 › record 1 › file: no file absent.pdf next to the intake file" in err
    record = MedicalRecord.objects.get(case__case_number="CM16-0000011", position=0)
    assert record.file.read() == MINIMAL_PDF
    assert record.file_size == len(MINIMAL_PDF)
    assert "CM16" not in record.file.name  # storage keys carry no case number


@pytest.mark.django_db
def test_record_files_over_the_size_limit_are_refused(tmp_path, settings):
    settings.MAX_RECORD_UPLOAD_BYTES = 100
    (tmp_path / "big.pdf").write_bytes(MINIMAL_PDF + b"0" * 200 + b"%%EOF")
    case = seed()
    case["records"][0]["file"] = "big.pdf"
    code, _, err = run_import(write(tmp_path, case))
    assert code == 1
    assert "record 1 › file: the file is 0.0 MB; the limit is 0 MB" in err


@pytest.mark.django_db
def test_record_file_path_cannot_leave_the_intake_folder(tmp_path):
    inner = tmp_path / "in"
    inner.mkdir()
    (tmp_path / "outside.pdf").write_bytes(MINIMAL_PDF)
    case = seed()
    case["records"][0]["file"] = "../outside.pdf"
    code, _, err = run_import(write(inner, case))
    assert code == 1
    assert "record 1 › file: the path leaves the folder of the intake file" in err


@pytest.mark.django_db
def test_not_json_and_missing_files_are_reported(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, _, err = run_import(broken, tmp_path / "nope.json")
    assert code == 1
    assert "broken.json: not valid JSON" in err
    assert "nope.json: no such file" in err


@pytest.mark.django_db
def test_a_case_number_twice_in_one_file_imports_once(tmp_path):
    code, _, err = run_import(write(tmp_path, {"cases": [seed(), seed()]}))
    assert code == 1
    assert "case 2 › case_number: CM15-0165834" in err
    assert Case.objects.count() == 1
