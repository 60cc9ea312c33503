"""Benchmark of the administrators' reports (reports.queries) over the database bench/generate.py builds.

Each report (and the whole page: the totals plus every report) runs ``--repeat`` times over two periods,
the page's default (the last 12 months) and one that holds every determination (the worst case: nothing
is filtered out), each beside a floor measured in the same run: counting the same determinations
(``SELECT count(*)`` over the signed first versions in the period), the least any report over them can
cost. Figures are medians, reported in milliseconds and as a ratio to
the floor, so a busy machine moves both alike. Runs at any size:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench
    .venv/bin/python bench/generate.py --cases 20000          # or 200000 (see README, Performance)
    .venv/bin/python bench/bench_reports.py --repeat 7

The target (issue 14): a report over 200,000 cases answers in under a second on PostgreSQL.

The category report runs the vocabulary's category rule (a SQL ``CASE`` of regular expressions) once per
distinct item description; the generated items repeat a dozen descriptions, so the bench also times the
rule over ``--distinct`` descriptions that are all different (each item's description with its id added),
the cost real free-text descriptions would add.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import CharField, F, Value  # noqa: E402
from django.db.models.functions import Cast, Concat  # noqa: E402

from cases.clocks import california_today  # noqa: E402
from cases.models import Case, DisputedItem  # noqa: E402
from guidelines.services import treatment_category_sql  # noqa: E402
from reports.queries import REPORTS, Period, issued, summary  # noqa: E402
from reviews.models import ItemDecision  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    fn()  # warm the cache and the plan once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(period: Period, repeat: int) -> list[tuple[str, float]]:
    floor = median_ms(lambda: issued(period).count(), repeat)
    rows = [("floor: count the determinations", floor)]
    for key, report in REPORTS.items():
        rows.append((key, median_ms(lambda report=report: report(period), repeat)))
    whole = median_ms(lambda: [summary(period)] + [r(period) for r in REPORTS.values()], repeat)
    rows.append(("whole page (totals + every report)", whole))
    return rows


def categorise_distinct(n: int) -> list[str]:
    """The category rule in SQL over ``n`` different descriptions (one per item, its id appended)."""
    text = Concat("description", Value(" item "), Cast("id", CharField()), output_field=CharField())
    return list(
        DisputedItem.objects.order_by("pk")
        .annotate(text=text)
        .annotate(category=treatment_category_sql(F("text")))
        .values_list("category", flat=True)[:n]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--distinct", type=int, default=10_000)
    args = parser.parse_args()
    today = california_today()
    periods = [
        ("the page's default, the last 12 months", Period.last_twelve_months(today)),
        ("every determination (worst case)", Period(datetime.date(2000, 1, 1), today)),
    ]
    print(
        f"{connection.vendor}; {Case.objects.count():,} cases, "
        f"{ItemDecision.objects.count():,} item decisions; "
        f"load average {os.getloadavg()[0]:.1f}; medians of {args.repeat}"
    )
    for name, period in periods:
        print(f"\n{name}: {issued(period).count():,} determinations issued {period.start} to {period.end}")
        print("\n| report | median ms | ratio to floor |\n| --- | ---: | ---: |")
        rows = measure(period, args.repeat)
        floor = rows[0][1]
        for label, ms in rows:
            print(f"| {label} | {ms:,.0f} | {ms / floor:.1f} |")
    ms = median_ms(lambda: categorise_distinct(args.distinct), args.repeat)
    print(
        f"\nthe category rule over {args.distinct:,} different descriptions: {ms:,.0f} ms "
        f"({1000 * ms / args.distinct:.0f} microseconds a description)"
    )


if __name__ == "__main__":
    main()
