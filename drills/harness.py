"""What every drill shares: its own database (from a migrated template), private Redis and
PostgreSQL servers it may kill, real Celery workers and web servers, and the report.

A drill runs as its own process (`python -m drills.<name>`): it points Django at a fresh
database before `django.setup()`, so the workers and servers it starts (other processes)
open the same one. The database lives on the PostgreSQL server of `DATABASE_URL` when that
is PostgreSQL (CI's), or else on a private cluster the drill starts (initdb in a temporary
directory): the drills measure concurrency that SQLite's single writer would distort. The
system PostgreSQL and Redis are never stopped: whatever a drill kills is its own.
"""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("DRILL_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float, interval: float = 0.2, what=""):
    """Poll `condition` until truthy; raise (naming `what`) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout:.0f}s: {what or condition}")
        time.sleep(interval)


class PrivatePostgres:
    """A PostgreSQL cluster of the drill's own, on a free port, in a temporary directory;
    run as the `postgres` OS user when the drill runs as root (postgres refuses root)."""

    def __init__(self, workdir: Path) -> None:
        assert (PG_BIN / "initdb").exists(), f"PostgreSQL binaries not found in {PG_BIN}"
        self.workdir, self.port = workdir, free_port()
        self.data = workdir / "pgdata"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(workdir, "postgres")

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        subprocess.run([*prefix, *args], check=True, stdout=subprocess.DEVNULL, cwd="/")

    def init(self) -> "PrivatePostgres":
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "-A", "trust", "-E", "UTF8", "--no-sync")  # fmt: skip
        return self

    def start(self) -> "PrivatePostgres":
        options = (f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=200 -c fsync=on")  # fmt: skip
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.workdir / "postgres.log"), "-w", "-t", "60", "start")  # fmt: skip
        return self

    def stop(self, mode: str = "fast") -> None:
        """`immediate` is a crash: no checkpoint, what isn't flushed to the WAL is gone."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_execute(server_url: str, *statements: str) -> list:
    import psycopg

    with psycopg.connect(_with_db(server_url, "postgres"), autocommit=True) as conn:
        rows = []
        for statement in statements:
            cursor = conn.execute(statement)
            rows = cursor.fetchall() if cursor.description else rows
        return rows


def migrations_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _role(server_url: str) -> str:
    return "".join(c for c in (urlsplit(server_url).username or "") if c.isalnum() or c == "_")


def create_database(server_url: str, name: str, var_dir: Path) -> str:
    """A fresh database `name`, a copy of a template migrated once per set of migrations.

    Both names carry the connecting role: a server outlives a run (CI's is the one a session
    left), and one role can neither drop nor copy another role's databases."""
    role = _role(server_url)
    name = f"{name}_{role}" if role else name
    template = f"isv_drill_tpl_{role}_{migrations_hash()}"
    exists = _admin_execute(server_url, f"SELECT 1 FROM pg_database WHERE datname='{template}'")
    dump = Path(tempfile.gettempdir()) / "isv-drill-templates" / f"{template}.sql"
    if not exists and dump.exists():  # a private cluster: restore rather than migrate again
        _admin_execute(server_url, f'CREATE DATABASE "{template}"')
        subprocess.run([str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-f", str(dump),
                        _with_db(server_url, template)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        exists = True
    if not exists:
        building = f"{template}_building_{os.getpid()}"
        _admin_execute(server_url, f'CREATE DATABASE "{building}"')
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
               "DATABASE_URL": _with_db(server_url, building), "ISV_VAR_DIR": str(var_dir),
               "LOG_LEVEL": "WARNING"}  # fmt: skip
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT,
                       check=True)  # fmt: skip
        try:
            _admin_execute(server_url, f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        except Exception:  # another drill built it meanwhile
            _admin_execute(server_url, f'DROP DATABASE "{building}"')
        dump.parent.mkdir(exist_ok=True)
        partial = dump.with_suffix(f".{os.getpid()}")
        subprocess.run([str(PG_BIN / "pg_dump"), "--no-owner", "-f", str(partial),
                        _with_db(server_url, template)], check=True)  # fmt: skip
        partial.replace(dump)
    _admin_execute(
        server_url,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
    )
    return _with_db(server_url, name)


@dataclass
class Drill:
    """A drill's environment: its directory, database URL, servers, and what to clean up."""

    name: str
    workdir: Path
    database_url: str = ""
    postgres: PrivatePostgres | None = None
    redis_server: object = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def start_redis(self):
        """A private redis-server the drill may stop and restart."""
        from broadcasts.tests.redis_server import RedisServer

        server = RedisServer(self.workdir).start()
        self.cleanups.append(server.stop)
        return server


@contextmanager
def drill_environment(
    name: str,
    *,
    private_postgres: bool = False,
    redis: bool = True,
    env: dict[str, str] | None = None,
) -> Iterator[Drill]:
    """Point this process at a fresh drill database (and `env`), then `django.setup()`.

    `private_postgres`: the database lives on a private cluster even when DATABASE_URL is
    PostgreSQL (a drill that stops the server). `redis`: a private redis-server is the
    broker and cache (`drill.redis_server`), which the drill may stop."""
    workdir = Path(tempfile.mkdtemp(prefix=f"isv-drill-{name}-"))
    os.chmod(workdir, 0o755)
    drill = Drill(name=name, workdir=workdir)
    given = os.environ.get("DATABASE_URL", "")
    try:
        if private_postgres or not given.startswith("postgres"):
            drill.postgres = PrivatePostgres(workdir).init().start()
            drill.cleanups.append(drill.postgres.stop)
            server = drill.postgres.url
        else:
            server = given
        var_dir = workdir / "var"
        var_dir.mkdir()
        if redis:
            drill.redis_server = drill.start_redis()
            os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = drill.redis_server.url
        drill.database_url = create_database(server, f"isv_drill_{name}", var_dir)
        os.environ.update({
            "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
            "DATABASE_URL": drill.database_url,
            "ISV_VAR_DIR": str(var_dir),
            "LOG_LEVEL": os.environ.get("DRILL_LOG_LEVEL", "WARNING"),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "TWILIO_MODE": "sandbox",
            "SANDBOX_CALLBACKS_INPROCESS": "true",
            "TWILIO_RETRY_BASE_DELAY": "0",
            "TWILIO_A2P_REQUESTS_PER_SECOND": "0",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            **(env or {}),
        })  # fmt: skip
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        yield drill
    except BaseException:
        _print_logs(workdir)
        raise
    finally:
        for cleanup in reversed(drill.cleanups):
            try:
                cleanup()
            except Exception as err:  # keep cleaning up; the drill's result stands
                print(f"cleanup failed: {err}", file=sys.stderr)
        if not os.environ.get("DRILL_KEEP_DIR"):  # keep the logs to look into
            shutil.rmtree(workdir, ignore_errors=True)


def _print_logs(workdir: Path) -> None:
    """The tail of every worker's and server's log: why a drill that failed did."""
    for path in sorted(workdir.glob("*.log")):
        print(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}", file=sys.stderr)


def start_worker(drill: Drill, env: dict[str, str], queue: str, concurrency: int = 2):
    """A real prefork Celery worker (a main process and `concurrency` children)."""
    from isvplatform.testing.worker import start_worker as start

    worker = start(drill.workdir, extra_env=env, queue=queue,
                   pool_args=["--pool", "prefork", "--concurrency", str(concurrency)])  # fmt: skip
    drill.cleanups.append(worker.stop)
    return worker


def worker_children(pid: int) -> list[int]:
    """The pool processes of a prefork worker whose main process is `pid`."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


class WebServer:
    """gunicorn with uvicorn workers on the drill's database, as `run_platform` starts it."""

    def __init__(self, drill: Drill, env: dict[str, str] | None = None, workers: int = 2):
        from isvplatform.management.commands.run_platform import gunicorn_command

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = drill.workdir / f"web-{self.port}.log"
        command = gunicorn_command(sys.executable, "127.0.0.1", self.port, workers)
        command[command.index("--access-logfile") + 1] = "/dev/null"
        full_env = {**os.environ, "PUBLIC_BASE_URL": self.url, **(env or {})}
        self.process = subprocess.Popen(command, env=full_env, cwd=ROOT,
                                        stdout=self.log_path.open("wb"),
                                        stderr=subprocess.STDOUT)  # fmt: skip
        drill.cleanups.append(self.stop)
        wait_until(self._healthy, timeout=90, interval=0.3, what=f"web server {self.url}")

    def _healthy(self) -> bool:
        import requests

        if self.process.poll() is not None:
            raise RuntimeError(f"web server exited:\n{self.log()[-3000:]}")
        try:
            return requests.get(f"{self.url}/healthz", timeout=2).status_code < 500
        except requests.RequestException:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def report(name: str, counts: dict[str, object], failures: list[str]) -> int:
    """Print the drill's counts, one per line, and its verdict; the exit status."""
    print(f"== drill {name}")
    for key, value in counts.items():
        shown = f"{value:.2f}" if isinstance(value, float) else value
        print(f"{key}: {shown}")
    for failure in failures:
        print(f"FAILED: {failure}")
    print(f"result: {'FAIL' if failures else 'PASS'}")
    sys.stdout.flush()
    return 1 if failures else 0
