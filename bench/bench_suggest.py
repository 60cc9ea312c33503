"""Suggestion latency per item on a case with 20 records (not a test: prints figures).

    python bench/bench_suggest.py [--rounds 30]

The knowledge base is loaded once (as in a web process). Each round clears the per-sentence NLP cache
first, so every figure includes medspaCy's negation pass over the records ("cold"); a second series
reuses the cache ("warm", the reviewer re-opening an item). A floor measured in the same run (a trivial
pass that lower-cases every record and counts a word) makes the figures comparable across machines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guidelines.suggest import nlp  # noqa: E402
from guidelines.suggest.engine import suggest  # noqa: E402
from guidelines.suggest.knowledge import KnowledgeBase  # noqa: E402
from guidelines.suggest.schema import CaseFacts, Record  # noqa: E402

NOTE = (
    "Subjective: ongoing low back pain radiating to the right lower extremity, rated 6/10. "
    "The patient denies bowel or bladder dysfunction. "
    "She has completed 12 prior physical therapy sessions with minimal relief. "
    "Objective: antalgic gait, positive straight leg raise on the right, "
    "decreased sensation in the L5 dermatome. "
    "No red flags. Medications: Norco 10/325 mg twice a day, cyclobenzaprine 7.5 mg at night, omeprazole. "
    "Work status: off work on temporary total disability. "
    "Plan: physical therapy 2x6, lumbar MRI, EMG/NCV of the lower extremities, follow-up in 4 weeks. "
)
ITEMS = [
    "Physical therapy for the lumbar spine 2x6",
    "MRI of the lumbar spine without contrast",
    "Norco 10/325mg #120",
    "Cyclobenzaprine 7.5mg #60",
    "EMG/NCV of the bilateral lower extremities",
    "Omeprazole 20mg #60",
    "Flurbiprofen 20%, Baclofen 5%, Menthol 2% in cream base 240g",
    "Chiropractic treatment for the lumbar spine, 12 visits",
]


def case_with_records(n: int = 20) -> CaseFacts:
    records = []
    for i in range(n):
        # Vary every sentence between records so no record's sentences hit the per-sentence cache of another.
        text = " ".join(NOTE.replace(". ", f" (visit {i + 1}, part {k}). ") for k in range(3))
        records.append(
            Record(f"Progress note {i + 1}", dt.date(2016, 1, 1) + dt.timedelta(days=14 * i), text)
        )
    return CaseFacts(
        diagnoses=["lumbar radiculitis"],
        body_regions=["lumbar"],
        records=records,
        requesting_specialty="Physical Medicine & Rehabilitation",
        request_date=dt.date(2016, 11, 20),
        injury_date=dt.date(2014, 5, 19),
    )


def floor_pass(facts: CaseFacts) -> int:
    return sum(r.text.lower().count("pain") for r in facts.records)


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    t = time.perf_counter()
    kb = KnowledgeBase.from_json()
    nlp.nlp_available()
    load_ms = (time.perf_counter() - t) * 1000
    facts = case_with_records(20)
    suggest(kb, ITEMS[0], facts)  # warm-up (first medspaCy call builds its rules)

    def cold_round():
        for item in ITEMS:
            nlp._negations.cache_clear()
            t0 = time.perf_counter()
            suggest(kb, item, facts)
            cold.append((time.perf_counter() - t0) * 1000)

    cold: list[float] = []
    for _ in range(args.rounds):
        cold_round()
    warm = [v / len(ITEMS) for v in timed(lambda: [suggest(kb, i, facts) for i in ITEMS], args.rounds)]
    floor = timed(lambda: floor_pass(facts), args.rounds * len(ITEMS))
    f50 = statistics.median(floor)
    print(f"knowledge base + medspaCy load (once per process): {load_ms:.0f} ms; {len(kb.sections)} sections")
    print(f"case: 20 records, {sum(len(r.text) for r in facts.records)} characters; {len(ITEMS)} item types")
    print(f"floor (lower-case + count over the same text): p50 {f50:.3f} ms")
    for name, series in (("cold (NLP cache cleared per item)", cold), ("warm (cache reused)", warm)):
        p50, p95 = pct(series, 0.5), pct(series, 0.95)
        print(
            f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms per item; p95/floor {p95 / f50:.0f}x; "
            f"target p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
