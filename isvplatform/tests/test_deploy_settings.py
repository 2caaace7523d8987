"""Settings derived from PUBLIC_BASE_URL: secure cookies, HSTS and allowed hosts."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) "
    "for n in ('ALLOWED_HOSTS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS')}))"
)
DERIVED = (
    "PUBLIC_BASE_URL",
    "ALLOWED_HOSTS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests, never in a deployment
)


def _run(tmp_path, *args: str, **overrides: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with production-like settings from the environment."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)},
        "ISV_VAR_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "false",
        **overrides,
    }
    for name in DERIVED:
        if name not in overrides:
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(tmp_path, **overrides: str) -> dict:
    result = _run(tmp_path, "shell", "-c", SHOW, **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_an_https_public_url(tmp_path):
    result = _run(tmp_path, "check", "--deploy", PUBLIC_BASE_URL="https://platform.example.com")
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output


def test_an_https_public_url_secures_cookies_and_limits_hosts(tmp_path):
    values = _settings(tmp_path, PUBLIC_BASE_URL="https://platform.example.com")
    assert values == {
        "ALLOWED_HOSTS": ["platform.example.com", "127.0.0.1", "localhost", "[::1]"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }


def test_the_local_default_stays_plain_http_and_each_setting_can_be_overridden(tmp_path):
    local = _settings(tmp_path)
    assert "*" not in local["ALLOWED_HOSTS"] and "127.0.0.1" in local["ALLOWED_HOSTS"]
    assert not local["SESSION_COOKIE_SECURE"] and local["SECURE_HSTS_SECONDS"] == 0

    overridden = _settings(
        tmp_path,
        PUBLIC_BASE_URL="https://platform.example.com",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="platform.example.com,internal.lb",
    )
    assert overridden["SECURE_SSL_REDIRECT"] is False
    assert overridden["ALLOWED_HOSTS"] == ["platform.example.com", "internal.lb"]
    assert overridden["SESSION_COOKIE_SECURE"] is True
