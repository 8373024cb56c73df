"""Server time of the therapist dashboard with 200 clients and a year of data each.

Run ``.venv/bin/python benchmarks/bench_dashboard.py`` (SQLite in a temporary folder) and
``.venv/bin/python benchmarks/bench_dashboard.py --postgres postgresql://postgres@127.0.0.1:5432/postgres``
(creates, fills and drops a database ``lacrima_bench_dashboard`` on that server).

One therapist is linked with ``--clients`` clients (default 200). Each client has
``--days`` days (default 365) of diary data (one episode a day, with mood ratings), a
hierarchy of 8 scenes with 100 rated trials, a session record every week, and a few
flags; most share every category, some share less. The script then requests the
dashboard through Django's full stack (middleware, views, templates; no network) for
each sort order and filter, ``--repeat`` times each after one warm-up, and prints the
median and the 90th percentile of the server time per page and the number of SQL queries
per page. Target (issue 7): median <= 200 ms on SQLite and on PostgreSQL. The exit
status is 1 when a median misses it. This is not a timed test; ``make bench`` runs it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

TARGET_MS = 200.0
BENCH_DB = "lacrima_bench_dashboard"
CATEGORIES = ("diary", "checkins", "worksheets", "program", "screening", "sessions")
PAGES = (
    {"sort": "flags"},
    {"sort": "activity"},
    {"sort": "name"},
    {"sort": "flags", "show": "flagged"},
    {"sort": "flags", "page": "2"},
)


def _configure(postgres: str | None, folder: Path) -> None:
    os.environ["LACRIMA_DATA_DIR"] = str(folder)
    os.environ["LACRIMA_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "lacrima.web.settings"
    if postgres:
        import psycopg

        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
        base = postgres.rsplit("/", 1)[0]
        os.environ["LACRIMA_DATABASE_URL"] = f"{base}/{BENCH_DB}"
    else:
        os.environ["LACRIMA_DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(n_clients: int, days: int, seed: int = 7) -> Any:
    """Create the therapist, clients, links, consents and a year of data; returns the therapist."""
    from django.utils import timezone

    from lacrima.web.accounts.models import Consent, TherapistLink, User
    from lacrima.web.diary.models import Episode, Flag
    from lacrima.web.program.models import ClientProgram, HierarchyItem, Trial
    from lacrima.web.records.models import SessionRecord

    rng = random.Random(seed)
    now = timezone.now()
    therapist = User(username="bench_therapist", role="therapist", first_name="Bench")
    therapist.set_unusable_password()
    therapist.save()
    clients = []
    for i in range(n_clients):
        user = User(username=f"client{i:04d}", role="client", first_name=f"Client {i:04d}")
        user.set_unusable_password()
        clients.append(user)
    User.objects.bulk_create(clients)
    clients = list(User.objects.filter(role="client").order_by("username"))
    links = TherapistLink.objects.bulk_create(
        TherapistLink(client=c, therapist=therapist) for c in clients
    )
    consents = []
    for i, link in enumerate(links):
        shared = set(CATEGORIES)
        if i % 10 == 3:
            shared -= {"diary"}
        if i % 10 == 7:
            shared -= {"screening", "program"}
        consents += [Consent(link=link, category=c, granted=True) for c in shared]
    Consent.objects.bulk_create(consents)

    episodes = []
    for c in clients:
        for d in range(days):
            before = rng.randint(1, 7)
            episodes.append(
                Episode(
                    client=c,
                    kind="cried" if rng.random() < 0.8 else "could_not_cry",
                    started_at=now - timedelta(days=d, hours=rng.randint(0, 12)),
                    intensity=rng.randint(0, 10),
                    mood_before=before,
                    mood_after=min(10, max(0, before + rng.randint(-2, 3))),
                    felt=rng.choice(["better", "same", "worse", ""]),
                )
            )
    Episode.objects.bulk_create(episodes, batch_size=2000)

    items, programs, trials, sessions, flags = [], [], [], [], []
    for c in clients:
        items += [
            HierarchyItem(client=c, position=p, text=f"scene {p}", suds=10 * p) for p in range(1, 9)
        ]
    HierarchyItem.objects.bulk_create(items, batch_size=2000)
    by_client: dict[int, list[Any]] = {}
    for item in HierarchyItem.objects.all():
        by_client.setdefault(item.client_id, []).append(item)
    for c in clients:
        steps = by_client[c.pk]
        passed = [str(s.pk) for s in steps[: rng.randint(0, 8)]]
        programs.append(ClientProgram(client=c, state={"passed": passed}))
        for t in range(100):
            item = steps[min(t // 15, 7)]
            peak = rng.randint(10, 80)
            trials.append(
                Trial(
                    client=c,
                    item=item,
                    item_text=item.text,
                    item_suds=item.suds,
                    session_no=t // 4 + 1,
                    kind="normal",
                    expectancy_pct=50,
                    peak_suds=peak,
                    end_suds=peak // 2,
                    duration_s=60,
                    outcome="calm",
                    created_at=now - timedelta(days=days - 3 * t),
                )
            )
        sessions += [
            SessionRecord(
                client=c,
                therapist=therapist,
                starts_at=now - timedelta(days=7 * w - 7, hours=2),
                duration_min=50,
                notes="",
            )
            for w in range(days // 7 + 1)
        ]
        flags += [
            Flag(
                client=c,
                kind="phq9_item9",
                message="prompt",
                created_at=now - timedelta(days=rng.randint(0, days)),
                acknowledged_at=None if rng.random() < 0.5 else now,
            )
            for _ in range(rng.choice([0, 0, 0, 1, 2]))
        ]
    ClientProgram.objects.bulk_create(programs)
    Trial.objects.bulk_create(trials, batch_size=2000)
    SessionRecord.objects.bulk_create(sessions, batch_size=2000)
    Flag.objects.bulk_create(flags)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load
    return therapist


def _measure(therapist: Any, repeat: int) -> list[tuple[str, float, float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browser = Client()
    browser.force_login(therapist, backend="django.contrib.auth.backends.ModelBackend")
    rows = []
    for query in PAGES:
        label = "&".join(f"{k}={v}" for k, v in query.items())
        assert browser.get("/records/", query).status_code == 200  # warm-up
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = browser.get("/records/", query)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        p90 = sorted(times)[max(0, round(0.9 * len(times)) - 1)]
        rows.append((label, statistics.median(times), p90, len(queries.captured_queries)))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Seed, measure, print; exit status 1 when a median misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lacrima-bench-") as folder:
        _configure(args.postgres, Path(folder))
        from django.db import connection

        engine = connection.vendor
        start = time.perf_counter()
        therapist = _seed(args.clients, args.days)
        print(
            f"{engine}: seeded {args.clients} clients x {args.days} days in "
            f"{time.perf_counter() - start:.0f} s"
        )
        rows = _measure(therapist, args.repeat)
        print(f"{'page':<28} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
        for label, median, p90, queries in rows:
            print(f"{label:<28} {median:>10.1f} {p90:>8.1f} {queries:>8}")
        worst = max(r[1] for r in rows)
        verdict = "meets" if worst <= TARGET_MS else "MISSES"
        print(f"{engine}: slowest median {worst:.1f} ms {verdict} the {TARGET_MS:.0f} ms target")
        connection.close()
    if args.postgres:
        import psycopg

        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
