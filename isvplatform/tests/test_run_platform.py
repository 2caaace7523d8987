"""The web process `run_platform` starts: uvicorn workers under gunicorn on the ASGI app,
trusting forwarded headers only on opt-in."""

from gunicorn.config import Config

from isvplatform.management.commands.run_platform import gunicorn_command


def gunicorn_config(command: list[str]) -> Config:
    """The configuration gunicorn itself makes of these command-line arguments."""
    config = Config()
    arguments = config.parser().parse_args(command[3:])
    for name, value in vars(arguments).items():
        if value is not None and name in config.settings:
            config.set(name, value)
    return config


def test_without_proxy_trust_gunicorn_believes_no_forwarded_headers(settings, monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    if hasattr(settings, "SECURE_PROXY_SSL_HEADER"):
        del settings.SECURE_PROXY_SSL_HEADER
    config = gunicorn_config(gunicorn_command("python", "127.0.0.1", 8000, 2))
    assert config.forwarded_allow_ips == []


def test_with_proxy_trust_gunicorn_believes_the_configured_proxies(settings, monkeypatch):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    config = gunicorn_config(gunicorn_command("python", "127.0.0.1", 8000, 2))
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]

    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    config = gunicorn_config(gunicorn_command("python", "127.0.0.1", 8000, 2))
    assert config.forwarded_allow_ips == ["10.0.0.5"]


def test_the_web_process_serves_the_asgi_app_on_uvicorn_workers():
    command = gunicorn_command("python", "127.0.0.1", 8000, 2)
    config = gunicorn_config(command)
    assert config.worker_class_str == "uvicorn_worker.UvicornWorker"
    assert config.parser().parse_args(command[3:]).args == ["isvplatform.asgi:application"]
    assert (config.workers, config.bind) == (2, ["127.0.0.1:8000"])
