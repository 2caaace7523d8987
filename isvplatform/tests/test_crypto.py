import base64
import io
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.views.debug import SafeExceptionReporterFilter

from isvplatform import crypto
from isvplatform.crypto import DecryptionError, Secret
from isvplatform.testing.secretsapp.models import SecretNote

PLAINTEXT = "auth-token-0123456789abcdef"
OLD_KEY = f"old:{crypto.generate_key()}"
NEW_KEY = f"new:{crypto.generate_key()}"


@pytest.fixture
def old_keys(settings):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    return settings


def raw_column(note: SecretNote, column: str = "token") -> str | None:
    table = connection.ops.quote_name(SecretNote._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",
            [note.pk.hex if connection.vendor == "sqlite" else note.pk],
        )
        return cursor.fetchone()[0]


def set_raw_column(note: SecretNote, value: str, column: str = "token") -> None:
    table = connection.ops.quote_name(SecretNote._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",
            [value, note.pk.hex if connection.vendor == "sqlite" else note.pk],
        )


def reload(note: SecretNote) -> SecretNote:
    return SecretNote.objects.get(pk=note.pk)


def flip_a_byte(stored: str) -> str:
    version, kid, payload = stored.split(":", 2)
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[len(raw) // 2] ^= 0x01
    return f"{version}:{kid}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"


# --- the cipher -------------------------------------------------------------------------


def test_round_trip(old_keys):
    stored = crypto.encrypt(PLAINTEXT, aad="row:1:token")
    assert crypto.decrypt(stored, aad="row:1:token") == PLAINTEXT


def test_ciphertext_records_version_and_key_and_uses_a_fresh_nonce(old_keys):
    first = crypto.encrypt(PLAINTEXT, aad="row:1:token")
    second = crypto.encrypt(PLAINTEXT, aad="row:1:token")
    assert first.startswith("v1:old:")
    assert crypto.key_id_of(first) == "old"
    nonce = base64.urlsafe_b64decode(first.split(":", 2)[2])[: crypto.NONCE_BYTES]
    other_nonce = base64.urlsafe_b64decode(second.split(":", 2)[2])[: crypto.NONCE_BYTES]
    assert len(nonce) == 12
    assert nonce != other_nonce
    assert first != second


def test_other_associated_data_fails(old_keys):
    stored = crypto.encrypt(PLAINTEXT, aad="row:1:token")
    with pytest.raises(DecryptionError, match="tampered, moved or wrong key"):
        crypto.decrypt(stored, aad="row:2:token")


def test_a_flipped_byte_fails(old_keys):
    stored = crypto.encrypt(PLAINTEXT, aad="row:1:token")
    with pytest.raises(DecryptionError, match="failed authentication"):
        crypto.decrypt(flip_a_byte(stored), aad="row:1:token")


@pytest.mark.parametrize(
    "stored",
    [
        "not a ciphertext",
        "v2:old:AAAA",
        "v1:old:***",
        "v1:old:",
        "v1:gone:AAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_malformed_or_unknown_key_fails_clearly(old_keys, stored):
    with pytest.raises(DecryptionError):
        crypto.decrypt(stored, aad="row:1:token")


def test_older_keys_still_decrypt_and_the_first_encrypts(settings):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    sealed_with_old = crypto.encrypt(PLAINTEXT, aad="row:1:token")
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert crypto.decrypt(sealed_with_old, aad="row:1:token") == PLAINTEXT
    assert crypto.encrypt(PLAINTEXT, aad="row:1:token").startswith("v1:new:")
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(DecryptionError, match="unknown encryption key id 'old'"):
        crypto.decrypt(sealed_with_old, aad="row:1:token")


@pytest.mark.parametrize(
    "entries",
    [
        [],
        [""],
        ["no-separator"],
        [":" + crypto.generate_key()],
        ["short:" + base64.urlsafe_b64encode(b"x" * 16).decode()],
        ["bad:!!!not base64!!!"],
        [OLD_KEY, OLD_KEY],
    ],
)
def test_bad_key_configuration_is_refused(entries):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys(entries)


def test_secret_hides_itself(caplog):
    secret = Secret(PLAINTEXT)
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("token is %s / %r", secret, secret)
    shown = [repr(secret), str(secret), f"{secret}", caplog.text, repr({"t": secret})]
    assert all(PLAINTEXT not in text for text in shown)
    assert secret.reveal() == PLAINTEXT


# --- stored secrets ---------------------------------------------------------------------


def test_the_raw_column_never_holds_the_plaintext(old_keys, tenant):
    note = SecretNote.objects.create(tenant=tenant, token=PLAINTEXT)
    stored = raw_column(note)
    assert stored.startswith("v1:old:")
    assert PLAINTEXT not in stored
    assert base64.urlsafe_b64encode(PLAINTEXT.encode()).decode()[:12] not in stored
    assert reload(note).token.reveal() == PLAINTEXT


def test_a_ciphertext_moved_to_another_tenants_row_fails(old_keys, tenant, other_tenant):
    mine = SecretNote.objects.create(tenant=tenant, token=PLAINTEXT)
    theirs = SecretNote.objects.create(tenant=other_tenant, token="their own token")
    set_raw_column(theirs, raw_column(mine))
    with pytest.raises(DecryptionError):
        reload(theirs).token  # noqa: B018


def test_a_ciphertext_moved_to_another_field_fails(old_keys, tenant):
    note = SecretNote.objects.create(tenant=tenant, token=PLAINTEXT, other_token="other")
    set_raw_column(note, raw_column(note, "token"), column="other_token")
    with pytest.raises(DecryptionError):
        reload(note).other_token  # noqa: B018


def test_a_tampered_row_fails(old_keys, tenant):
    note = SecretNote.objects.create(tenant=tenant, token=PLAINTEXT)
    set_raw_column(note, flip_a_byte(raw_column(note)))
    with pytest.raises(DecryptionError, match=r"secretsapp\.secretnote"):
        reload(note).token  # noqa: B018


# --- rotation ---------------------------------------------------------------------------


def rotate(**options) -> str:
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out, **options)
    return out.getvalue()


def test_rotation_re_encrypts_every_row_to_the_first_key(settings, tenant, other_tenant):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    notes = [
        SecretNote.objects.create(
            tenant=tenant if i % 2 else other_tenant, token=f"token-{i}", other_token=f"o-{i}"
        )
        for i in range(7)
    ]
    empty = SecretNote.objects.create(tenant=tenant, token=None)

    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert all(reload(n).token.reveal() == f"token-{i}" for i, n in enumerate(notes))

    out = rotate(batch_size=3)
    assert "secretsapp.SecretNote.token: 7 re-encrypted, 0 already under key 'new', 0 failed" in out
    assert "secretsapp.SecretNote.other_token: 7 re-encrypted" in out
    for column in ("token", "other_token"):
        assert all(raw_column(n, column).startswith("v1:new:") for n in notes)
    assert raw_column(empty) is None

    settings.ENCRYPTION_KEYS = [NEW_KEY]
    assert [reload(n).token.reveal() for n in notes] == [f"token-{i}" for i in range(7)]
    assert [reload(n).other_token.reveal() for n in notes] == [f"o-{i}" for i in range(7)]


def test_rotation_run_twice_changes_nothing_the_second_time(settings, tenant):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    notes = [SecretNote.objects.create(tenant=tenant, token=f"token-{i}") for i in range(3)]
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    rotate()
    after_first = [raw_column(n) for n in notes]

    out = rotate()
    assert "secretsapp.SecretNote.token: 0 re-encrypted, 3 already under key 'new'" in out
    assert [raw_column(n) for n in notes] == after_first


def test_rotation_reports_rows_it_cannot_decrypt_and_rotates_the_rest(settings, tenant):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    good = SecretNote.objects.create(tenant=tenant, token="good")
    bad = SecretNote.objects.create(tenant=tenant, token="plaintext-of-the-bad-row")
    set_raw_column(bad, flip_a_byte(raw_column(bad)))
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 value"):
        rotate(stderr=errors)
    assert str(bad.pk) in errors.getvalue()
    assert "plaintext-of-the-bad-row" not in errors.getvalue()
    assert raw_column(good).startswith("v1:new:")
    assert raw_column(bad).startswith("v1:old:")


def test_error_reports_hide_the_keys_and_tokens(settings):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    safe = SafeExceptionReporterFilter().get_safe_settings()
    assert OLD_KEY not in repr(safe)
    assert safe["ENCRYPTION_KEYS"] == SafeExceptionReporterFilter.cleansed_substitute
