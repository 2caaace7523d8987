"""The `make run` banner names the sandbox master account without its auth token."""

from io import StringIO

from isvplatform.management.commands.run_platform import Command, last_four

TOKEN = "0123456789abcdef0123456789abwxyz"


def banner(settings, mode: str) -> str:
    settings.TWILIO_MODE = mode
    settings.TWILIO_AUTH_TOKEN = TOKEN
    out = StringIO()
    Command(stdout=out)._print_banner("127.0.0.1", 8000, None)
    return out.getvalue()


def test_the_banner_shows_at_most_the_tokens_last_four_characters(settings):
    text = banner(settings, "sandbox")
    assert settings.TWILIO_ACCOUNT_SID in text and "TWILIO_AUTH_TOKEN=…wxyz" in text
    assert TOKEN not in text
    assert not any(TOKEN[i : i + 5] in text for i in range(len(TOKEN) - 4))
    assert "/sandbox/handset/" in text and "/sandbox/mailbox/" in text


def test_live_mode_prints_no_sandbox_lines(settings):
    text = banner(settings, "live")
    assert "TWILIO_AUTH_TOKEN" not in text and "/sandbox/" not in text


def test_last_four_never_gives_away_a_short_secret():
    assert last_four(TOKEN) == "…wxyz"
    assert last_four("abcd1234") == "…"
    assert last_four(None) == last_four("") == "…"
