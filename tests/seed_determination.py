"""The seed letter's determination (../shared/seeds/), as a reviewer would enter it for the seed case.

Used by the letter tests and by bench/bench_letters.py to complete and sign the seed case's review.
"""

from __future__ import annotations

from django.utils import timezone

from cases.models import Case
from reviews.models import Assignment, ItemDecision, Review, ReviewerProfile

SEED_SUMMARY = (
    "The applicant is a represented 51-year-old who has filed a claim for chronic low back pain (LBP), "
    "reportedly associated with an industrial injury of May 19, 2014. In a Utilization Review report "
    "dated August 11, 2015, the claims administrator failed to approve requests for 12 sessions of "
    "physical therapy and MRI imaging of the lumbar spine. The claims administrator referenced an August "
    "4, 2015 date of service in its determination. The applicant's attorney subsequently appealed. On May"
    " 26, 2015, the applicant was placed off of work, on total temporary disability, owing to ongoing "
    "complaints of mid and low back pain. Epidural steroid injection therapy was sought. On a handwritten"
    " progress note, not clearly dated, difficult to follow, not entirely legible, the applicant reported"
    " ongoing complaints of low back pain radiating to the right lower extremity. The applicant exhibited"
    " a visibly antalgic gait. The applicant had undergone earlier epidural steroid injection therapy "
    "with only minimal relief. The applicant also received at least 12 prior sessions of physical "
    "therapy, the treating provider reported. The applicant had issues with symptomatic "
    "spondylolisthesis, low back pain, degenerative disc disease, the treating provider, an orthopedic "
    "surgeon, reported. 12 sessions of physical therapy and new MRI for preoperative planning purposes "
    "was sought on the grounds that the previous lumbar imaging was over 1 year old. On April 20, 2015, "
    "the applicant was placed off of work, on total temporary disability. The attending provider stated "
    "that the applicant had a longstanding history of sciatic pain, lumbar degenerative disease, and "
    '"neuropathy" secondary to neuroforaminal stenosis apparently noted on historical lumbar MRI imaging.'
)

SEED_DECISIONS = [
    {
        "description": "Physical therapy for the lumbar spine",
        "heading": "Physical therapy for the lumbar spine, quantity 12",
        "decision": "Upheld",
        "guideline_citations": (
            "MTUS Chronic Pain Medical Treatment 2009, Section(s): Introduction, Physical Medicine"
        ),
        "rationale": (
            "No, the request for 12 sessions of physical therapy for the lumbar spine was not "
            "medically necessary, medically appropriate, or indicated here. The 12-session course "
            "of therapy at issue, in and of itself, represented treatment in excess of the 8- to- "
            "9-session course suggested on page 99 of the MTUS Chronic Pain Medical Treatment "
            "Guidelines for radiculitis, the diagnosis reportedly present here. This recommendation"
            " is further qualified by commentary made on page 8 of the MTUS Chronic Pain Medical "
            "Treatment Guidelines to the effect that demonstration of functional improvement is "
            "necessary at the various milestones in the treatment program in order to justify "
            "continued treatment. Here, however, the applicant was placed off of work, on total "
            "temporary disability, as of the date of the request. The treating provider "
            "acknowledged that the applicant had received 12 prior sessions of physical therapy. "
            "The applicant's failure to return to work following receipt of the same suggested a "
            "lack of functional improvement as defined in MTUS 9792.20e, despite receipt of 12 "
            "prior sessions of physical therapy. Therefore, the request for 12 additional sessions "
            "of physical therapy was not medically necessary."
        ),
    },
    {
        "description": "MRI of the lumbar spine",
        "heading": "MRI of the lumbar spine",
        "decision": "Overturned",
        "guideline_citations": "MTUS Low Back Complaints 2004, Section(s): Special Studies",
        "rationale": (
            "Conversely, the request for lumbar MRI imaging of the lumbar spine was medically "
            "necessary, medically appropriate, and indicated here. As noted in the MTUS Guideline "
            "in ACOEM Chapter 12, page 304, imaging studies should be reserved for cases in which "
            "surgery is being considered or red-flag diagnosis is being evaluated. Here, the "
            "requesting provider, an orthopedic spine surgeon, reported that the lumbar MRI imaging"
            " was being sought for preoperative planning purposes. The requesting provider, an "
            "orthopedic spine surgeon, stated that prior lumbar MRI imaging performed one-year "
            "prior was too dated for preoperative planning purposes. Moving forward with repeat "
            "lumbar MRI imaging was, thus, indicated, given the applicant's failure to return to "
            "work and heightened radicular pain present on or around the date of request, given the"
            " seeming failure of various conservative treatments to include physical therapy, "
            "epidural steroid injection therapy, etc. Therefore, the request was medically "
            "necessary."
        ),
    },
]

SEED_STATES = ("TX", "NY", "CA")
SEED_SPECIALTIES = ("preventive_medicine", "occupational_medicine")


def sign_seed_review(case: Case, reviewer: ReviewerProfile, *, signed: bool = True) -> Review:
    """Assign the case to the reviewer and complete its review with the seed letter's decisions.

    Built directly on the models (the workspace's sign-off service lives on another branch); the
    credentials snapshot is taken from the profile as sign-off does.
    """
    assignment = Assignment.objects.create(case=case, reviewer=reviewer, due_date=case.due_date)
    review = Review.objects.create(
        case=case,
        reviewer=reviewer,
        assignment=assignment,
        clinical_summary=SEED_SUMMARY,
    )
    items = {item.description: item for item in case.disputed_items.all()}
    for entry in SEED_DECISIONS:
        ItemDecision.objects.create(
            review=review,
            disputed_item=items[entry["description"]],
            decision=entry["decision"],
            guideline_citations=entry["guideline_citations"],
            rationale=entry["rationale"],
        )
    if signed:
        review.status = "signed"
        review.signed_at = timezone.now()
        review.signed_by = reviewer.user
        review.credentials_snapshot = {
            "states": reviewer.licensure_states(),
            "specialties": reviewer.specialty_labels(),
        }
        review.save()
    return review
