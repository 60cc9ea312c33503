"""Benchmark of the reviewer's workspace in Chromium (not a test; figures go to the README).

A case with 300 pages of records (10 PDFs of 30 pages of text, read page by page as at intake) and 5
disputed items, its review started. gunicorn serves it (DEBUG off, static files by whitenoise); Debian's
Chromium (Playwright) opens, ``--repeat`` times each, alternating:

- the login page, the project's trivial page, the floor;
- the workspace of that case.

For each it takes the browser's Navigation Timing: the server's response (responseEnd) and
DOMContentLoaded (domContentLoadedEventEnd), both from the start of the navigation, and the first
contentful paint. It prints p50 and p95 and the workspace's p95 as a multiple of the login page's (the
issue's target: within 3x). Then it checks what loads on demand: on opening the workspace no record file,
no search and not PDF.js are fetched, the records list comes after the page; and it times switching items
(the "n" key) and opening record page 15 of 30 (PDF.js drawing it), each p50/p95.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench_ws CELERY_BROKER_URL=redis://127.0.0.1:6379/6
    .venv/bin/python bench/bench_workspace.py --repeat 30
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="imr-bench-workspace-"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.load import RESULTS, port_in_use, wait_until_up  # noqa: E402 - sets Django up
from cases import record_pages  # noqa: E402
from reviews.workspace.drafts import start_review  # noqa: E402
from tests import factories  # noqa: E402

PASSWORD = "pw-for-tests"  # noqa: S105 - the factories' password, on a benchmark database only
RECORDS, PAGES_EACH, ITEMS = 10, 30, 5
TARGET_RATIO = 3.0


def build_case():
    """The 300-page, 5-item case, accepted and started by its reviewer."""
    run = secrets.randbelow(10**7)  # the benchmark database may hold earlier runs' cases
    reviewer = factories.reviewer_with_credentials(
        states=("CA",), specialties=("occupational_medicine",), user__username=f"bench-ws-{run}"
    )
    case = factories.CaseFactory(status="assigned", case_number=f"CM99-{run:07d}")
    for k in range(ITEMS):
        factories.DisputedItemFactory(case=case, position=k, description=f"Treatment {k + 1}")
    for r in range(RECORDS):
        pages = [
            f"Record {r + 1}, page {p + 1}. Low back pain with radiation to the left leg; physical therapy "
            f"sessions completed {p}. Straight leg raise negative. " * 8
            for p in range(PAGES_EACH)
        ]
        record = factories.MedicalRecordFactory(
            case=case, title=f"Progress note {r + 1}", kind="progress_note", text="", position=r
        )
        record.attach_pdf(factories.text_pdf_bytes(pages))
        record.save()
        record_pages.extract_pages(record)
    now = timezone.now()
    factories.AssignmentFactory(case=case, reviewer=reviewer, accepted_at=now, conflict_attested_at=now)
    start_review(case, reviewer.user)
    return case, reviewer


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """gunicorn with DEBUG off and static files from the source folders (whitenoise). Not IMR_ENV=production:
    its HTTPS-only cookies and CSRF referer checks need the TLS proxy, which a local browser lacks."""
    env = {key: value for key, value in os.environ.items() if key not in ("IMR_ENV", "DEBUG", "DJANGO_DEBUG")}
    env.update(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
            "WEB_MAX_REQUESTS": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    log = open(RESULTS / "gunicorn.log", "w")  # noqa: SIM115 - lives as long as the server
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "imr_site/gunicorn.conf.py", "--access-logfile", "/dev/null",
         "imr_site.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  return {response: n.responseEnd - n.startTime, dcl: n.domContentLoadedEventEnd - n.startTime,
          fcp: fcp ? fcp.startTime : null};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    RESULTS.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    case, reviewer = build_case()
    if port_in_use(args.port):
        sys.exit(f"port {args.port} is in use")
    server = start_gunicorn(args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(base, server)
        chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--headless=new", "--no-sandbox"])
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("Username").fill(reviewer.user.username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state("networkidle")
            if "/accounts/login/" in page.url:
                sys.exit("could not log in (see bench/results/gunicorn.log)")
            login_url = f"{base}/accounts/login/"
            workspace_url = f"{base}/reviews/cases/{case.case_number}/"
            seen: dict[str, list[dict]] = {"login": [], "workspace": []}
            for url in (login_url, workspace_url):
                page.goto(url)  # warm-up, not counted
            for _ in range(args.repeat):
                for name, url in (("login", login_url), ("workspace", workspace_url)):
                    page.goto(url, wait_until="load")
                    seen[name].append(page.evaluate(TIMING))

            # What the workspace fetches by itself, before the reviewer asks for anything.
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url))
            page.goto(workspace_url)
            page.wait_for_load_state("networkidle")
            eager = {
                "record files": sum("/file" in u and "/records/" in u for u in requested),
                "searches": sum("/records/search/" in u for u in requested),
                "PDF.js": sum("pdfjs" in u for u in requested),
                "records list (after the page)": sum(u.endswith("/records/") for u in requested),
            }
            html_kb = len(page.content().encode()) / 1024

            # Switching items and opening a record at page 15.
            switch, open_page = [], []
            for _ in range(min(args.repeat, 10)):
                page.goto(workspace_url)
                page.wait_for_load_state("networkidle")
                page.locator("#determination-pane").click(position={"x": 5, "y": 5})
                switch.append(
                    page.evaluate(
                        """() => new Promise(done => {
                          const t0 = performance.now();
                          const shown = () => done(performance.now() - t0);
                          document.addEventListener("shown.bs.tab", shown, {once: true});
                          document.dispatchEvent(new KeyboardEvent("keydown", {key: "n", bubbles: true}));
                        })"""
                    )
                )
                t0 = page.evaluate("performance.now()")
                page.locator("#records-list .record-open").nth(3).click()
                page.wait_for_function(
                    "() => document.getElementById('viewer').dataset.rendered?.endsWith(':1')"
                )
                page.locator("#viewer-page").fill("15")
                page.locator("#viewer-page").dispatch_event("change")
                page.wait_for_function(
                    "() => document.getElementById('viewer').dataset.rendered?.endsWith(':15')"
                )
                open_page.append(page.evaluate("performance.now()") - t0)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    def row(label: str, values: list[float]) -> str:
        return f"| {label} | {statistics.median(values):.0f} | {pct(values, 0.95):.0f} |"

    lines = [
        f"Workspace benchmark: {RECORDS} records x {PAGES_EACH} pages, {ITEMS} items, "
        f"{args.repeat} loads each,",
        f"gunicorn ({args.workers} workers, DEBUG off) and Debian Chromium, one browser.",
        "",
        "| page, measure | p50 ms | p95 ms |",
        "| --- | --- | --- |",
    ]
    for name in ("login", "workspace"):
        for key in ("response", "dcl", "fcp"):
            values = [t[key] for t in seen[name] if t[key] is not None]
            if values:
                lines.append(row(f"{name}, {key}", values))
    ratio_dcl = pct([t["dcl"] for t in seen["workspace"]], 0.95) / pct(
        [t["dcl"] for t in seen["login"]], 0.95
    )
    fcps = [t["fcp"] for t in seen["workspace"] if t["fcp"]], [t["fcp"] for t in seen["login"] if t["fcp"]]
    lines += [
        "",
        f"Workspace p95 as a multiple of the login page's p95: DOMContentLoaded {ratio_dcl:.2f}x"
        + (f", first contentful paint {pct(fcps[0], 0.95) / pct(fcps[1], 0.95):.2f}x" if all(fcps) else "")
        + f" (target: within {TARGET_RATIO:.0f}x: {'met' if ratio_dcl <= TARGET_RATIO else 'NOT met'}).",
        f"Workspace HTML: {html_kb:.0f} KB. Fetched on opening: "
        + ", ".join(f"{k}: {v}" for k, v in eager.items()),
        "",
        "| interaction | p50 ms | p95 ms |",
        "| --- | --- | --- |",
        row("next item (n)", switch),
        row("open a 30-page record, then go to page 15 (PDF.js draws both)", open_page),
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
