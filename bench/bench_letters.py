"""Benchmark of Final Determination letter generation (not a test; figures go to docs/letters.md).

Measures, on the database and Redis named by DATABASE_URL and CELERY_BROKER_URL:
1. median render time of the seed case letter and of a 50-item letter: the HTML (template and queries),
   bare WeasyPrint of that HTML with the same PDF options (the floor), and the whole render step the
   task runs;
2. end-to-end time from request to ready with one real worker process on Redis (the request's
   ``requested_at`` to the worker's ``rendered_at``), and its ratio to the bare WeasyPrint time
   (target: at most 1.3);
3. throughput in letters per minute with two worker processes on a full queue, from the first render's
   start to the last one's end (target: at least 90% of cores / render time), beside what bare
   WeasyPrint reaches in two plain processes on the machine at that moment (the real ceiling when other
   programs share the cores).

Usage (a PostgreSQL database this benchmark may write to, a Redis database of its own):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_letters \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/4 python bench/bench_letters.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="imr-bench-letters-"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.intake import EXAMPLE_CASE_PATH, import_file  # noqa: E402
from cases.models import Case, DisputedItem  # noqa: E402
from imr_site.celery import app  # noqa: E402
from reviews.letters import services  # noqa: E402
from reviews.letters.rendering import PDF_OPTIONS, render_letter_html  # noqa: E402
from reviews.models import (  # noqa: E402
    Certification,
    DeterminationLetter,
    ItemDecision,
    LetterStatus,
    License,
    Review,
    ReviewerProfile,
)

SEED_CASE = "CM15-0165834"
BIG_CASE = "CM99-0000050"
BENCH_REVIEWER = "bench-letters-reviewer"


# -- data ----------------------------------------------------------------------------------------------


def bench_reviewer() -> ReviewerProfile:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=BENCH_REVIEWER)
    profile, created = ReviewerProfile.objects.get_or_create(
        user=user, defaults={"years_in_practice": 10, "hours_per_week": 32}
    )
    if created:
        for n, state in enumerate(("TX", "NY", "CA")):
            License.objects.create(
                reviewer=profile, state=state, number=f"BENCH-{n}", expires_on="2099-01-01"
            )
        for specialty in ("preventive_medicine", "occupational_medicine"):
            Certification.objects.create(reviewer=profile, specialty=specialty)
    return profile


def signed_review(case: Case, reviewer: ReviewerProfile) -> Review:
    from tests.seed_determination import SEED_DECISIONS, sign_seed_review

    review = case.reviews.filter(status="signed").order_by("-version").first()
    if review is not None:
        return review
    if case.case_number == SEED_CASE:
        return sign_seed_review(case, reviewer)
    from reviews.models import Assignment
    from tests.seed_determination import SEED_SUMMARY

    assignment = Assignment.objects.create(case=case, reviewer=reviewer, due_date=case.due_date)
    review = Review.objects.create(
        case=case, reviewer=reviewer, assignment=assignment, clinical_summary=SEED_SUMMARY
    )
    for n, item in enumerate(case.disputed_items.all()):
        seed = SEED_DECISIONS[n % 2]
        ItemDecision.objects.update_or_create(
            review=review,
            disputed_item=item,
            defaults={
                "decision": seed["decision"],
                "guideline_citations": seed["guideline_citations"],
                "rationale": seed["rationale"],
            },
        )
    review.status = "signed"
    review.signed_at = timezone.now()
    review.credentials_snapshot = {"states": ["Texas", "New York", "California"], "specialties": []}
    review.save()
    return review


@transaction.atomic
def prepare() -> dict[str, Review]:
    reviewer = bench_reviewer()
    seed = Case.objects.filter(case_number=SEED_CASE).first()
    if seed is None:
        seed = import_file(EXAMPLE_CASE_PATH).imported[0].case
    big = Case.objects.filter(case_number=BIG_CASE).first()
    if big is None:
        fields = {
            f.name: getattr(seed, f.name)
            for f in Case._meta.concrete_fields
            if f.name not in ("id", "case_number", "status", "created_at", "updated_at", "due_date")
        }
        big = Case.objects.create(case_number=BIG_CASE, **fields)
        for n in range(50):
            DisputedItem.objects.create(
                case=big,
                position=n,
                description=f"Physical therapy for the lumbar spine, course {n + 1}",
                quantity=12,
                claims_administrator_guidelines=["MTUS Chronic Pain Medical Treatment 2009"],
            )
    return {"seed": signed_review(seed, reviewer), "50 items": signed_review(big, reviewer)}


# -- measurements ----------------------------------------------------------------------------------------


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def render_times(review: Review, repeat: int) -> dict[str, float]:
    from weasyprint import HTML

    letter = review.letters.order_by("-version").first() or DeterminationLetter(
        case=review.case, review=review, version=1, requested_at=timezone.now()
    )
    html = render_letter_html(review, letter)
    HTML(string=html).write_pdf(**PDF_OPTIONS)  # warm fonts and caches, as the worker does at start
    return {
        "html": statistics.median(timed(lambda: render_letter_html(review, letter), repeat)),
        "weasyprint": statistics.median(timed(lambda: HTML(string=html).write_pdf(**PDF_OPTIONS), repeat)),
        "render step": statistics.median(timed(lambda: services.render_letter_file(letter), repeat)),
        "pages": services.render_letter_file(letter).page_count,
    }


def start_workers(concurrency: int) -> subprocess.Popen:
    app.control.purge()
    command = [
        sys.executable, "-m", "celery", "-A", "imr_site", "worker", "-Q", "letters", "--pool=prefork",
        f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--loglevel=WARNING",
        f"--hostname=bench-letters-{os.getpid()}@%h",
    ]  # fmt: skip
    worker = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5)
        if any(f"bench-letters-{os.getpid()}@" in name for reply in replies for name in reply):
            time.sleep(1.0)  # let every child finish its WeasyPrint warm-up
            return worker
    worker.terminate()
    raise SystemExit("the benchmark worker did not start")


def worker_cpu_seconds(worker: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by the worker's main process and its pool children."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if worker.pid in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def stop_workers(worker: subprocess.Popen) -> None:
    worker.terminate()
    worker.wait(timeout=60)


def wait_ready(letter_ids: list[int], timeout: float = 300) -> list[DeterminationLetter]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        letters = list(DeterminationLetter.objects.filter(pk__in=letter_ids))
        if all(not letter.in_progress for letter in letters):
            failed = [letter for letter in letters if letter.status != LetterStatus.READY]
            if failed:
                raise SystemExit(f"letters failed: {[(f.pk, f.error) for f in failed]}")
            return letters
        time.sleep(0.05)  # timings come from the rows' timestamps, so polling slowly costs no accuracy
    raise SystemExit("letters not ready in time")


def request(review: Review, reason: str) -> DeterminationLetter:
    current = review.letters.order_by("-version").first()
    if current is None:
        return services.request_letter(review, by=None)
    return services.regenerate_letter(current, by=None, reason=reason)


def bare_weasyprint(review: Review, clock=time.perf_counter) -> float:
    """Seconds for WeasyPrint alone to turn the review's letter HTML into a PDF (the floor)."""
    from weasyprint import HTML

    html = render_letter_html(review, review.letters.order_by("-version").first())
    start = clock()
    HTML(string=html).write_pdf(**PDF_OPTIONS)
    return clock() - start


def end_to_end(review: Review, repeat: int) -> dict[str, float]:
    """Median seconds from request to ready, split into waiting for a worker and the worker's render,
    interleaved with bare WeasyPrint renders so both see the same machine load."""
    worker = start_workers(1)
    try:
        wait_ready([request(review, "benchmark warm-up").pk])
        total, waiting, rendering, floor = [], [], [], []
        for _ in range(repeat):
            floor.append(bare_weasyprint(review))
            letter = request(review, "benchmark: end to end")
            (done,) = wait_ready([letter.pk])
            total.append((done.rendered_at - done.requested_at).total_seconds())
            waiting.append((done.started_at - done.requested_at).total_seconds())
            rendering.append((done.rendered_at - done.started_at).total_seconds())
        return {
            "floor": statistics.median(floor),
            "total": statistics.median(total),
            "waiting": statistics.median(waiting),
            "rendering": statistics.median(rendering),
        }
    finally:
        stop_workers(worker)


def _render_many(html: str, count: int, start) -> None:
    from weasyprint import HTML

    HTML(string=html).write_pdf(**PDF_OPTIONS)  # warm-up, before the clock starts
    start.wait()
    for _ in range(count):
        HTML(string=html).write_pdf(**PDF_OPTIONS)


def bare_parallel_rate(review: Review, letters: int, processes: int = 2) -> float:
    """Letters per minute that bare WeasyPrint reaches in two plain processes on this machine right now:
    the real ceiling for the workers, whatever else the machine is running."""
    import multiprocessing

    # Spawned, not forked: a fork of a process that has already rendered can deadlock in fontconfig.
    context = multiprocessing.get_context("spawn")
    html = render_letter_html(review, review.letters.order_by("-version").first())
    each = letters // processes
    start = context.Barrier(processes + 1)
    children = [context.Process(target=_render_many, args=(html, each, start)) for _ in range(processes)]
    for child in children:
        child.start()
    start.wait()
    began = time.perf_counter()
    for child in children:
        child.join()
    return each * processes / (time.perf_counter() - began) * 60


def throughput(review: Review, letters: int, repeat: int) -> dict[str, float]:
    """Letters per minute with two worker processes, and the bare render time measured around it."""
    floor = [bare_weasyprint(review) for _ in range(repeat)]
    floor_cpu = [bare_weasyprint(review, clock=time.process_time) for _ in range(repeat)]
    ceiling = [bare_parallel_rate(review, letters)]
    worker = start_workers(2)
    try:
        wait_ready([request(review, "benchmark warm-up").pk, request(review, "benchmark warm-up").pk])
        cpu_before = worker_cpu_seconds(worker)
        with transaction.atomic():  # one commit: every job reaches the broker at once, a full queue
            ids = [request(review, "benchmark: throughput").pk for _ in range(letters)]
        done = wait_ready(ids)
        cpu = worker_cpu_seconds(worker) - cpu_before
        first = min(letter.started_at for letter in done)
        last = max(letter.rendered_at for letter in done)
        rate = letters / (last - first).total_seconds() * 60
    finally:
        stop_workers(worker)
    floor += [bare_weasyprint(review) for _ in range(repeat)]
    ceiling.append(bare_parallel_rate(review, letters))
    return {
        "rate": rate,
        "ceiling": statistics.mean(ceiling),
        "floor": statistics.median(floor),
        "floor cpu": statistics.median(floor_cpu),
        "worker cpu per letter": cpu / letters,
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per median (default 5)")
    parser.add_argument("--letters", type=int, default=20, help="letters in the throughput run")
    args = parser.parse_args()
    if not settings.CELERY_BROKER_URL:
        raise SystemExit("Set CELERY_BROKER_URL to a Redis database for the worker runs.")

    reviews = prepare()
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()[0]
    rows = []
    for name, review in reviews.items():
        r = render_times(review, args.repeat)
        rows.append(
            (f"Render, {name} letter ({r['pages']} pages): HTML / bare WeasyPrint / whole render step",
             f"{ms(r['html'])} / {ms(r['weasyprint'])} / {ms(r['render step'])}", "")
        )  # fmt: skip
    e2e = end_to_end(reviews["seed"], args.repeat)
    rows.append(("End to end, seed letter, 1 worker on Redis (request to ready)", ms(e2e["total"]), ""))
    split = f"{ms(e2e['waiting'])} / {ms(e2e['rendering'])}"
    rows.append(("  of which waiting for the worker / in the worker", split, ""))
    rows.append(
        ("  ratio to bare WeasyPrint of the same HTML (measured in between)",
         f"{e2e['total'] / e2e['floor']:.2f} ({ms(e2e['floor'])})", "<= 1.3")
    )  # fmt: skip
    run = throughput(reviews["seed"], args.letters, args.repeat)
    target = 0.9 * cores / run["floor"] * 60
    rows.append(
        (f"Throughput, 2 worker processes, {args.letters} seed letters", f"{run['rate']:.0f} letters/min",
         f">= {target:.0f} (90% x {cores} cores / {ms(run['floor'])})")
    )  # fmt: skip
    rows.append(
        ("  bare WeasyPrint in 2 plain processes, same HTML, measured before and after",
         f"{run['ceiling']:.0f} letters/min (workers reach {run['rate'] / run['ceiling']:.0%} of it)", "")
    )  # fmt: skip
    rows.append(
        ("  CPU per letter in the workers / CPU of one bare WeasyPrint render",
         f"{ms(run['worker cpu per letter'])} / {ms(run['floor cpu'])}", "")
    )  # fmt: skip

    print(f"\n{cores} cores; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
          f"medians of {args.repeat}\n")  # fmt: skip
    print("| Measure | Result | Target |\n|---|---|---|")
    for measure, result, goal in rows:
        print(f"| {measure} | {result} | {goal} |")


if __name__ == "__main__":
    main()
