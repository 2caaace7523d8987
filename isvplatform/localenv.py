"""Embedded defaults for a machine with nothing configured.

Secrets that production must set (the Django secret key, the encryption key and the
sandbox's master credentials) are generated once into a git-ignored file so that
`make run` and `make test` work on a fresh clone without a fixed default anywhere.
"""

import base64
import json
import os
import secrets
import sys
from pathlib import Path

GENERATED = (
    "DJANGO_SECRET_KEY",
    "ENCRYPTION_KEYS",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
)


def _generate() -> dict[str, str]:
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ENCRYPTION_KEYS": f"local1:{key}",
        "TWILIO_ACCOUNT_SID": "AC" + secrets.token_hex(16),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
    }


def load_local_defaults(path: Path) -> dict[str, str]:
    """Return the generated local values, creating the file atomically on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(_generate(), indent=2))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # fails if another process won the race; theirs is kept
            print(
                f"[isvplatform] generated local secrets in {path}: "
                "production must set DJANGO_SECRET_KEY and ENCRYPTION_KEYS itself.",
                file=sys.stderr,
            )
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return json.loads(path.read_text())


def local_metrics_token(path: Path) -> str:
    """The token `make run` serves `/metrics` with when none is configured: generated once
    into a git-ignored file (mode 0600) that a local Prometheus or curl can read."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_urlsafe(32))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()
