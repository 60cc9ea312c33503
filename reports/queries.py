"""The administrators' reports, each one aggregate query returning a ``Table`` (the page, its chart and
its CSV export all read the same table).

Definitions:
- a determination is *issued* when its first signed version is signed (a review signed with no
  ``supersedes``; amendments are later versions and do not restart the count), on the California date
  of ``signed_at``; it falls in a period by that date;
- *turnaround* is whole calendar days from the application's receipt (``Case.received_date``) to issue;
- *on time* means issued on or before the case's due date (``cases.clocks``, stored as ``due_date``);
- Upheld and Overturned shares count the disputed items of the determinations in force (signed, not
  superseded) signed in the period, by the item's treatment category
  (``guidelines.services.treatment_category``, counted in SQL by its twin ``treatment_category_sql``) and
  by the reviewer's board certifications (a reviewer certified in two specialties counts in both);
- throughput is determinations issued per reviewer, with the days from assignment to issue.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import CharField, Count, F, Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.functions import TruncDate, TruncMonth

from cases.clocks import CALIFORNIA, california_today
from cases.models import ReviewType
from guidelines.services import treatment_category_sql
from reports.aggregates import DaysBetween, PercentileCont
from reviews.models import ItemDecision, Review, ReviewerProfile
from reviews.models.review import Decision, ReviewStatus
from reviews.models.reviewers import Specialty


@dataclass(frozen=True)
class Period:
    """Determinations issued from ``start`` to ``end`` inclusive (California dates)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_twelve_months(cls, today: datetime.date | None = None) -> Period:
        today = today or california_today()
        first = today.replace(day=1)
        year, month = divmod(first.year * 12 + first.month - 1 - 11, 12)
        return cls(datetime.date(year, month + 1, 1), today)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The instants the period starts and ends in California (so a UTC timestamp filter)."""
        start = datetime.datetime.combine(self.start, datetime.time.min, CALIFORNIA)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, CALIFORNIA)
        return start, end


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # What the page charts: the label column and the series (column indexes), and the chart's kind.
    chart: dict | None = None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def issued(period: Period) -> QuerySet[Review]:
    """First signed versions issued in the period, with their issue date, turnaround and on-time flag."""
    start, end = period.bounds()
    issued_on = TruncDate("signed_at", tzinfo=CALIFORNIA)
    return (
        Review.objects.filter(
            signed_at__isnull=False, supersedes__isnull=True, signed_at__gte=start, signed_at__lt=end
        )
        .annotate(issued_on=issued_on)
        .annotate(turnaround=DaysBetween(F("issued_on"), F("case__received_date")))
    )


def _turnaround_figures() -> dict:
    return {
        "n": Count("pk"),
        "median": PercentileCont("turnaround", 0.5),
        "p90": PercentileCont("turnaround", 0.9),
        "on_time": Count("pk", filter=Q(issued_on__lte=F("case__due_date"))),
    }


def summary(period: Period) -> dict:
    """The period's totals: determinations, median and 90th percentile turnaround, share on time."""
    figures = issued(period).aggregate(**_turnaround_figures())
    return {
        "determinations": figures["n"],
        "median_days": _days(figures["median"]),
        "p90_days": _days(figures["p90"]),
        "on_time": figures["on_time"],
        "on_time_share": _share(figures["on_time"], figures["n"]),
    }


TURNAROUND_COLUMNS = ["Determinations", "Median days", "90th percentile days", "On time", "On time %"]


def _turnaround_row(label, row: dict) -> list:
    return [
        label,
        row["n"],
        _days(row["median"]),
        _days(row["p90"]),
        row["on_time"],
        _share(row["on_time"], row["n"]),
    ]


def turnaround_by_month(period: Period) -> Table:
    rows = (
        issued(period)
        .annotate(month=TruncMonth("signed_at", tzinfo=CALIFORNIA))
        .values("month")
        .annotate(**_turnaround_figures())
        .order_by("month")
    )
    return Table(
        "turnaround-by-month",
        "Turnaround by month (received to issued)",
        ["Month", *TURNAROUND_COLUMNS],
        [_turnaround_row(r["month"].strftime("%Y-%m"), r) for r in rows],
        {"type": "line", "series": [2, 3], "label": "days"},
    )


def turnaround_by_review_type(period: Period) -> Table:
    rows = (
        issued(period)
        .values("case__review_type")
        .annotate(**_turnaround_figures())
        .order_by("case__review_type")
    )
    return Table(
        "turnaround-by-review-type",
        "Turnaround by review type",
        ["Review type", *TURNAROUND_COLUMNS],
        [_turnaround_row(ReviewType(r["case__review_type"]).label, r) for r in rows],
        {"type": "bar", "series": [2, 3], "label": "days"},
    )


DECISION_COLUMNS = ["Items decided", "Upheld", "Overturned", "Upheld %", "Overturned %"]


def _decisions_in_force(period: Period) -> QuerySet[ItemDecision]:
    start, end = period.bounds()
    return ItemDecision.objects.filter(
        review__status=ReviewStatus.SIGNED,
        review__signed_at__gte=start,
        review__signed_at__lt=end,
        decision__in=[Decision.UPHELD, Decision.OVERTURNED],
    )


def _decision_table(key: str, title: str, label: str, rows) -> Table:
    """Rows of (name, upheld, overturned), most decided first."""
    table = []
    for name, upheld, overturned in sorted(rows, key=lambda r: (-(r[1] + r[2]), r[0])):
        total = upheld + overturned
        table.append([name, total, upheld, overturned, _share(upheld, total), _share(overturned, total)])
    return Table(key, title, [label, *DECISION_COLUMNS], table, {"type": "stacked", "series": [2, 3]})


_UPHELD_OVERTURNED = {
    "upheld": Count("pk", filter=Q(decision=Decision.UPHELD)),
    "overturned": Count("pk", filter=Q(decision=Decision.OVERTURNED)),
}


def decisions_by_category(period: Period) -> Table:
    """One aggregate query: the decisions counted by item description, each distinct description given
    its category by the database (``treatment_category_sql``, the vocabulary's rule as a SQL ``CASE``) and
    the counts summed by category. The rule runs once per distinct description, not once per item: in
    PostgreSQL each of its regular expressions costs some 20 microseconds a row (bench/bench_reports.py).
    """
    by_description = (
        _decisions_in_force(period)
        .values(text=F("disputed_item__description"))
        .annotate(**_UPHELD_OVERTURNED)
        .order_by()
    )
    connection = connections[by_description.db]
    name = connection.ops.quote_name
    inner, inner_params = by_description.query.sql_with_params()
    column = CharField()
    column.set_attributes_from_name("text")
    text = Col("counted", column)  # the description column of the counted rows
    category = treatment_category_sql(text).resolve_expression(by_description.query)
    category_sql, category_params = by_description.query.get_compiler(connection=connection).compile(category)
    sql = (
        f"SELECT {category_sql}, SUM({name('counted')}.{name('upheld')}), "
        f"SUM({name('counted')}.{name('overturned')}) FROM ({inner}) {name('counted')} GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*category_params, *inner_params))
        rows = [
            (category, int(upheld), int(overturned)) for category, upheld, overturned in cursor.fetchall()
        ]
    return _decision_table(
        "decisions-by-category", "Upheld and Overturned by treatment category", "Treatment category", rows
    )


def decisions_by_specialty(period: Period) -> Table:
    grouped = (
        _decisions_in_force(period)
        .values("review__reviewer__certifications__specialty")
        .annotate(**_UPHELD_OVERTURNED)
        .order_by()
    )
    rows = []
    for r in grouped:
        code = r["review__reviewer__certifications__specialty"]
        name = Specialty(code).label if code in Specialty.values else "No certification on file"
        rows.append((name, r["upheld"], r["overturned"]))
    return _decision_table(
        "decisions-by-specialty", "Upheld and Overturned by reviewer specialty", "Reviewer specialty", rows
    )


def reviewer_throughput(period: Period) -> Table:
    """Grouped by reviewer id alone (a narrow sort for the median), the names read after in one query."""
    assigned_on = TruncDate("assignment__assigned_at", tzinfo=CALIFORNIA)
    rows = (
        issued(period)
        .annotate(work_days=DaysBetween(F("issued_on"), assigned_on))
        .values("reviewer_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(issued_on__lte=F("case__due_date"))),
            median_work=PercentileCont("work_days", 0.5),
        )
        .order_by()
    )
    rows = list(rows)
    users = {
        r["pk"]: r
        for r in ReviewerProfile.objects.filter(pk__in=[r["reviewer_id"] for r in rows]).values(
            "pk", "user__first_name", "user__last_name", "user__username"
        )
    }
    rows.sort(key=lambda r: (-r["n"], users[r["reviewer_id"]]["user__last_name"], r["reviewer_id"]))
    weeks = max(((period.end - period.start).days + 1) / 7, 1)
    table = []
    for r in rows:
        user = users[r["reviewer_id"]]
        name = f"{user['user__first_name']} {user['user__last_name']}".strip()
        table.append(
            [
                name or user["user__username"],
                r["n"],
                round(r["n"] / weeks, 1),
                _days(r["median_work"]),
                _share(r["on_time"], r["n"]),
            ]
        )
    return Table(
        "reviewer-throughput",
        "Reviewer throughput",
        ["Reviewer", "Determinations", "Per week", "Median days from assignment", "On time %"],
        table,
        {"type": "bar", "series": [1], "label": "determinations"},
    )


REPORTS = {
    "turnaround-by-month": turnaround_by_month,
    "turnaround-by-review-type": turnaround_by_review_type,
    "decisions-by-category": decisions_by_category,
    "decisions-by-specialty": decisions_by_specialty,
    "reviewer-throughput": reviewer_throughput,
}
