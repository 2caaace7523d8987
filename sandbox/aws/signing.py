"""SNS message signatures (SignatureVersion 1: SHA1withRSA over SNS's canonical string),
verifiable with the certificate served at `SigningCertURL`, as on SNS."""

from __future__ import annotations

import base64
import datetime as dt
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError, transaction

from sandbox.aws.models import SnsSigningCertificate

_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"
    ),
}  # fmt: skip
_FIELDS["UnsubscribeConfirmation"] = _FIELDS["SubscriptionConfirmation"]
_lock = threading.Lock()
_generated: tuple[str, str, str] | None = None  # (serial, key pem, cert pem), per process


def canonical(body: dict) -> bytes:
    names = _FIELDS.get(body.get("Type", ""), _FIELDS["Notification"])
    return "".join(f"{n}\n{body[n]}\n" for n in names if n in body).encode()


def _generate() -> tuple[str, str, str]:
    global _generated
    with _lock:
        if _generated is None:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
            now = dt.datetime.now(dt.UTC)
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=3650))
                .sign(key, hashes.SHA256())
            )
            key_pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode()
            cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
            _generated = (f"{cert.serial_number:x}"[:40], key_pem, cert_pem)
    return _generated


def certificate() -> SnsSigningCertificate:
    found = SnsSigningCertificate.objects.order_by("id").first()
    if found is not None:
        return found
    serial, key_pem, cert_pem = _generate()
    try:
        with transaction.atomic():
            return SnsSigningCertificate.objects.create(
                serial=serial,
                private_key=key_pem,
                certificate_pem=cert_pem,
                created_at=dt.datetime.now(dt.UTC),
            )
    except IntegrityError:
        return SnsSigningCertificate.objects.get(serial=serial)


def cert_url(serial: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/sandbox/aws/SimpleNotificationService-{serial}.pem"


def sign(body: dict) -> dict:
    """`body` with `SignatureVersion`, `Signature` and `SigningCertURL` set."""
    cert = certificate()
    key = serialization.load_pem_private_key(cert.private_key.reveal().encode(), password=None)
    body["SignatureVersion"] = "1"
    signature = key.sign(canonical(body), padding.PKCS1v15(), hashes.SHA1())
    body["Signature"] = base64.b64encode(signature).decode()
    body["SigningCertURL"] = cert_url(cert.serial)
    return body


def certificate_pem(serial: str) -> str | None:
    found = SnsSigningCertificate.objects.filter(serial=serial).first()
    return found.certificate_pem if found is not None else None
