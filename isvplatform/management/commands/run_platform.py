"""Start the whole platform: web (gunicorn with uvicorn workers), a Celery worker and beat.

`make run` calls this after installing. It migrates, creates the demo data once, starts
the three processes, prints where everything is, and stops them all together on Ctrl-C
or when any of them exits.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from isvplatform.demo import credentials_file, ensure_demo_data
from isvplatform.localenv import local_metrics_token
from isvplatform.metrics import MULTIPROC_ENV
from isvplatform.routing import all_queues
from verify.widget.demo import DEMO_PORT, write_demo_page

LOOPBACK = "127.0.0.1,::1"
# Tasks a worker process holds ahead on the filesystem broker (it acknowledges every 2 s).
FILESYSTEM_PREFETCH = 25
# Only the beat holding the leader lock sends due tasks (a second `make run` idles).
BEAT_SCHEDULER = "isvplatform.beat:LockedScheduler"


def gunicorn_command(python: str, host: str, port: int, workers: int) -> list[str]:
    """The web process, in `make run` and in production alike: gunicorn supervising uvicorn
    workers on the ASGI application, so an open event stream (a broadcast's live progress)
    costs a coroutine, not a worker. uvicorn believes `X-Forwarded-Proto` (and the client
    address in `X-Forwarded-For`) from the addresses in `forwarded_allow_ips`, loopback by
    default; it may only when the operator trusts a proxy (`TRUST_X_FORWARDED_PROTO`), then
    from `FORWARDED_ALLOW_IPS`."""
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", LOOPBACK) if _trusts_proxy() else ""
    return [
        python, "-m", "gunicorn", "isvplatform.asgi:application",
        "--worker-class", "uvicorn_worker.UvicornWorker",
        "--bind", f"{host}:{port}", "--workers", str(workers),
        "--access-logfile", "-", "--graceful-timeout", "5",
        "--forwarded-allow-ips", trusted,
        "--config", "python:isvplatform.gunicorn_conf",
    ]  # fmt: skip


def _trusts_proxy() -> bool:
    return bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))


def port_is_free(host: str, port: int) -> bool:
    """Whether `port` can be bound on `host` (the widget demo is skipped, not fatal, if not)."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def fresh_metrics_dir(configured: str | None) -> Path:
    """The folder where every web and worker process keeps its metric samples
    (prometheus-client's multiprocess mode), emptied of the last run's: a dead process's
    files would otherwise count again."""
    folder = Path(configured) if configured else settings.VAR_DIR / "prometheus"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)
    return folder


def metrics_line(base: str, token_file: Path | None) -> str:
    """How to read `/metrics`: with the generated token (read from its file, so the banner
    doesn't print it), or as the operator configured it."""
    if token_file is None:
        return f"  metrics           {base}/metrics  (METRICS_TOKEN or METRICS_ALLOW_IPS)"
    return f'  metrics           curl -H "Authorization: Bearer $(cat {token_file})" {base}/metrics'


def last_four(secret: str | None) -> str:
    """A secret as a banner may show it: its last four characters at most."""
    secret = secret or ""
    return "…" + secret[-4:] if len(secret) > 8 else "…"


class Command(BaseCommand):
    help = "Migrate, seed demo data, and run web + worker + beat until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2))
        )
        parser.add_argument("--no-demo", action="store_true", help="Don't create demo data.")
        parser.add_argument(
            "--widget-demo-port",
            type=int,
            default=int(os.environ.get("WIDGET_DEMO_PORT", DEMO_PORT)),
            help="Port of the plain page that embeds the verification widget (another origin).",
        )

    def handle(self, *args, host, port, web_workers, no_demo, widget_demo_port, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        demo = None if no_demo else ensure_demo_data()

        python = sys.executable
        commands = {
            "web": gunicorn_command(python, host, port, web_workers),
            "worker": [
                python, "-m", "celery", "-A", "isvplatform", "worker",
                "--loglevel", "INFO", "--concurrency", "2",
                "--queues", ",".join(all_queues()),
            ],
            "beat": [
                python, "-m", "celery", "-A", "isvplatform", "beat",
                "--loglevel", "INFO", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
                "--scheduler", BEAT_SCHEDULER,
            ],
        }  # fmt: skip
        local_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        public_url = os.environ.get("PUBLIC_BASE_URL") or f"http://{local_host}:{port}"
        env = {**os.environ, "PORT": str(port), "PUBLIC_BASE_URL": public_url}
        env.setdefault("LOG_FORMAT", "console")  # columns for a person, even when piped
        env[MULTIPROC_ENV] = str(fresh_metrics_dir(env.get(MULTIPROC_ENV)))
        token_file = None
        if not settings.METRICS_TOKEN and not settings.METRICS_ALLOW_IPS:
            token_file = settings.VAR_DIR / "metrics-token"
            env["METRICS_TOKEN"] = local_metrics_token(token_file)
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            # See CELERY_WORKER_PREFETCH_MULTIPLIER: without it the embedded broker, not the
            # sender, would set a broadcast's pace (about one message a second).
            env.setdefault("CELERY_WORKER_PREFETCH_MULTIPLIER", str(FILESYSTEM_PREFETCH))
        demo_port_free = port_is_free(local_host, widget_demo_port)
        widget_demo = (
            demo
            and demo_port_free
            and write_demo_page(demo["tenant"], platform_url=public_url, port=widget_demo_port)
        )
        if widget_demo:
            commands["widget-demo"] = [
                python, "-m", "http.server", str(widget_demo_port),
                "--bind", local_host, "--directory", str(widget_demo),
            ]  # fmt: skip
        processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        self._print_banner(host, port, demo, metrics_token_file=token_file)
        if widget_demo:
            self.stdout.write(
                f"  widget demo       http://{local_host}:{widget_demo_port}/  "
                "(another origin embedding the verification widget)\n"
            )
        elif demo and not demo_port_free:
            self.stdout.write(
                f"  widget demo       not started: port {widget_demo_port} is in use "
                "(set WIDGET_DEMO_PORT)\n"
            )

        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                for name, proc in processes.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with {proc.returncode}; stopping.")
                        exit_code = proc.returncode or 1
                        stopping = True
                time.sleep(0.5)
        finally:
            for proc in processes.values():
                if proc.poll() is None:
                    proc.terminate()
            deadline = time.monotonic() + 10
            for proc in processes.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
        sys.exit(exit_code)

    def _print_banner(
        self, host: str, port: int, demo: dict | None, metrics_token_file: Path | None = None
    ) -> None:
        base = f"http://{host}:{port}"
        lines = [
            "",
            "isvplatform is running (web + worker + beat). Ctrl-C stops everything.",
            f"  portal            {base}/",
            f"  admin (staff)     {base}/admin/",
            "  staff 2FA code    python manage.py totp_code admin  (or the secret below in an app)",
            f"  API docs          {base}/api/docs/",
            f"  health            {base}/healthz",
            metrics_line(base, metrics_token_file),
        ]
        if settings.TWILIO_MODE == "sandbox":
            lines += [
                f"  handset simulator {base}/sandbox/handset/",
                f"  sandbox mailbox   {base}/sandbox/mailbox/  (Verify emails)",
                f"  Twilio sandbox    {base}/sandbox/twilio/  (TWILIO_MODE=sandbox)",
                f"  sandbox master    TWILIO_ACCOUNT_SID={settings.TWILIO_ACCOUNT_SID}",
                f"                    TWILIO_AUTH_TOKEN={last_four(settings.TWILIO_AUTH_TOKEN)}"
                f"  (in the environment or {settings.VAR_DIR / 'local-secrets.json'})",
            ]
        if demo is not None:
            lines.append(f"  demo sign-ins (kept in {credentials_file()}):")
            lines += [f"    {user:<22} {pw}" for user, pw in demo["credentials"].items()]
        self.stdout.write("\n".join(lines) + "\n")
        self.stdout.flush()
