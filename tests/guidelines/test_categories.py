"""Treatment categories (issue 14's report, issue 15's usage page): one rule, ``vocabulary.CATEGORY_RULES``,
run in Python (``treatment_category``) and in the database (``treatment_category_sql``, a SQL ``CASE``).
The two must give the same category for every description: checked here on PostgreSQL (CI's database),
on SQLite (the default database) and over every seed and demo description and every vocabulary phrase."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler
from django.test.utils import CaptureQueriesContext

from bench.generate import ITEMS as BENCH_ITEMS
from cases.models import DisputedItem
from guidelines.services import treatment_category, treatment_category_sql
from guidelines.suggest.vocabulary import DRUG_FAMILIES, TREATMENT_CATEGORIES, TREATMENT_FAMILIES
from tests import factories

EXAMPLES = Path(__file__).resolve().parents[2] / "cases" / "examples"

# Worked out by hand from the vocabulary: (description, category).
BY_HAND = [
    ("Norco 10/325mg #120", "Pharmaceuticals"),
    ("Three months coverage of Viagra 50mg", "Pharmaceuticals"),  # a drug the vocabulary does not name
    ("Unknown remedy #30", "Pharmaceuticals"),
    ("Physical therapy 2x6 lumbar spine", "Physical medicine"),
    ("PHYSICAL THERAPY FOR THE LUMBAR SPINE", "Physical medicine"),
    ("Post-op PT 12 sessions", "Physical medicine"),
    ("Chirophysio therapy two times a week for four weeks", "Chiropractic and acupuncture"),
    ("Acupuncture 6 sessions", "Chiropractic and acupuncture"),
    ("Lumbar epidural steroid injection L4-5", "Injections"),
    ("MRI right knee without contrast", "Imaging and electrodiagnostics"),
    ("EMG/NCV of the bilateral upper extremities", "Imaging and electrodiagnostics"),
    ("Orthopedic consultation after MRI of the knee", "Imaging and electrodiagnostics"),
    ("Labs to include: Chest X-ray", "Surgery and associated services"),
    ("Assistant surgeon for the rotator cuff repair", "Surgery and associated services"),
    ("Right knee arthroscopy with partial medial meniscectomy", "Surgery and associated services"),
    ("Associated surgical service: Shoulder sling with abduction pillow", "DME and supplies"),
    ("Hot/cold therapy wrap", "Physical medicine"),
    ("Urine drug screen", "Laboratory tests"),
    ("Home health aide 4 hours a day", "Home health"),
    ("Transportation to and from medical appointments", "Transportation"),
    ("Follow-up visit with pain management", "Office visits and referrals"),
    ("Functional restoration program 80 hours", "Psychology and functional restoration"),
    ("Partial hospitalization day treatment; evaluation only", "Psychology and functional restoration"),
    ("Gym membership", "Physical medicine"),
    # Word boundaries: a phrase inside a longer word is not the phrase ("pt" in "ptosis", "ot" in "otology").
    ("Ptosis correction, otology", "Other"),
    ("Wheelchair-accessible van", "DME and supplies"),
    ("", "Other"),
    ("Something the vocabulary never names", "Other"),
]


def varied_descriptions() -> list[str]:
    """Every seed and demo item, the benchmark's items, the hand-worked ones, and every phrase of the
    vocabulary alone, inside a sentence, capitalised and glued to a letter (so not on a word boundary)."""
    examples = []
    for name in ("seed-case.json", "demo-cases.json"):
        data = json.loads((EXAMPLES / name).read_text())
        for case in data if isinstance(data, list) else data.get("cases", [data]):
            examples += [item["description"] for item in case["disputed_items"]]
    assert len(examples) >= 8  # the seed case's two and the demo cases' items were found
    phrases = [p for names in DRUG_FAMILIES.values() for p in names]
    phrases += [p for _, names in TREATMENT_FAMILIES.values() for p in names]
    variants = []
    for phrase in phrases:
        variants += [phrase, f"Request for {phrase.upper()} x6 (left).", f"{phrase}s", f"x{phrase}"]
    unusual = [
        "Norco 10/325mg #30\n",
        "10 mgX tablets",
        "Gabapentin 600 mg",
        "PT/INR before surgery",
        "Crème de lidocaïne 5%",
        "Ibuprofen 800mg\u00e9",
        # Letters that Python's case-insensitive matching folds to ASCII and PostgreSQL's does not.
        "\u212aetorolac injection",  # KELVIN SIGN
        "Ma\u017fsage",  # LONG S
        "Ice \u212apt",
        "Gabapentin \u0666\u0660\u0660mg",  # Arabic-Indic digits: \d in Python, not in PostgreSQL's C.UTF-8
        "Gabapentin 600\u00a0mg",  # no-break space
        "Naproxen 550mg_x",
        "  MRI  ",
    ]
    return list(dict.fromkeys([*examples, *BENCH_ITEMS, *(d for d, _ in BY_HAND), *variants, *unusual]))


@pytest.mark.parametrize(("description", "category"), BY_HAND)
def test_categories_by_hand(description, category):
    assert treatment_category(description) == category


@pytest.mark.django_db
def test_the_database_gives_every_description_the_python_category():
    """On the test database (PostgreSQL in CI: ``~``), in one query over every description."""
    descriptions = varied_descriptions()
    case = factories.CaseFactory()
    DisputedItem.objects.bulk_create(
        DisputedItem(case=case, position=i, description=d) for i, d in enumerate(descriptions)
    )
    with CaptureQueriesContext(connection) as queries:
        in_sql = dict(
            DisputedItem.objects.filter(case=case)
            .annotate(category=treatment_category_sql("description"))
            .values_list("description", "category")
        )
    assert len(queries) == 1
    assert len(in_sql) == len(descriptions)
    differ = {
        d: (in_sql[d], treatment_category(d)) for d in descriptions if in_sql[d] != treatment_category(d)
    }
    assert differ == {}
    # Not a trivial agreement: the set reaches every category and "Other".
    assert set(in_sql.values()) == {*TREATMENT_CATEGORIES, "Other"}


def test_sqlite_gives_every_description_the_python_category(django_db_blocker):
    """On SQLite (the default database): the same query compiled for SQLite (``REGEXP``, which Django
    registers as Python's ``re``) and run in an in-memory database of its own holding the descriptions
    (so this runs whatever the test database is)."""
    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})[
        "default"
    ]
    try:
        query = (
            DisputedItem.objects.annotate(category=treatment_category_sql("description"))
            .values_list("description", "category")
            .order_by()
        )
        sql, params = query.query.get_compiler(connection=sqlite).as_sql()
        descriptions = varied_descriptions()
        with django_db_blocker.unblock(), sqlite.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {DisputedItem._meta.db_table} (description TEXT)")
            cursor.executemany(
                f"INSERT INTO {DisputedItem._meta.db_table} (description) VALUES (%s)",
                [(d,) for d in descriptions],
            )
            cursor.execute(sql, params)
            in_sql = dict(cursor.fetchall())
    finally:
        sqlite.close()
    assert "REGEXP" in sql
    assert len(in_sql) == len(descriptions)
    assert {d: in_sql[d] for d in descriptions if in_sql[d] != treatment_category(d)} == {}
