"""Twilio's verification templates (`GET /v2/Templates`): a small fixed catalogue.

The SIDs are fixed so that a service's `DefaultTemplateSid` and a verification's
`TemplateSid` keep naming the same template across sandbox restarts. Texts use Twilio's
placeholders `{{friendly_name}}` and `{{code}}`.
"""

from __future__ import annotations

from dataclasses import dataclass

CREATED = "2021-07-29T20:38:28Z"


@dataclass(frozen=True)
class Template:
    sid: str
    friendly_name: str
    channels: tuple[str, ...]
    translations: dict[str, str]


TEMPLATES = (
    Template(
        "HJ0000000000000000000000000000000a",
        "Base Verification Template 1",
        ("sms", "voice"),
        {
            "en": "Your {{friendly_name}} verification code is: {{code}}",
            "es": "Tu código de verificación de {{friendly_name}} es: {{code}}",
            "fr": "Votre code de vérification {{friendly_name}} est : {{code}}",
            "de": "Ihr {{friendly_name}}-Verifizierungscode lautet: {{code}}",
            "pt-BR": "Seu código de verificação do {{friendly_name}} é: {{code}}",
        },
    ),
    Template(
        "HJ0000000000000000000000000000000b",
        "Base Verification Template 2 with do not share",
        ("sms",),
        {
            "en": "Your {{friendly_name}} verification code is: {{code}}. "
            "Do not share this code with anyone.",
            "es": "Tu código de verificación de {{friendly_name}} es: {{code}}. "
            "No compartas este código con nadie.",
        },
    ),
    Template(
        "HJ0000000000000000000000000000000c",
        "Base Verification Template 3",
        ("sms", "voice"),
        {"en": "Your verification code is: {{code}}. Do not share it."},
    ),
    Template(
        "HJ0000000000000000000000000000000d",
        "Login Code Template",
        ("sms",),
        {
            "en": "{{code}} is your {{friendly_name}} login code.",
            "fr": "{{code}} est votre code de connexion {{friendly_name}}.",
        },
    ),
)
BY_SID = {t.sid: t for t in TEMPLATES}


def find(sid: str | None) -> Template | None:
    return BY_SID.get(sid or "")


def translation(template: Template, locale: str) -> str:
    """The template's text in `locale` (`pt-BR`, then `pt`), else its default (English)."""
    for candidate in (locale, locale.split("-")[0]):
        if candidate in template.translations:
            return template.translations[candidate]
    return template.translations["en"]


def template_json(template: Template, account_sid: str) -> dict:
    return {
        "sid": template.sid,
        "account_sid": account_sid,
        "friendly_name": template.friendly_name,
        "channels": list(template.channels),
        "translations": {
            locale: {
                "is_default_translation": locale == "en",
                "status": "approved",
                "locale": locale,
                "text": text,
                "date_updated": CREATED,
                "date_created": CREATED,
            }
            for locale, text in template.translations.items()
        },
    }
