"""Model fields shared by the apps."""

from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from isvplatform import crypto
from isvplatform.crypto import Secret


class Ciphertext(str):
    """A value as stored in the database: encrypted, not yet decrypted."""


class _EncryptedDescriptor:
    def __init__(self, field: "EncryptedTextField") -> None:
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Ciphertext):
            aad = self.field.aad(instance)
            secret = Secret(crypto.decrypt(value, aad=aad))
            instance.__dict__[self.field.attname] = secret
            instance.__dict__[self.field.cache_name] = (secret, value, aad)
            return secret
        return value

    def __set__(self, instance, value) -> None:
        if value is None or value == "":
            value = None
        elif isinstance(value, str) and not isinstance(value, Ciphertext):
            value = Secret(value)
        elif not isinstance(value, (Secret, Ciphertext)):
            raise TypeError(f"{self.field.name} takes a str or Secret, not {type(value)!r}")
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """A secret encrypted with AES-256-GCM, bound to its row and field.

    Reading the attribute returns a `Secret` (call `.reveal()` at the last moment);
    assigning a str encrypts it on save. The row's identity is part of the associated
    data, so it must be known before the first save: a UUID primary key, or `bind_to`,
    the name of a unique field set at creation and never changed (an integer-keyed
    table such as the sandbox's accounts binds to its SID).
    """

    def __init__(self, *args, bind_to: str | None = None, **kwargs) -> None:
        self.bind_to = bind_to
        kwargs["editable"] = False
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        if self.bind_to:
            kwargs["bind_to"] = self.bind_to
        return name, path, args, kwargs

    @property
    def cache_name(self) -> str:
        return f"_{self.attname}_sealed"

    def contribute_to_class(self, cls, name, private_only=False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, _EncryptedDescriptor(self))

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.bind_to:
            return errors + self._check_bind_to()
        pk = self.model._meta.pk
        if pk is not None and not isinstance(pk, models.UUIDField):
            errors.append(
                checks.Error(
                    "Models with encrypted fields need a UUID primary key.",
                    obj=self,
                    id="isvplatform.E001",
                )
            )
        return errors

    def _check_bind_to(self) -> list[checks.Error]:
        try:
            target = self.model._meta.get_field(self.bind_to)
        except FieldDoesNotExist:
            target = None
        if target is not None and target.unique and not target.null:
            return []
        return [
            checks.Error(
                f"bind_to={self.bind_to!r} must name a unique, non-null field.",
                obj=self,
                id="isvplatform.E002",
            )
        ]

    def aad(self, instance) -> str:
        key = getattr(instance, self.bind_to) if self.bind_to else instance.pk
        if key in (None, ""):
            what = self.bind_to or "a primary key"
            raise ValueError(f"{instance._meta.label} needs {what} before encrypting")
        return f"{instance._meta.label_lower}:{key}:{self.name}"

    def from_db_value(self, value, expression, connection):
        return None if value is None else Ciphertext(value)

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Ciphertext):
            return value
        aad = self.aad(model_instance)
        cached = model_instance.__dict__.get(self.cache_name)
        # Reuse the last ciphertext only for the same value, row and current key: a
        # copied instance (new pk) or a rotated key gets a fresh encryption.
        if (
            cached
            and cached[0] == value
            and cached[2] == aad
            and crypto.key_id_of(cached[1]) == crypto.keyring().primary_id
        ):
            return cached[1]
        sealed = Ciphertext(crypto.encrypt(value.reveal(), aad=aad))
        model_instance.__dict__[self.cache_name] = (value, sealed, aad)
        return sealed

    def get_prep_value(self, value):
        if isinstance(value, Secret):
            raise TypeError("encrypted fields can't be used in lookups")
        return super().get_prep_value(value)

    def value_to_string(self, obj) -> str:
        value = obj.__dict__.get(self.attname)
        if isinstance(value, Ciphertext):
            return str(value)
        return self.pre_save(obj, add=False) or ""


def encrypted_fields() -> list[EncryptedTextField]:
    """Every encrypted field of every installed model (for key rotation)."""
    from django.apps import apps

    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
