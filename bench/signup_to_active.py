"""Time from a business's sign-up to its active Twilio subaccount, in the demo's setup.

The demo (`make run`) runs the in-process sandbox, SQLite and a real Celery worker over the
embedded filesystem broker. This starts such a worker (prefork, two processes, as `make run`
does) against a throwaway database, signs businesses up through the same service the sign-up
page calls, and measures until each subaccount is active. It also times the provisioning work
alone (the worker's share, run inline), so the broker's part is visible.

    .venv/bin/python bench/signup_to_active.py [--count N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(var_dir: Path) -> dict[str, str]:
    """Point Django at a fresh database and var dir with the in-process sandbox; return the
    environment a worker needs to share them."""
    sys.path.insert(0, str(ROOT))
    for name in ("DJANGO_SECRET_KEY", "ENCRYPTION_KEYS", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
            "ISV_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'bench.sqlite3'}",
            "TWILIO_MODE": "sandbox",
            "TWILIO_SANDBOX_URL": "",
            "CELERY_QUEUE": "bench",
            "CELERY_QUEUE_ROUTING": "false",  # its worker consumes "bench" only
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "filesystem://",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return dict(os.environ)


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "isvplatform", "worker", "--loglevel", "INFO",
         "--concurrency", "2", "--queues", "bench", "--without-gossip", "--without-mingle"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


def sign_up(n: int, tag: str):
    from provisioning.signup import customer_signup

    unique = uuid.uuid4().hex[:8]
    return customer_signup(
        email=f"owner{n}-{tag}-{unique}@bench.example",
        business_name=f"Bench {tag} {n}",
        first_name="Bench",
        last_name="Owner",
        password="a-long-bench-password-1",
        profile={"contact_phone": "+14155550100", "website": "https://bench.example"},
    )


def through_worker(count: int) -> list[float]:
    from provisioning.models import TwilioSubaccount

    times = []
    for n in range(count):
        started = time.perf_counter()
        sub = sign_up(n, "worker").subaccount
        while not TwilioSubaccount.objects.filter(
            pk=sub.pk, status=TwilioSubaccount.Status.ACTIVE
        ).exists():
            if time.perf_counter() - started > 60:
                raise RuntimeError(f"subaccount {sub.pk} not active after 60 s")
            time.sleep(0.005)
        times.append(time.perf_counter() - started)
    return times


def inline(count: int) -> list[float]:
    """Sign-up and provisioning in this process: the work itself, without the broker."""
    from isvplatform.celery import app

    times = []
    # Django settings reach Celery namespaced, and the namespaced key wins a lookup.
    saved = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    try:
        for n in range(count):
            started = time.perf_counter()
            sub = sign_up(n, "inline").subaccount
            sub.refresh_from_db()
            if sub.status != "active":
                raise RuntimeError(f"provisioning ended {sub.status}: {sub.last_error_message}")
            times.append(time.perf_counter() - started)
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = saved
    return times


def provisioning_alone(count: int) -> list[float]:
    """Only the worker's task body: look-up, create, fetch, activate (gateway + sandbox)."""
    from provisioning.services import subaccount_provision, subaccount_request
    from tenants.services import Actor, tenant_create

    times = []
    for n in range(count):
        tenant = tenant_create(name=f"Bench alone {n} {uuid.uuid4().hex[:6]}", actor=Actor.system())
        sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
        started = time.perf_counter()
        sub = subaccount_provision(str(sub.pk))
        times.append(time.perf_counter() - started)
        if sub.status != "active":
            raise RuntimeError(f"provisioning ended {sub.status}: {sub.last_error_message}")
    return times


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(
        f"{label}: median {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms (n={len(times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="sign-ups per mode (20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="isv-bench-") as tmp:
        env = configure(Path(tmp))
        sign_up(999, "warmup")  # lazy imports, the sandbox's master account
        worker = start_worker(env, Path(tmp) / "worker.log")
        try:
            through_worker(1)  # the worker's own warm-up
            worker_times = through_worker(args.count)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        inline(1)
        inline_times = inline(args.count)
        alone_times = provisioning_alone(args.count)
    report("sign-up -> active subaccount (demo: worker over the embedded broker)", worker_times)
    report("sign-up -> active subaccount, run inline (no broker)", inline_times)
    report("provisioning task body alone (gateway + in-process sandbox)", alone_times)


if __name__ == "__main__":
    main()
