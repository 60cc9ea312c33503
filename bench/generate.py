"""Build a large data set for the load benchmark (bench/load.py): cases over five years, through the models.

The spread follows issue 11: 2-3 disputed items and 3-10 text records per case; 150 reviewers, each with
the closed cases of the past (signed reviews with one decision per item and a ready letter) and 10-40 open
ones (assigned or in review, a draft on those in review); the rest of the open cases wait at intake,
eligibility or records. Rows go in with PostgreSQL COPY in batches, under the models' own column names
(no signals, no history rows: what intake records per case is not what the pages read at scale).

Every account's password is ``bench-password``: ``bench-admin`` (Administrator) and ``bench-rev-001`` ..
``bench-rev-150`` (Reviewer). It empties the benchmark tables first, so point it ONLY at a database of its
own, never a test or production database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench \
        .venv/bin/python bench/generate.py --cases 200000

Prints the time of each part, the row counts and ``pg_database_size``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases import clocks  # noqa: E402
from cases.models import Case, CaseStatus, DisputedItem, MedicalRecord, RecordKind, TreatingProvider  # noqa: E402
from imr_site.roles import ADMINISTRATOR, REVIEWER, ensure_roles  # noqa: E402
from reviews.models import (  # noqa: E402
    Affiliation,
    Assignment,
    Certification,
    DeterminationLetter,
    ItemDecision,
    LetterStatus,
    License,
    Review,
    ReviewerProfile,
    ReviewStatus,
)

PASSWORD = "bench-password"  # noqa: S105 - a throwaway benchmark database only
ADMIN_USERNAME = "bench-admin"
REVIEWER_PREFIX = "bench-rev-"
YEARS = 5
BATCH = 5_000  # cases per COPY round (one transaction)

SPECIALTIES = [
    "orthopedic_surgery",
    "pmr",
    "occupational_medicine",
    "pain_medicine",
    "neurology",
    "internal_medicine",
    "family_medicine",
    "psychiatry",
    "chiropractic",
    "anesthesiology",
]
PROVIDER_SPECIALTIES = [
    "Orthopedic Surgery",
    "Physical Medicine & Rehabilitation",
    "Pain Management",
    "Family Practice",
    "Neurology",
    "Chiropractor",
    "Internal Medicine",
]
ITEMS = [
    "Norco 10/325mg #120",
    "Physical therapy 2x6 lumbar spine",
    "MRI right knee without contrast",
    "Gabapentin 600mg #90",
    "Lumbar epidural steroid injection L4-5",
    "Acupuncture 6 sessions",
    "Cyclobenzaprine 7.5mg #60",
    "TENS unit purchase",
    "Cervical spine MRI",
    "Chiropractic 2x4",
    "Tramadol ER 150mg #30",
    "Functional restoration program 80 hours",
]
EMPLOYERS = [
    f"{w} {k}"
    for w in ("Pacific", "Golden State", "Sierra", "Bay", "Central Valley", "Coastal", "Mission", "Redwood")
    for k in ("Logistics", "Foods", "Builders", "Health", "Transit", "Farms")
]
INSURERS = [
    "State Compensation Insurance Fund",
    "Zenith Insurance Co.",
    "Travelers",
    "Sedgwick CMS",
    "Berkshire Hathaway Homestate",
    "Republic Indemnity",
    "ICW Group",
    "Employers Compensation",
]
WORDS = [
    "patient",
    "reports",
    "persistent",
    "low",
    "back",
    "pain",
    "radiating",
    "to",
    "the",
    "left",
    "lower",
    "extremity",
    "with",
    "numbness",
    "examination",
    "reveals",
    "tenderness",
    "over",
    "the",
    "paraspinal",
    "muscles",
    "and",
    "decreased",
    "range",
    "of",
    "motion",
    "straight",
    "leg",
    "raise",
    "positive",
    "on",
    "the",
    "left",
    "strength",
    "five",
    "of",
    "five",
    "in",
    "all",
    "extremities",
    "reflexes",
    "symmetric",
    "plan",
    "continue",
    "home",
    "exercise",
    "program",
    "medication",
    "refill",
    "follow",
    "up",
    "in",
    "four",
    "weeks",
    "imaging",
    "reviewed",
    "shows",
    "mild",
    "degenerative",
    "disc",
    "disease",
    "at",
    "L4-5",
    "without",
    "stenosis",
    "functional",
    "improvement",
    "documented",
    "pain",
    "score",
    "seven",
    "of",
    "ten",
    "without",
    "medication",
    "four",
    "of",
    "ten",
    "with",
    "medication",
    "no",
    "aberrant",
    "behaviour",
]
RATIONALE = (
    "The MTUS supports this treatment when functional improvement is documented. The records document a "
    "decrease in pain and an increase in function. Therefore the request is medically necessary."
)


def _paragraphs(rng: random.Random, count: int = 64) -> list[str]:
    """A pool of record texts (about 1-3 KB each, as OCR'd progress notes run) reused across records."""
    out = []
    for _ in range(count):
        out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(150, 450))).capitalize() + ".")
    return out


def _reset() -> None:
    """Empty what this script fills (the benchmark database only)."""
    tables = [
        Case._meta.db_table,
        ReviewerProfile._meta.db_table,
        get_user_model()._meta.db_table,
        Case.history.model._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _users_and_reviewers(rng: random.Random, reviewers: int) -> tuple[object, list[ReviewerProfile]]:
    ensure_roles()
    user_model = get_user_model()
    password = make_password(PASSWORD)
    admin = user_model.objects.create(
        username=ADMIN_USERNAME, password=password, is_staff=True, first_name="Bench", last_name="Admin"
    )
    admin.groups.add(Group.objects.get(name=ADMINISTRATOR))
    users = user_model.objects.bulk_create(
        user_model(
            username=f"{REVIEWER_PREFIX}{i:03d}",
            password=password,
            first_name=f"Reviewer{i:03d}",
            last_name=f"Bench{i:03d}",
            email=f"rev{i}@example.org",
        )
        for i in range(1, reviewers + 1)
    )
    group = Group.objects.get(name=REVIEWER)
    group.user_set.add(*users)
    profiles = ReviewerProfile.objects.bulk_create(
        ReviewerProfile(
            user=u,
            years_in_practice=rng.randint(6, 30),
            hours_per_week=rng.randint(24, 50),
            max_open_cases=45,
        )
        for u in users
    )
    today = timezone.localdate()
    License.objects.bulk_create(
        License(
            reviewer=p,
            state=state,
            number=f"A{p.pk:05d}{state}",
            expires_on=today.replace(year=today.year + 2),
            verified_on=today,
        )
        for p in profiles
        for state in (["CA"] if rng.random() < 0.7 else ["CA", rng.choice(["NY", "TX", "AZ", "OR"])])
    )
    Certification.objects.bulk_create(
        Certification(
            reviewer=p, specialty=s, board="American Board", expires_on=today.replace(year=today.year + 3)
        )
        for p in profiles
        for s in rng.sample(SPECIALTIES, rng.randint(1, 2))
    )
    affiliations = [
        Affiliation(reviewer=p, kind="employer", name=name)
        for p in profiles
        for name in rng.sample(EMPLOYERS, rng.randint(0, 2))
    ]
    for a in affiliations:  # what Affiliation.save() fills, bulk_create skips save()
        from reviews.assignment.conflicts import normalize_party_name

        a.normalized_name = normalize_party_name(a.name)
    Affiliation.objects.bulk_create(affiliations)
    return admin, profiles


def _open_plan(rng: random.Random, reviewers: list[ReviewerProfile], open_cases: int) -> list:
    """Which reviewer holds each open case (None: not assigned yet), 10-40 per reviewer when the set is
    large enough; scaled down for a small development set."""
    want = {r.pk: rng.randint(10, 40) for r in reviewers}
    total = sum(want.values())
    scale = min(1.0, 0.7 * open_cases / total) if total else 0
    plan: list = []
    for reviewer in reviewers:
        plan += [reviewer] * max(1, round(want[reviewer.pk] * scale))
    plan += [None] * max(open_cases - len(plan), 0)
    rng.shuffle(plan)
    return plan[:open_cases]


class Copier:
    """Rows for one model, written with PostgreSQL's COPY under the model's own column names.

    ``bulk_create`` spends most of its time compiling parameters (about 170 cases a second on a loaded
    2-core machine, 20 minutes for 200,000); COPY with ids chosen here is ten times faster."""

    def __init__(self, model, fields: list[str]) -> None:
        self.model = model
        self.columns = [model._meta.get_field(f).column for f in fields]
        self.rows: list[tuple] = []
        self.next_id = 1
        self.count = 0

    def add(self, *values) -> int:
        """Queue a row (``values`` after the id); returns its id."""
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values))
        return pk

    def flush(self, cursor) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        columns = ", ".join(["id", *self.columns])
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in self.rows:
                copy.write_row(row)
        self.count += len(self.rows)
        self.rows = []

    def set_sequence(self, cursor) -> None:
        table = self.model._meta.db_table
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {max(self.next_id - 1, 1)})")


def generate(total: int, reviewers_count: int, seed: int) -> dict:
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.monotonic()
    _reset()
    admin, reviewers = _users_and_reviewers(rng, reviewers_count)
    timings["users and reviewers"] = time.monotonic() - started

    today = timezone.localdate()
    first = today - datetime.timedelta(days=365 * YEARS)
    span = (today - first).days
    texts = _paragraphs(rng)
    # Received dates spread evenly over five years (about 110 a day at 200,000), oldest first.
    received = sorted(first + datetime.timedelta(days=rng.randrange(span + 1)) for _ in range(total))
    # The open set is what a state's volume has in flight (about 6,000 of 200,000), the newest cases.
    open_count = min(total, max(total * 3 // 100, 600))
    plan = iter(_open_plan(rng, reviewers, open_count))
    closed_count = total - open_count
    now = timezone.now()
    summary = "The applicant is a worker with chronic low back pain. " * 6
    json_list = json.dumps(["lumbar spine"])
    json_dx = json.dumps(["Lumbar radiculopathy"])
    empty = json.dumps([])
    empty_obj = json.dumps({})
    not_yet_complete = (CaseStatus.RECEIVED, CaseStatus.ELIGIBILITY_REVIEW, CaseStatus.ELIGIBLE)

    c_case = Copier(
        Case,
        [
            "case_number",
            "review_type",
            "formulary_only",
            "received_date",
            "records_requested_electronically",
            "records_complete_date",
            "due_date",
            "applicant_age",
            "applicant_sex",
            "applicant_represented",
            "injury_date",
            "injury_description",
            "body_regions",
            "diagnoses",
            "employer",
            "claims_administrator",
            "claim_number",
            "ur_decision_date",
            "appealed_by",
            "status",
            "ineligible_reason",
            "status_note",
            "created_at",
            "updated_at",
            "created_by",
        ],
    )
    c_provider = Copier(TreatingProvider, ["case", "name", "specialty", "requesting"])
    c_item = Copier(
        DisputedItem, ["case", "position", "description", "quantity", "claims_administrator_guidelines"]
    )
    c_record = Copier(
        MedicalRecord, ["case", "position", "title", "date", "author", "kind", "text", "file", "file_sha256"]
    )
    c_assignment = Copier(
        Assignment,
        [
            "case",
            "reviewer",
            "assigned_by",
            "assigned_at",
            "accepted_at",
            "conflict_attested_at",
            "decline_reason",
            "declared_conflict",
            "end_reason",
            "active",
        ],
    )
    c_review = Copier(
        Review,
        [
            "case",
            "version",
            "reviewer",
            "assignment",
            "clinical_summary",
            "status",
            "revision",
            "created_at",
            "saved_at",
            "saved_by",
            "field_revisions",
            "signed_at",
            "signed_by",
            "credentials_snapshot",
            "amendment_reason",
            "void_reason",
        ],
    )
    c_decision = Copier(
        ItemDecision,
        [
            "review",
            "disputed_item",
            "decision",
            "guideline_citations",
            "citation_sources",
            "non_mtus_reason",
            "rationale",
            "updated_at",
        ],
    )
    c_letter = Copier(
        DeterminationLetter,
        [
            "case",
            "review",
            "version",
            "status",
            "requested_at",
            "rendered_at",
            "attempts",
            "claim",
            "page_count",
            "sha256",
            "file",
            "error",
            "reason",
            "html",
        ],
    )
    copiers = [c_case, c_provider, c_item, c_record, c_assignment, c_review, c_decision, c_letter]

    # Past determinations are signed 2-35 days after their clock started (the reports read these dates);
    # a generator of its own, so every other column keeps the values earlier runs gave it.
    sign_rng = random.Random(seed + 1)

    def issued_at(start: datetime.date) -> datetime.datetime:
        day = min(start + datetime.timedelta(days=sign_rng.randint(2, 35)), today)
        return datetime.datetime.combine(day, datetime.time(18), datetime.UTC)

    part = time.monotonic()
    with connection.cursor() as cursor:
        for n in range(total):
            day = received[n]
            is_open = n >= closed_count
            holder = next(plan) if is_open else rng.choice(reviewers) if rng.random() < 0.95 else None
            if is_open:
                status = (
                    rng.choice([CaseStatus.ASSIGNED, CaseStatus.IN_REVIEW, CaseStatus.IN_REVIEW])
                    if holder
                    else rng.choice(
                        [
                            CaseStatus.RECEIVED,
                            CaseStatus.ELIGIBILITY_REVIEW,
                            CaseStatus.ELIGIBLE,
                            CaseStatus.RECORDS_REQUESTED,
                        ]
                    )
                )
            elif holder:
                status = CaseStatus.CLOSED if rng.random() < 0.9 else CaseStatus.DETERMINATION_ISSUED
            else:
                status = rng.choice([CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.INELIGIBLE])
            review_type = "expedited" if rng.random() < 0.03 else "standard"
            complete = (
                None if status in not_yet_complete else day + datetime.timedelta(days=rng.randint(0, 10))
            )
            due = clocks.determination_due_date(
                SimpleNamespace(clock_start=complete or day, review_type=review_type, formulary_only=False)
            )
            case_id = c_case.add(
                f"CM{day.year % 100:02d}-{n + 1:07d}",
                review_type,
                False,
                day,
                False,
                complete,
                due,
                rng.randint(20, 70),
                rng.choice(["female", "male"]),
                False,
                day - datetime.timedelta(days=rng.randint(60, 2000)),
                "Cumulative trauma to the lumbar spine and right knee while lifting.",
                json_list,
                json_dx,
                rng.choice(EMPLOYERS),
                rng.choice(INSURERS),
                f"WC{day.year % 100:02d}-{rng.randint(0, 9_999_999):07d}",
                day - datetime.timedelta(days=rng.randint(5, 25)),
                "",
                str(status),
                "",
                "",
                now,
                now,
                admin.pk,
            )
            c_provider.add(case_id, f"Dr. Provider {case_id % 997}", rng.choice(PROVIDER_SPECIALTIES), True)
            item_ids = [c_item.add(case_id, i, rng.choice(ITEMS), 1, empty) for i in range(rng.randint(2, 3))]
            for i in range(rng.randint(3, 10)):
                c_record.add(
                    case_id,
                    i,
                    f"Progress note {i + 1}",
                    day - datetime.timedelta(days=30 * (10 - i)),
                    "Dr. Provider",
                    RecordKind.PROGRESS_NOTE.value,
                    rng.choice(texts),
                    "",
                    "",
                )
            if holder is not None:
                accepted = None if status == CaseStatus.ASSIGNED and rng.random() < 0.5 else now
                assignment_id = c_assignment.add(
                    case_id, holder.pk, admin.pk, now, accepted, accepted, "", False, "", True
                )
                if status != CaseStatus.ASSIGNED:
                    signed = status != CaseStatus.IN_REVIEW
                    review_id = c_review.add(
                        case_id,
                        1,
                        holder.pk,
                        assignment_id,
                        summary,
                        (ReviewStatus.SIGNED if signed else ReviewStatus.DRAFT).value,
                        1,
                        now,
                        now,
                        holder.user_id,
                        empty_obj,
                        issued_at(complete or day) if signed else None,
                        holder.user_id if signed else None,
                        empty_obj,
                        "",
                        "",
                    )
                    for item_id in item_ids:
                        c_decision.add(
                            review_id,
                            item_id,
                            rng.choice(["Upheld", "Overturned"]) if signed else "",
                            "MTUS Chronic Pain Medical Treatment 2009" if signed else "",
                            empty,
                            "",
                            RATIONALE if signed else "",
                            now,
                        )
                    if signed:
                        c_letter.add(
                            case_id,
                            review_id,
                            1,
                            LetterStatus.READY.value,
                            now,
                            now,
                            1,
                            "",
                            3,
                            "",
                            "",
                            "",
                            "",
                            "",
                        )
            if (n + 1) % BATCH == 0 or n + 1 == total:
                with transaction.atomic():
                    for copier in copiers:
                        copier.flush(cursor)
            if (n + 1) % (BATCH * 10) == 0 or n + 1 == total:
                rate = (n + 1) / (time.monotonic() - part)
                print(f"  {n + 1:>8,} cases  {rate:,.0f} cases/s", flush=True)
        for copier in copiers:
            copier.set_sequence(cursor)
    timings["cases and their rows"] = time.monotonic() - part
    part = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum analyze"] = time.monotonic() - part
    timings["total"] = time.monotonic() - started
    names = ["cases", "providers", "items", "records", "assignments", "reviews", "decisions", "letters"]
    return {"counts": {n: c.count for n, c in zip(names, copiers, strict=True)}, "timings": timings}


def database_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=200_000, help="number of cases (default 200,000)")
    parser.add_argument("--reviewers", type=int, default=150)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-migrate", action="store_true", help="skip `migrate` (schema already current)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("generate.py needs PostgreSQL: set DATABASE_URL to a database of its own.")
    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    print(
        f"Generating {args.cases:,} cases, {args.reviewers} reviewers into {connection.settings_dict['NAME']}"
    )
    result = generate(args.cases, args.reviewers, args.seed)
    for name, value in result["counts"].items():
        print(f"{name:>12}: {value:>10,}")
    for name, seconds in result["timings"].items():
        print(f"{name:>22}: {seconds:8.1f} s")
    print(f"database size: {database_size() / 2**20:,.0f} MB")


if __name__ == "__main__":
    main()
