"""Load benchmark: every busy page against gunicorn on PostgreSQL, beside the login page in the same run.

Simulated users (asyncio + httpx) each log in once (an administrator session and a reviewer session,
CSRF token and cookies kept), then hit one page after another in a closed loop for ``--seconds`` each,
first with 1 user, then with 50 (``--users 1,50``). For every page it prints p50, p95 and requests per
second beside the login page measured in the same run, and p95 as a multiple of the login page's p95,
the figure the targets are set in (issue 11): within 3x at 50 users, under 100 ms with 1 user. The table
goes to stdout and to ``bench/results/load-<time>.md``; ``--explain`` adds EXPLAIN ANALYZE of each page's
slowest query (one request per page in this process, queries captured with CaptureQueriesContext).

It starts gunicorn itself (``imr_site/gunicorn.conf.py``, IMR_ENV=production, DEBUG off, 4 sync workers
as in the issue; ``--workers``), sends ``X-Forwarded-Proto: https`` as the TLS proxy would and keeps the
Secure cookies itself, since they never travel over plain http. Or ``--url`` points at a server already
running. The data set comes from ``bench/generate.py`` (accounts ``bench-admin``, ``bench-rev-NNN``):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/imr_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/13
    .venv/bin/python bench/generate.py --cases 200000
    .venv/bin/python bench/load.py --seconds 60 --users 1,50 --explain
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import random
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from cases.models import Case, CaseStatus  # noqa: E402
from reviews.models import Assignment, DeterminationLetter, Review, ReviewStatus  # noqa: E402

PASSWORD = "bench-password"  # noqa: S105 - the generated benchmark database's accounts only
ADMIN = "bench-admin"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TARGET_RATIO = 3.0
TARGET_ONE_USER_MS = 100.0


# -- what each page asks for ----------------------------------------------------------------------------


@dataclass
class Targets:
    """Case numbers each page picks from, read from the database once before the run."""

    eligible: list[str]  # open and assignable: the case page and its panel rank reviewers
    signed: list[str]  # closed with a letter: the letters page
    fragments: list[str]  # what an administrator types in the case-number search
    drafts: dict[str, tuple[str, int]]  # reviewer username -> (its in-review case, review revision)


def read_targets(users: int) -> Targets:
    rng = random.Random(11)
    eligible = list(
        Case.objects.filter(status=CaseStatus.ELIGIBLE)
        .order_by("?")
        .values_list("case_number", flat=True)[:200]
    )
    signed = list(DeterminationLetter.objects.order_by("?").values_list("case__case_number", flat=True)[:200])
    fragments = [n[-6:-1] for n in rng.sample(signed, min(len(signed), 50))]
    drafts: dict[str, tuple[str, int]] = {}
    for review in (
        Review.objects.filter(
            status=ReviewStatus.DRAFT, assignment__active=True, assignment__accepted_at__isnull=False
        )
        .select_related("case", "reviewer__user")
        .order_by("reviewer__user__username", "case__case_number")
    ):
        drafts.setdefault(review.reviewer.user.username, (review.case.case_number, review.revision))
        if len(drafts) >= users:
            break
    if not eligible or not signed or len(drafts) < users:
        sys.exit(
            f"The database lacks targets (eligible {len(eligible)}, signed {len(signed)}, reviewers with "
            f"drafts {len(drafts)} of {users}): run bench/generate.py first."
        )
    return Targets(eligible, signed, fragments, drafts)


# -- one simulated user -----------------------------------------------------------------------------------


class Session:
    """One browser: its own cookies (kept here, since Secure cookies never go over plain http) and CSRF."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.host = httpx.URL(base).netloc.decode()
        self.client = httpx.AsyncClient(base_url=base, timeout=120.0, follow_redirects=False)
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, data: dict | None = None, **headers) -> httpx.Response:
        headers = {"X-Forwarded-Proto": "https", **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers.update(
                {
                    "Origin": f"https://{self.host}",
                    "Referer": f"https://{self.host}{path}",
                    "X-CSRFToken": self.cookies.get("csrftoken", ""),
                }
            )
        response = await self.client.request(method, path, data=data, headers=headers)
        self.client.cookies.clear()
        for header in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return response

    async def login(self, username: str) -> None:
        page = await self.request("GET", "/accounts/login/")
        token = CSRF_RE.search(page.text)
        if token is None:
            raise RuntimeError(f"no CSRF token on the login page (status {page.status_code})")
        response = await self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        )
        if response.status_code != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed: {response.status_code}")
        # An administrator lands on the second step from whatever page it opens next.
        home = await self.request("GET", response.headers.get("location", "/"))
        step = home.headers.get("location", "") if home.status_code == 302 else ""
        if "/accounts/two-factor/" in step:
            await self.second_factor(username, step)

    async def second_factor(self, username: str, step: str) -> None:
        """An administrator's second step (imr_site/two_factor.py): the code its authenticator app would
        show now, computed from the device's key in the database; the setup page enrols a device first
        when the account has none (the first run against a generated database)."""
        page = await self.request("GET", step)
        if page.status_code == 302:  # setup sends an enrolled account on to verify
            step = page.headers["location"]
            page = await self.request("GET", step)
        token = CSRF_RE.search(page.text)
        if token is None:
            raise RuntimeError(f"no second-factor form for {username} (status {page.status_code})")
        code = await asyncio.to_thread(current_code, username, confirmed="/verify/" in step)
        response = await self.request(
            "POST", step.split("?")[0], {"token": code, "next": "/", "csrfmiddlewaretoken": token.group(1)}
        )
        if response.status_code != 302:
            raise RuntimeError(f"second factor of {username} refused: {response.status_code}")

    async def close(self) -> None:
        await self.client.aclose()


@dataclass
class User:
    admin: Session
    reviewer: Session
    username: str
    draft_case: str
    revision: int
    anonymous: Session


@dataclass
class Page:
    name: str
    run: object  # async (user, rng) -> httpx.Response
    latencies: dict[int, list[float]] = field(default_factory=dict)
    errors: dict[int, int] = field(default_factory=dict)


def pages(targets: Targets) -> list[Page]:
    def get(session_of, path_of):
        async def run(user: User, rng: random.Random) -> httpx.Response:
            return await session_of(user).request("GET", path_of(user, rng))

        return run

    admin = lambda u: u.admin  # noqa: E731
    reviewer = lambda u: u.reviewer  # noqa: E731

    async def autosave(user: User, rng: random.Random) -> httpx.Response:
        response = await user.reviewer.request(
            "POST",
            f"/reviews/cases/{user.draft_case}/save/",
            {"base_revision": str(user.revision), "clinical_summary": f"Summary draft {rng.random():.6f}"},
            Accept="application/json",
        )
        if response.status_code in (200, 409) and "revision" in response.json():
            # 409: a revision left by an earlier phase of the run; the next save names the current one.
            user.revision = response.json()["revision"]
        return response

    return [
        Page("login page (the floor)", get(lambda u: u.anonymous, lambda u, r: "/accounts/login/")),
        Page("case list, default", get(admin, lambda u, r: "/cases/")),
        Page("case list, status filter", get(admin, lambda u, r: "/cases/?status=in_review")),
        Page(
            "case list, case-number search",
            get(admin, lambda u, r: f"/cases/?q={r.choice(targets.fragments)}"),
        ),
        Page("case list, last page", get(admin, lambda u, r: "/cases/?page=last")),
        Page("case page", get(admin, lambda u, r: f"/cases/{r.choice(targets.eligible)}/")),
        Page(
            "assignment panel",
            get(admin, lambda u, r: f"/reviews/assignment/case/{r.choice(targets.eligible)}/"),
        ),
        Page("Reviewers page", get(admin, lambda u, r: "/reviews/assignment/reviewers/")),
        Page("reviewer's dashboard", get(reviewer, lambda u, r: "/reviews/")),
        Page("reviewer's earlier cases", get(reviewer, lambda u, r: "/reviews/?earlier=1")),
        Page("workspace", get(reviewer, lambda u, r: f"/reviews/cases/{u.draft_case}/")),
        Page("letters page", get(admin, lambda u, r: f"/reviews/letters/{r.choice(targets.signed)}/")),
        Page("autosave", autosave),
        Page("operations dashboard", get(admin, lambda u, r: "/operations/")),
        Page("reports page", get(admin, lambda u, r: "/reports/")),
    ]


def current_code(username: str, confirmed: bool) -> str:
    """The TOTP code of the user's newest device (the one being enrolled, or the enrolled one)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=confirmed).order_by("-pk").first()
    if device is None:
        raise RuntimeError(f"{username} has no {'enrolled' if confirmed else 'new'} authenticator device")
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


# The administrators' session, logged in with both factors once per run and shared by every simulated
# user: a TOTP code is accepted once per 30-second step, so 50 separate second factors would take minutes.
_admin_cookies: dict[str, str] = {}


async def make_users(base: str, count: int, targets: Targets) -> list[User]:
    users = []
    semaphore = asyncio.Semaphore(4)  # a login hashes a password: a few at a time
    if not _admin_cookies:
        admin = Session(base)
        await admin.login(ADMIN)
        _admin_cookies.update(admin.cookies)
        await admin.close()

    async def one(username: str, case_number: str, revision: int) -> User:
        async with semaphore:
            user = User(Session(base), Session(base), username, case_number, revision, Session(base))
            user.admin.cookies = dict(_admin_cookies)
            await user.reviewer.login(username)
            return user

    for username, (case_number, revision) in list(targets.drafts.items())[:count]:
        users.append(one(username, case_number, revision))
    return list(await asyncio.gather(*users))


async def hammer(page: Page, users: list[User], seconds: float) -> None:
    """Every user requests the page again as soon as its previous answer arrives, for ``seconds``."""
    n = len(users)
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def loop(user: User, seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = await page.run(user, rng)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1

    await asyncio.gather(*(loop(user, i) for i, user in enumerate(users)))
    page.latencies[n] = latencies
    page.errors[n] = errors


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def table(results: list[Page], user_counts: list[int], seconds: float) -> str:
    floor = results[0]
    lines = [
        "| page | users | requests | p50 ms | p95 ms | req/s | p95 × login p95 | errors | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n in user_counts:
        floor_p95 = _pct(floor.latencies[n], 0.95)
        for page in results:
            values = page.latencies[n]
            p50, p95 = _pct(values, 0.5), _pct(values, 0.95)
            ratio = p95 / floor_p95 if floor_p95 else float("nan")
            if page is floor:
                target = "the floor"
            elif n == 1:
                target = (
                    f"p95 < {TARGET_ONE_USER_MS:.0f} ms: {'met' if p95 < TARGET_ONE_USER_MS else 'NOT met'}"
                )
            else:
                target = f"≤ {TARGET_RATIO:.0f}×: {'met' if ratio <= TARGET_RATIO else 'NOT met'}"
            lines.append(
                f"| {page.name} | {n} | {len(values)} | {p50:,.0f} | {p95:,.0f} "
                f"| {len(values) / seconds:,.1f} | {ratio:,.1f} | {page.errors[n]} | {target} |"
            )
    return "\n".join(lines)


# -- gunicorn -----------------------------------------------------------------------------------------------


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """Production settings, DEBUG off, static files collected (whitenoise's manifest)."""
    env = {
        **os.environ,
        "IMR_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "IMR_ORG_NAME": "Benchmark IMR Organization",
        "IMR_ORG_SHORT_NAME": "Bench IMR",
        "IMR_ORG_ADDRESS": "1 Example Way, Sacramento, CA 95814",
        "IMR_ORG_PHONE": "(555) 010-0000",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "WEB_MAX_REQUESTS": "0",  # no worker restarts in the middle of a measurement
        "LOG_LEVEL": "WARNING",
    }
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
    log = open(RESULTS / "gunicorn.log", "w")  # noqa: SIM115 - lives as long as the server
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "imr_site/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "imr_site.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def port_in_use(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until_up(base: str, server: subprocess.Popen | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            sys.exit("gunicorn exited (see bench/results/gunicorn.log)")
        try:
            if (
                httpx.get(f"{base}/accounts/login/", headers={"X-Forwarded-Proto": "https"}).status_code
                == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer at {base} (see bench/results/gunicorn.log)")


# -- EXPLAIN ANALYZE of the slowest query per page ------------------------------------------------------


def explain(targets: Targets) -> str:
    """One request per page through Django's test client; the slowest captured query, EXPLAIN ANALYZEd."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user_model = get_user_model()
    admin, reviewer = Client(), Client()
    admin.force_login(user_model.objects.get(username=ADMIN))
    # The second factor the run's login gave (an administrator's pages redirect without it).
    device = TOTPDevice.objects.filter(user__username=ADMIN, confirmed=True).first()
    if device is not None:
        session = admin.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    username, (draft_case, revision) = next(iter(targets.drafts.items()))
    reviewer.force_login(user_model.objects.get(username=username))
    eligible, signed = targets.eligible[0], targets.signed[0]
    revision = (
        Review.objects.filter(case__case_number=draft_case).live().values_list("revision", flat=True)[0]
    )
    requests = [
        ("case list, default", admin, "get", "/cases/", None),
        ("case list, status filter", admin, "get", "/cases/?status=in_review", None),
        ("case list, case-number search", admin, "get", f"/cases/?q={targets.fragments[0]}", None),
        ("case list, last page", admin, "get", "/cases/?page=last", None),
        ("case page", admin, "get", f"/cases/{eligible}/", None),
        ("assignment panel", admin, "get", f"/reviews/assignment/case/{eligible}/", None),
        ("Reviewers page", admin, "get", "/reviews/assignment/reviewers/", None),
        ("reviewer's dashboard", reviewer, "get", "/reviews/", None),
        ("reviewer's earlier cases", reviewer, "get", "/reviews/?earlier=1", None),
        ("workspace", reviewer, "get", f"/reviews/cases/{draft_case}/", None),
        ("letters page", admin, "get", f"/reviews/letters/{signed}/", None),
        (
            "autosave",
            reviewer,
            "post",
            f"/reviews/cases/{draft_case}/save/",
            {"base_revision": revision, "clinical_summary": "Explained."},
        ),
        ("operations dashboard", admin, "get", "/operations/", None),
        ("reports page", admin, "get", "/reports/", None),
    ]
    out = ["## EXPLAIN ANALYZE of each page's slowest query", ""]
    for name, client, method, path, data in requests:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
        queries = [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        if not queries:
            continue
        slowest = max(queries, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
            plan = [row[0] for row in cursor.fetchall()]
        total = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        out += [
            f"### {name} (status {response.status_code}, {len(captured)} queries, {total:,.0f} ms in SQL; "
            f"slowest {float(slowest['time']) * 1000:,.0f} ms)",
            "",
            "```sql",
            slowest["sql"][:1500],
            "```",
            "```",
            *plan,
            "```",
            "",
        ]
    return "\n".join(out)


# -- main ---------------------------------------------------------------------------------------------------


async def run(
    base: str, targets: Targets, user_counts: list[int], seconds: float, only: list[str] | None
) -> list[Page]:
    selected = pages(targets)
    if only:
        selected = [selected[0]] + [p for p in selected[1:] if any(o.lower() in p.name.lower() for o in only)]
    for n in user_counts:
        print(f"-- {n} user(s): logging in", flush=True)
        users = await make_users(base, n, targets)
        for page in selected:
            await hammer(page, users, seconds)
            values = page.latencies[n]
            print(
                f"   {page.name:<32} {len(values):>6} req  p50 {_pct(values, 0.5):>7,.0f} ms  "
                f"p95 {_pct(values, 0.95):>7,.0f} ms  errors {page.errors[n]}",
                flush=True,
            )
        for user in users:
            for session in (user.admin, user.reviewer, user.anonymous):
                await session.close()
    return selected


def database_figures() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return (
        f"{Case.objects.count():,} cases, {Assignment.objects.count():,} assignments, "
        f"{Review.objects.count():,} reviews; database {size}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60, help="per page and user count (default 60)")
    parser.add_argument("--users", default="1,50", help="comma-separated user counts (default 1,50)")
    parser.add_argument("--url", help="a server already running (default: start gunicorn here)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--pages", help="comma-separated parts of page names to run (the floor always runs)")
    parser.add_argument(
        "--explain", action="store_true", help="add EXPLAIN ANALYZE of each page's slowest query"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("load.py measures PostgreSQL: set DATABASE_URL to the generated benchmark database.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    user_counts = [int(n) for n in args.users.split(",")]
    targets = read_targets(max(user_counts))
    server = None
    base = args.url
    if base is None:
        base = f"http://127.0.0.1:{args.port}"
        if port_in_use(args.port):
            sys.exit(f"Port {args.port} is taken (an earlier server?): stop it or pass --port or --url.")
        server = start_gunicorn(args.port, args.workers)
    try:
        wait_until_up(base, server)
        started = datetime.datetime.now()
        results = asyncio.run(
            run(base, targets, user_counts, args.seconds, args.pages.split(",") if args.pages else None)
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    load = os.getloadavg()
    header = [
        f"# Load benchmark, {started:%Y-%m-%d %H:%M}",
        "",
        f"- data: {database_figures()}",
        f"- server: gunicorn, {args.workers} sync workers, IMR_ENV=production (DEBUG off), {base}",
        f"- machine: {os.cpu_count()} cores, load average after the run "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
        f"- {args.seconds:g} s per page and user count; command: "
        f"`{' '.join(['bench/load.py', *sys.argv[1:]])}`",
        "",
    ]
    report = "\n".join(header) + table(results, user_counts, args.seconds) + "\n"
    print("\n" + report)
    if args.explain:
        report += "\n" + explain(read_targets(1)) + "\n"
    path = RESULTS / f"load-{started:%Y%m%d-%H%M%S}.md"
    path.write_text(report)
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
