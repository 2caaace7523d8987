import uuid

import pytest
from django.core import serializers
from django.db import connection, models
from django.forms.models import model_to_dict
from django.test.utils import isolate_apps

from isvplatform import crypto
from isvplatform.crypto import Secret
from isvplatform.fields import Ciphertext, EncryptedTextField, encrypted_fields
from isvplatform.testing.secretsapp.models import SecretNote

PLAINTEXT = "webhook-secret-9f8e7d6c5b4a"


@pytest.fixture(autouse=True)
def one_key(settings):
    settings.ENCRYPTION_KEYS = [f"k1:{crypto.generate_key()}"]


def stored_token(note: SecretNote) -> str | None:
    return SecretNote.objects.filter(pk=note.pk).values_list("token", flat=True).get()


def test_reading_gives_a_secret_and_assigning_a_str_encrypts_on_save(tenant):
    note = SecretNote(tenant=tenant, token=PLAINTEXT)
    assert isinstance(note.token, Secret)
    note.save()

    fresh = SecretNote.objects.get(pk=note.pk)
    assert isinstance(fresh.__dict__["token"], Ciphertext)  # decrypted only when read
    assert fresh.token == Secret(PLAINTEXT)
    assert fresh.token.reveal() == PLAINTEXT
    assert stored_token(note).startswith("v1:k1:")


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_values_are_stored_as_null(tenant, empty):
    note = SecretNote.objects.create(tenant=tenant, token=empty)
    assert stored_token(note) is None
    assert SecretNote.objects.get(pk=note.pk).token is None


def test_other_types_are_refused(tenant):
    with pytest.raises(TypeError, match="takes a str or Secret"):
        SecretNote(tenant=tenant, token=1234)


def test_saving_an_unchanged_secret_keeps_its_ciphertext(tenant):
    note = SecretNote.objects.create(tenant=tenant, token=PLAINTEXT)
    before = stored_token(note)

    fresh = SecretNote.objects.get(pk=note.pk)
    fresh.token  # noqa: B018
    fresh.label = "renamed"
    fresh.save()
    assert stored_token(note) == before

    fresh.token = "a new secret"
    fresh.save()
    assert stored_token(note) != before
    assert SecretNote.objects.get(pk=note.pk).token.reveal() == "a new secret"


def test_an_instance_saved_as_a_new_row_is_encrypted_for_that_row(tenant):
    note = SecretNote.objects.create(tenant=tenant, token=PLAINTEXT)
    copy = SecretNote.objects.get(pk=note.pk)
    copy.token  # noqa: B018
    copy.pk = uuid.uuid4()
    copy._state.adding = True
    copy.save()
    assert SecretNote.objects.get(pk=copy.pk).token.reveal() == PLAINTEXT


def test_the_associated_data_names_model_row_and_field(tenant):
    field = SecretNote._meta.get_field("token")
    note = SecretNote(tenant=tenant)
    assert field.aad(note) == f"secretsapp.secretnote:{note.pk}:token"
    with pytest.raises(ValueError, match="needs a primary key"):
        field.aad(SecretNote(id=None, tenant=tenant))


def test_secrets_cannot_be_used_in_lookups(tenant):
    SecretNote.objects.create(tenant=tenant, token=PLAINTEXT)
    with pytest.raises(TypeError, match="can't be used in lookups"):
        list(SecretNote.objects.filter(token=Secret(PLAINTEXT)))


def test_the_secret_stays_hidden_in_reprs_dicts_and_dumps(tenant):
    note = SecretNote.objects.create(tenant=tenant, token=PLAINTEXT)
    fresh = SecretNote.objects.get(pk=note.pk)
    fresh.token  # noqa: B018
    shown = [
        repr(fresh.token),
        str(fresh.token),
        repr(model_to_dict(fresh)),
        repr(fresh.__dict__),
        serializers.serialize("json", [fresh]),
        serializers.serialize("json", [SecretNote(tenant=tenant, token=PLAINTEXT)]),
    ]
    assert all(PLAINTEXT not in text for text in shown)


def test_the_field_is_not_editable_in_forms():
    field = SecretNote._meta.get_field("token")
    assert field.editable is False
    assert "token" not in model_to_dict(SecretNote(token=PLAINTEXT))


def test_encrypted_fields_lists_every_encrypted_field():
    names = {(f.model, f.name) for f in encrypted_fields()}
    assert {(SecretNote, "token"), (SecretNote, "other_token")} <= names


@isolate_apps("isvplatform.testing.secretsapp")
def test_a_model_without_a_uuid_primary_key_fails_the_checks():
    class IntKeyed(models.Model):
        token = EncryptedTextField()

        class Meta:
            app_label = "secretsapp"

        def __str__(self) -> str:
            return str(self.pk)

    errors = IntKeyed._meta.get_field("token").check(databases=[connection.alias])
    assert [e.id for e in errors] == ["isvplatform.E001"]


@isolate_apps("isvplatform.testing.secretsapp")
def test_an_integer_keyed_model_binds_its_secrets_to_a_unique_field():
    class Bound(models.Model):
        sid = models.CharField(max_length=34, unique=True)
        label = models.CharField(max_length=34)
        token = EncryptedTextField(bind_to="sid")
        loose = EncryptedTextField(bind_to="label")

        class Meta:
            app_label = "secretsapp"

        def __str__(self) -> str:
            return self.sid

    token, loose = Bound._meta.get_field("token"), Bound._meta.get_field("loose")
    assert token.check(databases=[connection.alias]) == []
    assert [e.id for e in loose.check(databases=[connection.alias])] == ["isvplatform.E002"]
    assert token.aad(Bound(sid="AC1")) == "secretsapp.bound:AC1:token"
    with pytest.raises(ValueError, match="needs sid"):
        token.aad(Bound())
    assert token.deconstruct()[3]["bind_to"] == "sid"
