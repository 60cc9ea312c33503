"""suggest_corpus writes the scorer's format: one entry per item, ranked citations and a decision."""

import json

import pytest
from django.core.management import call_command

INPUTS = [
    {
        "case_number": "CM00-0000001",
        "date_of_injury": "01/05/2015",
        "ur_denial_date": "11/20/2016",
        "clinical_summary": "Chronic low back pain with radiculitis. Off work on temporary total disability. "
        "She has completed 12 prior physical therapy sessions.",
        "items": [
            {"item": "Physical therapy 2x6 for the lumbar spine", "claims_administrator_guideline": ""},
            {"item": "Three months coverage of an unknown product", "claims_administrator_guideline": ""},
        ],
    }
]


@pytest.mark.parametrize("from_data", [True, False])
def test_writes_predictions_in_the_scorers_format(tmp_path, loaded_guidelines, from_data):
    inputs = tmp_path / "inputs.json"
    out = tmp_path / "pred.json"
    inputs.write_text(json.dumps(INPUTS))
    args = [str(inputs), "--out", str(out)] + (["--from-data"] if from_data else [])
    call_command("suggest_corpus", *args)
    pred = json.loads(out.read_text())
    pt, unknown = pred["CM00-0000001"]
    assert (
        pt["citations"][0]
        == "MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical medicine treatment"
    )
    assert pt["citations"][-1].startswith("Non-MTUS Citation Official Disability Guidelines (ODG)")
    assert pt["decision"] == "Upheld"
    # An item no section names still gets a citation: the ODG chapter for the case's body region (the MTUS
    # as stored does not address it); nothing settled from the records, so no decision is suggested.
    assert unknown["citations"] == [
        "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter"
    ]
    assert unknown["decision"] == ""
