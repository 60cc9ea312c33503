"""Breadth (issue 15): every kind of disputed item that got no suggestion before now gets a citation.

Where the MTUS does not address an item, the citation is the non-MTUS source letters use, labelled as such.
"""

import datetime as dt

import pytest

from guidelines.suggest.engine import suggest
from guidelines.suggest.schema import CaseFacts, Record

DAY = dt.date(2016, 12, 1)  # the letters' era: CPMTG 2016, ACOEM 2004 chapters

ODG = "Non-MTUS Citation Official Disability Guidelines (ODG), "
CP = "MTUS Chronic Pain Medical Treatment 2016, Section(s): "
PM = ", Section(s): Physical Methods"


@pytest.mark.parametrize(
    "item, regions, citation",
    [
        # associated surgical services
        ("Assistant surgeon", ["lumbar"], ODG + "Low Back Chapter, Surgical assistant"),
        (
            "Associated surgical service: assistant surgeon",
            ["knee"],
            ODG + "Knee & Leg Chapter, Surgical assistant",
        ),
        ("Pre-operative labs: CBC, BMP", [], ODG + "Low Back Chapter, Preoperative lab testing"),
        ("Pre-operative EKG", [], ODG + "Low Back Chapter, Preoperative electrocardiogram (ECG)"),
        (
            "Labs to include: Chest X-ray",
            ["shoulder"],
            ODG + "Low Back Chapter, Preoperative testing, general",
        ),
        ("Preoperative medical clearance", [], ODG + "Low Back Chapter, Preoperative testing, general"),
        (
            "Shoulder sling with abduction pillow",
            [],
            ODG + "Shoulder Chapter, Postoperative abduction pillow sling",
        ),
        ("Post-op pads", ["knee"], ODG + "Knee & Leg Chapter, Durable medical equipment (DME)"),
        # DME and supplies
        ("Nitrile gloves #100", [], ODG + "Knee & Leg Chapter, Durable medical equipment (DME)"),
        ("Incontinence wipes", [], ODG + "Knee & Leg Chapter, Durable medical equipment (DME)"),
        # home health aide, transportation, office visits
        ("Home health aide 4 hours a day", [], CP + "Home health services"),
        (
            "Transportation to and from appointments",
            [],
            ODG + "Knee & Leg Chapter, Transportation (to & from appointments)",
        ),
        ("Follow-up office visit", [], CP + "Office visits"),
        (
            "Initial examination with pain management",
            [],
            "MTUS Independent Medical Examinations and Consultations 2004",
        ),
        # modalities
        ("Therapeutic ultrasound", [], CP + "Ultrasound, therapeutic"),
        ("Cervical traction unit", [], "MTUS Neck and Upper Back Complaints 2004" + PM),
        ("Lumbar traction", [], "MTUS Low Back Complaints 2004" + PM),
        ("Heat and ice for the low back", [], "MTUS Low Back Complaints 2004" + PM),
        (
            "Electrical muscle stimulation",
            [],
            CP + "Neuromuscular electrical stimulation (NMES devices)",
        ),
        # diagnostics
        ("EEG", [], ODG + "Head Chapter, EEG (electroencephalography)"),
        ("Bone scan of the lumbar spine", [], "MTUS Low Back Complaints 2004, Section(s): Special Studies"),
        (
            "Trigger point impedance imaging",
            [],
            ODG + "Pain (Chronic) Chapter, Trigger point impedance imaging (TPII)",
        ),
        # ESWT
        ("ESWT for the right shoulder, 3 sessions", [], "MTUS Shoulder Complaints 2004" + PM),
        ("Extracorporeal shockwave therapy for the left elbow", [], "MTUS Elbow Complaints 2007"),
        ("ESWT left foot", [], ODG + "Ankle & Foot Chapter, Extracorporeal shock wave therapy (ESWT)"),
        # bowel medication after surgery
        ("Colace 100mg #60", [], CP + "Opioids, criteria for use"),
        ("Post-op Senna", [], CP + "Opioids, criteria for use"),
        ("Movantik 25mg #30", [], CP + "Opioids, criteria for use"),
        # a drug the MTUS does not address
        ("Three months coverage of Viagra 50mg", [], "Non-MTUS Citation UpToDate, Drug information"),
    ],
)
def test_every_kind_gets_a_citation(kb, item, regions, citation):
    s = suggest(kb, item, CaseFacts(request_date=DAY, body_regions=regions))
    assert s.citations[0] == citation
    assert s.citation_line.split(",")[0] == citation.split(",")[0]


def test_non_mtus_citation_says_the_mtus_does_not_address_the_item(kb):
    """The letters' way: say the MTUS is silent, then cite the best non-MTUS source."""
    facts = CaseFacts(
        request_date=DAY,
        records=[Record("PR-2", dt.date(2016, 11, 3), "She cannot drive because of her right leg cast.")],
    )
    s = suggest(kb, "Transportation to medical appointments", facts)
    assert s.decision == "Overturned"  # the records settle the ODG criterion: she cannot self-transport
    assert s.rationale.startswith("Yes, the request for Transportation to medical appointments was medically")
    assert "The MTUS does not address transportation to medical appointments. As noted in the " in s.rationale
    assert "Official Disability Guidelines (ODG), Knee & Leg Chapter, Transportation" in s.rationale


def test_bowel_medication_follows_the_opioid_it_accompanies(kb):
    """Opioid-induced constipation: a laxative is supported while an opioid is prescribed (CPMTG page 77)."""
    on_opioid = CaseFacts(
        request_date=DAY,
        records=[Record("PR-2", dt.date(2016, 11, 3), "Medications: Norco 10/325 mg. Constipation.")],
    )
    check = next(c for c in suggest(kb, "Colace 100mg #60", on_opioid).checks if c.key == "opioid_prescribed")
    assert (check.status, check.favours) == ("met", "Overturned")
    no_opioid = CaseFacts(
        request_date=DAY,
        records=[Record("PR-2", dt.date(2016, 11, 3), "She takes no opioids. Takes ibuprofen for pain.")],
    )
    check = next(c for c in suggest(kb, "Colace 100mg #60", no_opioid).checks if c.key == "opioid_prescribed")
    assert check.status == "not met"


def test_an_item_nothing_names_gets_the_region_chapter_and_an_honest_draft(kb):
    s = suggest(kb, "A gadget for the knee", CaseFacts(request_date=DAY))
    assert s.citations == [ODG + "Knee & Leg Chapter"]
    assert s.rationale == (
        "The MTUS does not address a gadget for the knee, and no guideline topic on file names it; the "
        "Official Disability Guidelines (ODG), Knee & Leg Chapter is the starting point, and the evidence "
        "relied on should be cited."
    )
    assert s.decision == ""
