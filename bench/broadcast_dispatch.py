"""A broadcast's dispatch through a real worker into the sandbox over HTTP (PostgreSQL, Redis).

Starts the platform under gunicorn (it serves the sandbox at /sandbox/twilio/…, as Twilio
would be reached) and a Celery worker over Redis, provisions one tenant with a verified
toll-free number, then measures, in the same run:

1. the sandbox's bare create rate: Messages creates through the SDK straight at the
   sandbox, from as many threads as the worker has processes;
2. a broadcast of `--recipients` contacts (20,000) with pacing off: launch (materialise)
   to the last message accepted by the sandbox, in messages/s, and its ratio to (1)
   (target ≥ 0.5);
3. with pacing on: a broadcast at `--mps` per sender (override) and one at the toll-free
   number's own limit (3 MPS): the peak per second counted from the sandbox's recorded
   create times (`date_created`, its clock kept on the wall clock), never above the MPS.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isv_bench_broadcast \\
    REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/broadcast_dispatch.py [--recipients 20000] [--concurrency 2]

The database named in DATABASE_URL is dropped and created afresh for each run.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/isv_bench_broadcast"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"
TARGET_RATIO = 0.5


def configure(var_dir: Path, database_url: str, redis_url: str, port: int) -> dict[str, str]:
    if not database_url.startswith("postgres"):
        sys.exit("bench/broadcast_dispatch.py runs on PostgreSQL: set DATABASE_URL=postgres://…")
    env = {
        "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
        "ISV_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE_ROUTING": "false",  # the worker below consumes CELERY_QUEUE only
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "TWILIO_MODE": "sandbox",
        "TWILIO_SANDBOX_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",
        "MESSAGING_OUTBOX_SWEEP_SECONDS": "600",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _recreate_database(database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return dict(os.environ)


def _recreate_database(url: str) -> None:
    """A fresh database: the sandbox of an earlier run would replay its messages' lifecycles
    and callbacks on every clock move, and its accounts' secrets were another run's."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def start_web(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning",
         "isvplatform.wsgi:application"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    import urllib.request

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except OSError as err:
            if getattr(err, "code", None):  # any HTTP answer: the server is up
                return process
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def start_worker(env: dict[str, str], concurrency: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "isvplatform", "worker", "--loglevel", "WARNING",
         "--concurrency", str(concurrency), "--queues", env["CELERY_QUEUE"],
         "--without-gossip", "--without-mingle", "--prefetch-multiplier", "4"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    # WARNING level hides "ready."; give it a moment and check it is still alive.
    time.sleep(6)
    if process.poll() is not None:
        raise RuntimeError(f"worker did not start:\n{log_path.read_text()[-3000:]}")
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def provision():
    from compliance.testing import verify_toll_free
    from provisioning.numbers import number_buy, number_search
    from provisioning.services import subaccount_provision, subaccount_request
    from tenants.models import Tenant
    from tenants.services import Actor

    slug = f"bench-broadcast-{uuid.uuid4().hex[:8]}"
    tenant = Tenant.objects.create(slug=slug, name="Bench Broadcast")
    sub = subaccount_provision(
        str(subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False).pk)
    )
    offer = number_search(tenant=tenant, number_type="toll_free", limit=1)[0]
    number = number_buy(tenant=tenant, actor=Actor.system(), phone_number=offer.phone_number)
    verify_toll_free(tenant, number)
    return tenant, sub, number


def phone(block: int, i: int) -> str:
    """A valid US number, distinct per (block, i): area 415/628/213, exchange from the block."""
    area = ("415", "628", "213")[block % 3]
    return f"+1{area}{200 + block * 10 + i // 10_000}{i % 10_000:04d}"


def bare_rate(sub, number, count: int, threads: int) -> float:
    """Creates/s of the SDK straight at the sandbox's Messages endpoint."""
    from isvplatform import gateway

    local = threading.local()

    def send(i: int) -> None:
        if not hasattr(local, "client"):
            local.client = gateway.account_client(sub.sid, sub.auth_token)
        gateway.send_message(local.client, to=phone(0, i), from_=number.phone_number, body="bare")

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send, range(min(50, count))))  # warm up
        started = time.perf_counter()
        list(pool.map(send, range(count)))
    return count / (time.perf_counter() - started)


def broadcast_of(tenant, count: int, prefix: int):
    """A draft broadcast to `count` new consented contacts (block `prefix`), set-based."""
    from django.utils import timezone

    from broadcasts.models import Broadcast
    from contacts.models import Audience, AudienceMember, Contact

    now = timezone.now()
    contacts = Contact.objects.bulk_create(
        [
            Contact(tenant=tenant, first_name=f"C{i}", phone=phone(prefix, i),
                    time_zone="America/New_York", sms_consent_at=now,
                    sms_consent_source="web_form")
            for i in range(count)
        ],
        batch_size=2000,
    )  # fmt: skip
    audience = Audience.objects.create(tenant=tenant, name=f"Bench {prefix}", kind="static")
    AudienceMember.objects.bulk_create(
        [AudienceMember(tenant=tenant, audience=audience, contact=c) for c in contacts],
        batch_size=2000,
    )
    return Broadcast.objects.create(
        tenant=tenant,
        name=f"Bench {prefix}",
        audience=audience,
        purpose="transactional",
        body="Hi {{first_name}}, this is the bench.",
    )


def run_broadcast(broadcast, timeout: float) -> float:
    """Launch and wait until the sandbox accepted every message; the seconds it took."""
    from broadcasts.services.lifecycle import broadcast_launch
    from messaging.models import Message
    from tenants.services import Actor

    started = time.perf_counter()
    broadcast = broadcast_launch(broadcast, Actor.system())
    total = broadcast.total
    sent = Message.objects.filter(broadcast_recipient__broadcast=broadcast, sid__isnull=False)
    deadline = started + timeout
    while time.perf_counter() < deadline:
        done = sent.count()
        if done >= total:
            return time.perf_counter() - started
        time.sleep(0.5)
    raise RuntimeError(f"only {sent.count()} of {total} sent within {timeout:.0f}s")


class WallClockSandbox:
    """Keeps the sandbox clock on the wall clock, so `date_created` is when a create came."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._follow, daemon=True)

    def _follow(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from sandbox.core.models import SandboxState

        while not self.stop.is_set():
            SandboxState.objects.filter(pk=1).update(now=timezone.now())
            self.stop.wait(0.02)
        connection.close()

    def __enter__(self):
        from sandbox.core.state import load_state

        load_state()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


def peak_per_second(broadcast) -> tuple[int, int]:
    """(the most creates the sandbox recorded in one second, the seconds the run took)."""
    from messaging.models import Message
    from sandbox.resources.messages.models import Message as SandboxMessage

    sids = Message.objects.filter(broadcast_recipient__broadcast=broadcast).values("sid")
    created = SandboxMessage.objects.filter(sid__in=sids).values_list("date_created", flat=True)
    per_second = Counter(moment.replace(microsecond=0) for moment in created)
    return max(per_second.values()), len(per_second)


def paced_run(env, args, tmp: Path, tenant, mps: float | None, count: int, prefix: int):
    worker_env = {**env, "BROADCAST_PACING": "true"}
    if mps:
        worker_env["BROADCAST_MPS_OVERRIDE"] = str(mps)
    worker = start_worker(worker_env, args.concurrency, tmp / f"worker-paced-{prefix}.log")
    try:
        broadcast = broadcast_of(tenant, count, prefix)
        with WallClockSandbox():
            seconds = run_broadcast(broadcast, timeout=count / (mps or 3) * 3 + 60)
        peak, spread = peak_per_second(broadcast)
    finally:
        stop(worker)
    return seconds, peak, spread


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=20_000, help="unpaced run (20000)")
    parser.add_argument("--bare", type=int, default=2_000, help="bare creates (2000)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--mps", type=float, default=20.0, help="paced run's MPS (20)")
    parser.add_argument("--paced", type=int, default=300, help="paced run's recipients (300)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.webhook_ingest import free_port

    port = free_port()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    with tempfile.TemporaryDirectory(prefix="isv-bench-broadcast-") as tmp_name:
        tmp = Path(tmp_name)
        env = configure(tmp, database_url, redis_url, port)
        web = start_web(env, port)
        try:
            tenant, sub, number = provision()
            bare = bare_rate(sub, number, args.bare, args.concurrency)
            print(f"sandbox bare creates/s ({args.concurrency} threads): {bare:.0f}")

            worker = start_worker(
                {**env, "BROADCAST_PACING": "false"}, args.concurrency, tmp / "worker.log"
            )
            try:
                broadcast = broadcast_of(tenant, args.recipients, 1)
                seconds = run_broadcast(broadcast, timeout=args.recipients / 5 + 120)
            finally:
                stop(worker)
            rate = args.recipients / seconds
            ratio = rate / bare
            print(f"broadcast of {args.recipients} unpaced: {seconds:.1f} s, {rate:.0f} messages/s")
            print(f"ratio to the bare create rate: {ratio:.2f} (target >= {TARGET_RATIO})")

            seconds, peak, spread = paced_run(env, args, tmp, tenant, args.mps, args.paced, 5)
            print(
                f"paced at {args.mps:g} MPS: {args.paced} in {seconds:.1f} s, "
                f"peak {peak}/s at the sandbox over {spread} s "
                f"({'OK' if peak <= args.mps else 'OVER'})"
            )
            seconds, peak, spread = paced_run(env, args, tmp, tenant, None, 30, 6)
            print(
                f"paced at the toll-free limit (3 MPS): 30 in {seconds:.1f} s, "
                f"peak {peak}/s at the sandbox over {spread} s ({'OK' if peak <= 3 else 'OVER'})"
            )
        finally:
            stop(web)
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
