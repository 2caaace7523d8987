"""The person an erasure forgets, and how to find them in free text (JSON payloads, audit
changes, stored CSV files) as well as in the address columns."""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

import phonenumbers
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast

from privacy.models import SubjectKind
from tenants.models import Tenant

ERASED = "[erased]"
_NUMBERISH = re.compile(r"\+?\d[\d\s().\-/]{4,}\d")


@dataclass(frozen=True)
class Subject:
    """The person to forget: the tenant, the kind, and the address as each table stores it."""

    tenant: Tenant
    kind: str
    value: str

    @property
    def addresses(self) -> list[str]:
        if self.kind == SubjectKind.EMAIL:
            return [self.value]
        return [self.value, f"whatsapp:{self.value}"]

    @property
    def is_phone(self) -> bool:
        return self.kind == SubjectKind.PHONE

    @property
    def needle(self) -> str:
        """What free text holding the address contains: the number's digits (a substring of
        its E.164 form too), or the email address (compared case-insensitively)."""
        return self.value.lstrip("+") if self.is_phone else self.value

    def mentioned_in(self, text: str) -> bool:
        """Does `text` name the person, the number written in any punctuation?"""
        if not self.is_phone:
            return self.value.lower() in text.lower()
        national = phonenumbers.national_significant_number(phonenumbers.parse(self.value))
        forms = {self.needle, national, f"0{national}"}
        for found in _NUMBERISH.findall(text):
            digits = re.sub(r"\D", "", found)
            if digits in forms or digits.endswith(self.needle):
                return True
        return False


def text_mentions(subject: Subject, *fields: str) -> tuple[dict, Q]:
    """(annotations, filter) matching rows whose `fields` (JSON or text), read as text,
    contain the person's address."""
    annotations = {f"{name}__as_text": Cast(F(name), TextField()) for name in fields}
    found = reduce(or_, (Q(**{f"{alias}__icontains": subject.needle}) for alias in annotations))
    return annotations, found
