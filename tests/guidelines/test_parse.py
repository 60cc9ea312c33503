"""Item descriptions parsed into structured requests."""

import pytest

from guidelines.suggest.parse import eligible_part, parse_item


@pytest.mark.parametrize(
    ("text", "family", "sessions", "weeks"),
    [
        ("PT 2x6 lumbar", "physical_therapy", 12, 6),
        ("Physical therapy 3 times a week for 2 weeks", "physical_therapy", 6, 2),
        ("Physical therapy 2-3 times a week for 6 weeks", "physical_therapy", 18, 6),
        (
            "Additional physical therapy, 1 to 2 times per week for 3 weeks, for the neck",
            "physical_therapy",
            6,
            3,
        ),
        ("Twelve physical therapy visits for the Cervical Spine", "physical_therapy", 12, None),
        ("Chiropractic care for the low back; six sessions", "chiropractic", 6, None),
        ("Acupuncture x12", "acupuncture", 12, None),
        ("Eight (8) physical therapy sessions", "physical_therapy", 8, None),
    ],
)
def test_therapy_quantities(text, family, sessions, weeks):
    req = parse_item(text)
    assert req.families[0] == family
    assert req.sessions == sessions
    assert req.weeks == weeks


def test_drug_with_brand_strength_and_count():
    req = parse_item("Norco 10/325mg #120")
    assert req.kind == "drug"
    assert req.families[0] == "opioid"
    assert req.drug == "norco"
    assert req.strength == "10/325mg"
    assert req.count == 120


def test_generic_muscle_relaxant():
    req = parse_item("Cyclobenzaprine 7.5mg #60")
    assert (req.families[0], req.strength, req.count) == ("muscle_relaxant", "7.5mg", 60)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("EMG/NCV of the bilateral lower extremities", "emg_ncv"),
        ("Left L5-S1 ESI", "esi"),
        ("TENS unit purchase", "tens"),
        ("UDS", "uds"),
        ("MRI of the right knee without contrast", "mri"),
        ("Flurbiprofen 20%, Baclofen 5%, Menthol 2% in cream base", "topical"),
    ],
)
def test_abbreviations_and_families(text, family):
    assert parse_item(text).families[0] == family


def test_sides_levels_and_regions():
    req = parse_item("Left L4-L5 epidural steroid injection")
    assert req.sides == ["left"]
    assert req.levels == ["L4L5"]
    assert "lumbar" in req.regions
    assert parse_item("MRI right knee").regions == ["knee"]


def test_partly_certified_item_keeps_the_disputed_remainder():
    text = (
        "Meloxicam 15mg #60 was the original request. Meloxicam 15mg #45 was authorized by the "
        "Claims Administrator. The remaining IMR eligible portion of the original request, "
        "Meloxicam 15mg #15 is"
    )
    assert eligible_part(text) == "Meloxicam 15mg #15"
    assert parse_item(text).count == 15


def test_quantity_field_used_when_text_has_none():
    req = parse_item("Physical therapy for the lumbar spine", quantity=12)
    assert req.units == 12


@pytest.mark.parametrize("text", ["", "   ", None, "asdf qwerty zzz", "###", "12"])
def test_bad_input_never_raises(text):
    req = parse_item(text)
    assert req.families == []
    assert req.units is None or isinstance(req.units, int)


def test_transdermal_opioid_is_an_opioid_not_a_topical():
    assert parse_item("Butrans patch 10mcg #4").families[0] == "opioid"
    assert parse_item("Lidoderm 5% patch #30").families[0] == "topical"


@pytest.mark.parametrize(
    "text, family",
    [
        ("Ice machine rental", "cryotherapy"),  # the longer phrase at the same place wins over "ice"
        ("Heat and ice for the low back", "heat_cold"),
        ("Transport chair", "dme"),
        ("Transportation to and from appointments", "transportation"),
        ("Assistant surgeon for the knee arthroscopy", "assistant_surgeon"),
        ("Labs to include: Chest X-ray", "lab"),
        ("Trigger point impedance imaging", "tpii"),
        ("Electrical muscle stimulation unit", "nmes"),
        ("Linzess 145mcg #30", "laxative"),
        ("Sildenafil 50mg #10", "other_drug"),
        ("Initial examination", "consult"),
        ("Six visits of acupuncture", "acupuncture"),
    ],
)
def test_issue_15_kinds_parse_to_their_family(text, family):
    assert parse_item(text).families[0] == family
