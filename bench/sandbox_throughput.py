"""Message creates per second through the Twilio SDK into the in-process sandbox.

Later benchmarks push whole platform flows through the sandbox, so it must not be their
bottleneck: this measures the gateway + SDK + sandbox path alone, on one core, against a
throwaway SQLite database.

    .venv/bin/python bench/sandbox_throughput.py [--count N] [--profile]
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(var_dir: Path) -> None:
    """Point Django at a fresh database and var dir, with the in-process sandbox."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "isvplatform.settings"
    os.environ["ISV_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ["TWILIO_MODE"] = "sandbox"
    os.environ["TWILIO_SANDBOX_URL"] = ""
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name in ("DJANGO_SECRET_KEY", "ENCRYPTION_KEYS", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        os.environ.pop(name, None)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def run(count: int, profile: bool) -> tuple[float, float]:
    from isvplatform import gateway

    account = gateway.create_subaccount("throughput bench")
    client = gateway.account_client(account.sid, account.auth_token)
    available = gateway.search_available_numbers(client, limit=1)
    number = gateway.buy_number(client, phone_number=available[0].phone_number)

    def send(n: int) -> None:
        for i in range(n):
            gateway.send_message(
                client, to=f"+1415555{i % 10000:04d}", from_=number.phone_number, body=f"bench {i}"
            )

    send(min(50, count))  # warm caches, connections and lazy imports
    profiler = cProfile.Profile() if profile else None
    started, cpu_started = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    send(count)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(25)
    return count / elapsed, count / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="messages to create (2000)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="isv-bench-") as tmp:
        configure(Path(tmp))
        rate, cpu_rate = run(args.count, args.profile)
    # Wall clock is the headline; the CPU-time rate shows what one core does when other
    # processes compete for it.
    print(f"message creates/s: {rate:.0f}")
    print(f"message creates per CPU-second: {cpu_rate:.0f}")


if __name__ == "__main__":
    main()
