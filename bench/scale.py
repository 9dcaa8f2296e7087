"""Every page on the demo data and on the scale data, under the production server.

    .venv/bin/python bench/scale.py            # or: make bench

1. Query counts of every page a person reaches, on `make run`'s demo data (SQLite) and on the
   scale data (PostgreSQL): they must be the same, or the script exits 1.
2. p50/p95 of each page on the scale data, served by gunicorn with DEBUG=0 as `make serve` does,
   one request at a time. The goal is a p95 of 150 ms or less.
3. Concurrency: 50 students uploading a file and 50 reading their home page at the same time,
   a fixed number of requests each; then 50 assessors autosaving marks on 50 attempts at once:
   p95 and the number of errors (the goal is none).

The scale database (SCALE_DATABASE_URL, default the PostgreSQL database assessor_portal_scale on
127.0.0.1) is built by `make_scale_data` the first time, which takes a minute or two, and kept for
later runs. Nothing here sends traffic anywhere but 127.0.0.1.
"""

import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCALE_DATABASE_URL = os.environ.get(
    "SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/assessor_portal_scale"
)
MEDIA_ROOT = ROOT / "var" / "bench-media"
REQUESTS_PER_PAGE = 40
WARM_UP_REQUESTS = 6  # twice bin/serve's three worker processes
GOAL_P95_MS = 150
CONCURRENT_USERS = 50  # of each kind: uploaders and readers
REQUESTS_PER_USER = 6
# One key for the server and for the sessions made for it, or it would not recognise them.
SECRET_KEY = secrets.token_urlsafe(50)


def main():
    demo = demo_database()
    ensure_scale_database()
    demo_counts = page_counts(demo)
    scale_counts = page_counts(SCALE_DATABASE_URL)
    grew = print_counts(demo_counts, scale_counts)
    with production_server(SCALE_DATABASE_URL) as base_url:
        pages = scale_counts["pages"]
        cookies = session_cookies(SCALE_DATABASE_URL, sorted({page["username"] for page in pages}))
        over = print_latencies(base_url, pages, cookies)
        errors = concurrency(base_url) + autosave_concurrency(base_url)
    failures = [
        f"{name}: {demo_counts['queries'][name]} queries on the demo, {scale} at scale"
        for name, scale in grew
    ]
    if errors:
        failures.append(f"{errors} errors under concurrent load")
    print()
    if over:
        print(f"Over the {GOAL_P95_MS} ms p95 goal: {', '.join(over)}")
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("Query counts equal on demo and scale data; no errors under load.")


def run(args, database_url, **kwargs):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(MEDIA_ROOT),
        "SECRET_KEY": SECRET_KEY,
    }
    return subprocess.run([PYTHON, *args], cwd=ROOT, env=env, check=True, **kwargs)


def demo_database():
    """A fresh SQLite database with `make run`'s demo data."""
    path = Path(tempfile.mkdtemp(prefix="bench-demo-")) / "demo.sqlite3"
    url = f"sqlite:///{path}"
    run(["manage.py", "migrate", "--no-input", "-v0"], url)
    run(["manage.py", "load_demo"], url, stdout=subprocess.DEVNULL)
    return url


def ensure_scale_database():
    name = SCALE_DATABASE_URL.rsplit("/", 1)[1]
    server = SCALE_DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    run(["manage.py", "migrate", "--no-input", "-v0"], SCALE_DATABASE_URL)
    has_data = run(
        [
            "manage.py",
            "shell",
            "-v0",
            "-c",
            "from evidence.models import Cohort; print(Cohort.objects.exists())",
        ],
        SCALE_DATABASE_URL,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if has_data.splitlines()[-1] != "True":
        print(f"Building the scale data in {name} (once; kept for later runs)…", flush=True)
        run(["manage.py", "make_scale_data"], SCALE_DATABASE_URL)


def page_counts(database_url):
    out = run(["bench/pages.py"], database_url, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_counts(demo, scale):
    print("\nQuery count per page: demo data (SQLite) vs scale data (PostgreSQL)")
    grew = []
    for name, count in scale["queries"].items():
        mark = "" if count == demo["queries"][name] else "  <-- differs"
        if mark:
            grew.append((name, count))
        print(f"  {name:<20} {demo['queries'][name]:>3} {count:>5}{mark}")
    return grew


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class production_server:
    """`make serve` (bin/serve) on a free port of 127.0.0.1: gunicorn with DEBUG=0, and the worker."""

    def __init__(self, database_url):
        self.database_url = database_url
        self.port = free_port()

    def __enter__(self):
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(MEDIA_ROOT),
            "SECRET_KEY": SECRET_KEY,
            "PORT": str(self.port),
            "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        }
        # bin/serve is what `make serve` runs: migrate, collectstatic, gunicorn and the worker.
        self.process = subprocess.Popen(
            [str(ROOT / "bin" / "serve")],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base_url}/healthz", timeout=2)
                return base_url
            # Not up yet, or too busy starting to answer within 2 s.
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        raise SystemExit("bin/serve did not answer within 120 seconds")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def session_cookies(database_url, usernames):
    """Sign the people in by making their sessions directly: the password hasher is not the subject."""
    script = (
        "import json, sys\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from assessor_portal.models import User\n"
        "cookies = {}\n"
        "for user in User.objects.filter(username__in=json.loads(sys.argv[1])):\n"
        "    session = SessionStore()\n"
        "    session[SESSION_KEY] = str(user.pk)\n"
        "    session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "    session[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        "    session.create()\n"
        "    cookies[user.username] = session.session_key\n"
        "print(json.dumps(cookies))\n"
    )
    out = run(
        [
            "-c",
            f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'assessor_portal.settings'); django.setup(); exec({script!r})",
            json.dumps(usernames),
        ],
        database_url,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect (to the sign-in page, say) is a wrong answer here, not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def get(url, session_key, **headers):
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session_key}", **headers})
    started = time.perf_counter()
    try:
        with OPENER.open(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def percentile(values, share):
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def print_latencies(base_url, pages, cookies):
    print(f"\nScale data under gunicorn (DEBUG=0), {REQUESTS_PER_PAGE} requests per page, one at a time")
    print(f"  {'page':<20} {'p50 ms':>7} {'p95 ms':>7}")
    over = []
    for page in pages:
        key = cookies[page["username"]]
        # Warm every worker process (each compiles its templates on its first request): one
        # request warmed one, and the others' first requests could make up a p95 of 40.
        for _ in range(WARM_UP_REQUESTS):
            get(base_url + page["url"], key)
        times = []
        for _ in range(REQUESTS_PER_PAGE):
            status, took = get(base_url + page["url"], key)
            assert status == 200, (page, status)
            times.append(took)
        p95 = percentile(times, 95)
        if p95 > GOAL_P95_MS:
            over.append(page["name"])
        print(f"  {page['name']:<20} {statistics.median(times):>7.1f} {p95:>7.1f}")
    return over


def concurrency(base_url):
    """50 students upload while 50 others read their home page; return the number of errors."""
    uploaders, readers = load_test_people()
    cookies = session_cookies(SCALE_DATABASE_URL, [username for username, _ in uploaders] + readers)
    times, errors, lock = {"upload": [], "home": []}, [], threading.Lock()

    def upload(username, url):
        csrf = secrets.token_hex(16)
        for n in range(REQUESTS_PER_USER):
            body, boundary = multipart(
                f"load-{username}-{n}.txt", f"Notes {username} {n} {time.time()}\n".encode()
            )
            request = urllib.request.Request(
                base_url + url,
                data=body,
                method="POST",
                headers={
                    "Cookie": f"sessionid={cookies[username]}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                    "Accept": "application/json",
                    "Referer": base_url + "/",
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
            )
            record("upload", request)

    def read(username):
        for _ in range(REQUESTS_PER_USER):
            record(
                "home",
                urllib.request.Request(
                    base_url + "/student/", headers={"Cookie": f"sessionid={cookies[username]}"}
                ),
            )

    def record(kind, request):
        started = time.perf_counter()
        try:
            with OPENER.open(request, timeout=60) as response:
                response.read()
                ok = response.status == 200
        except (urllib.error.URLError, ConnectionError) as error:
            ok, request.error = False, getattr(error, "code", error)
        with lock:
            times[kind].append((time.perf_counter() - started) * 1000)
            if not ok:
                errors.append((kind, getattr(request, "error", "")))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2 * CONCURRENT_USERS) as pool:
        jobs = [pool.submit(upload, username, url) for username, url in uploaders]
        jobs += [pool.submit(read, username) for username in readers]
        for job in jobs:
            job.result()
    took = time.perf_counter() - started
    total = sum(len(values) for values in times.values())
    print(
        f"\nConcurrency: {CONCURRENT_USERS} students uploading and {CONCURRENT_USERS} reading their home page, "
        f"{REQUESTS_PER_USER} requests each ({total} in {took:.1f} s)"
    )
    for kind, values in times.items():
        print(f"  {kind:<8} p50 {statistics.median(values):7.1f} ms   p95 {percentile(values, 95):7.1f} ms")
    print(f"  errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    return len(errors)


def autosave_concurrency(base_url):
    """50 assessors, each marking a different attempt in their own cohorts, autosave at once.

    Each assessor changes one criterion back and forth, every save based on the version the last
    answer gave, as the marking page does; a refused or failed save is an error.
    """
    assessors = load_test_assessors()
    cookies = session_cookies(SCALE_DATABASE_URL, [person["username"] for person in assessors])
    times, errors, lock = [], [], threading.Lock()

    def autosave(person):
        csrf = secrets.token_hex(16)
        version = person["version"]
        for n in range(REQUESTS_PER_USER):
            body = urllib.parse.urlencode(
                {"answer": "YN"[n % 2], "comment": f"Seen on visit {n}", "version": version}
            ).encode()
            request = urllib.request.Request(
                base_url + person["url"],
                data=body,
                method="POST",
                headers={
                    "Cookie": f"sessionid={cookies[person['username']]}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                    "Accept": "application/json",
                    "Referer": base_url + "/",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            started = time.perf_counter()
            try:
                with OPENER.open(request, timeout=60) as response:
                    version = json.loads(response.read())["version"]
                    problem = None
            except (urllib.error.URLError, ConnectionError) as error:
                problem = getattr(error, "code", error)
            with lock:
                times.append((time.perf_counter() - started) * 1000)
                if problem is not None:
                    errors.append(problem)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(assessors)) as pool:
        for job in [pool.submit(autosave, person) for person in assessors]:
            job.result()
    took = time.perf_counter() - started
    print(
        f"\nConcurrency: {len(assessors)} assessors autosaving marks, {REQUESTS_PER_USER} saves each "
        f"({len(times)} in {took:.1f} s)"
    )
    print(f"  autosave p50 {statistics.median(times):7.1f} ms   p95 {percentile(times, 95):7.1f} ms")
    print(f"  errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    return len(errors)


def load_test_assessors():
    """Assessors each with a different attempt waiting in their cohorts, and a criterion to mark."""
    script = (
        "import json\n"
        "from evidence.models import Attempt, CriterionMark\n"
        "from units.matrix import checklist_criteria\n"
        "people, seen = [], set()\n"
        "waiting = Attempt.objects.filter(status__in=['submitted', 'assessing']).select_related('task', 'enrolment__cohort').order_by('pk')\n"
        "for attempt in waiting.iterator():\n"
        "    assessor = attempt.enrolment.cohort.assessors.exclude(username__in=seen).order_by('pk').first()\n"
        "    criteria = checklist_criteria(attempt.task)\n"
        "    if assessor is None or not criteria:\n"
        "        continue\n"
        "    seen.add(assessor.username)\n"
        "    criterion = criteria[0]\n"
        "    mark = CriterionMark.objects.filter(attempt=attempt, criterion=criterion).first()\n"
        "    people.append({'username': assessor.username, 'url': f'/attempts/{attempt.pk}/marks/{criterion.pk}/', 'version': mark.version if mark else 0})\n"
        f"    if len(people) == {CONCURRENT_USERS}:\n"
        "        break\n"
        "print(json.dumps(people))\n"
    )
    out = run(
        [
            "-c",
            f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'assessor_portal.settings'); django.setup(); exec({script!r})",
        ],
        SCALE_DATABASE_URL,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_test_people():
    """Students with an open draft (to upload into) and other students (to read their home)."""
    script = (
        "import json\n"
        "from evidence.models import Attempt\n"
        "from assessor_portal.models import User\n"
        f"drafts = Attempt.objects.filter(status='draft').select_related('enrolment__student').order_by('pk')[:{CONCURRENT_USERS * 4}]\n"
        "uploaders, seen = [], set()\n"
        "for attempt in drafts:\n"
        "    student = attempt.enrolment.student.username\n"
        f"    if student not in seen and len(uploaders) < {CONCURRENT_USERS}:\n"
        "        seen.add(student)\n"
        "        uploaders.append((student, f'/enrolments/{attempt.enrolment_id}/tasks/{attempt.task_id}/files/'))\n"
        f"readers = list(User.objects.filter(role='student').exclude(username__in=seen).order_by('-pk').values_list('username', flat=True)[:{CONCURRENT_USERS}])\n"
        "print(json.dumps([uploaders, readers]))\n"
    )
    out = run(
        [
            "-c",
            f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'assessor_portal.settings'); django.setup(); exec({script!r})",
        ],
        SCALE_DATABASE_URL,
        capture_output=True,
        text=True,
    ).stdout
    uploaders, readers = json.loads(out.strip().splitlines()[-1])
    return uploaders, readers


def multipart(filename, content):
    boundary = secrets.token_hex(12)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, boundary


if __name__ == "__main__":
    main()
