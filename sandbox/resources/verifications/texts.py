"""What the person receives, per channel and locale, naming the service's brand.

`Locale` follows the number's country when not given (SMS, WhatsApp, call) and falls back
to English where the sandbox has no wording for a locale Twilio supports, as Twilio falls
back to English. A locale Twilio doesn't support is 400 / 60200.
"""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED = frozenset(
    [
        "af",
        "ar",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "en-GB",
        "es",
        "et",
        "fi",
        "fr",
        "he",
        "hi",
        "hr",
        "hu",
        "id",
        "it",
        "ja",
        "kn",
        "ko",
        "lt",
        "mr",
        "ms",
        "nb",
        "nl",
        "pl",
        "pt",
        "pt-BR",
        "ro",
        "ru",
        "sk",
        "sv",
        "te",
        "th",
        "tl",
        "tr",
        "uk",
        "vi",
        "zh",
        "zh-CN",
        "zh-HK",
    ]
)
"""The locales Twilio Verify accepts."""

BY_COUNTRY = {
    **dict.fromkeys(("ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "UY"), "es"),
    "FR": "fr",
    **dict.fromkeys(("DE", "AT"), "de"),
    "BR": "pt-BR",
    "PT": "pt",
    "IT": "it",
    "NL": "nl",
    "GB": "en-GB",
}


@dataclass(frozen=True)
class Wording:
    sms: str
    warning: str
    whatsapp: str
    call: str
    subject: str
    email: str


WORDINGS = {
    "en": Wording(
        "Your {name} verification code is: {code}",
        "Don't share this code with anyone; our employees will never ask for the code.",
        "*{code}* is your {name} verification code. For your security, do not share this code.",
        "Your {name} verification code is: {spoken}. Once again, your code is: {spoken}.",
        "{name} verification code",
        "Your {name} verification code is: {code}. It expires in 10 minutes.",
    ),
    "es": Wording(
        "Tu código de verificación de {name} es: {code}",
        "No compartas este código con nadie; nuestros empleados nunca te lo pedirán.",
        "*{code}* es tu código de verificación de {name}. Por tu seguridad, no lo compartas.",
        "Tu código de verificación de {name} es: {spoken}. Repetimos, tu código es: {spoken}.",
        "Código de verificación de {name}",
        "Tu código de verificación de {name} es: {code}. Caduca en 10 minutos.",
    ),
    "fr": Wording(
        "Votre code de vérification {name} est : {code}",
        "Ne partagez ce code avec personne ; nos employés ne vous le demanderont jamais.",
        "*{code}* est votre code de vérification {name}. Pour votre sécurité, ne le partagez pas.",
        "Votre code de vérification {name} est : {spoken}. Je répète, votre code est : {spoken}.",
        "Code de vérification {name}",
        "Votre code de vérification {name} est : {code}. Il expire dans 10 minutes.",
    ),
    "de": Wording(
        "Ihr {name}-Verifizierungscode lautet: {code}",
        "Geben Sie diesen Code an niemanden weiter; unsere Mitarbeiter werden Sie nie danach "
        "fragen.",
        "*{code}* ist Ihr {name}-Verifizierungscode. Geben Sie diesen Code zu Ihrer Sicherheit "
        "nicht weiter.",
        "Ihr {name}-Verifizierungscode lautet: {spoken}. Noch einmal, Ihr Code lautet: {spoken}.",
        "{name}-Verifizierungscode",
        "Ihr {name}-Verifizierungscode lautet: {code}. Er läuft in 10 Minuten ab.",
    ),
    "pt-BR": Wording(
        "Seu código de verificação do {name} é: {code}",
        "Não compartilhe este código com ninguém; nossos funcionários nunca pedirão o código.",
        "*{code}* é o seu código de verificação do {name}. Por segurança, não compartilhe este "
        "código.",
        "Seu código de verificação do {name} é: {spoken}. Repetindo, seu código é: {spoken}.",
        "Código de verificação do {name}",
        "Seu código de verificação do {name} é: {code}. Ele expira em 10 minutos.",
    ),
    "pt": Wording(
        "O seu código de verificação {name} é: {code}",
        "Não partilhe este código com ninguém; os nossos funcionários nunca o pedirão.",
        "*{code}* é o seu código de verificação {name}. Por segurança, não o partilhe.",
        "O seu código de verificação {name} é: {spoken}. Repito, o seu código é: {spoken}.",
        "Código de verificação {name}",
        "O seu código de verificação {name} é: {code}. Expira em 10 minutos.",
    ),
    "it": Wording(
        "Il tuo codice di verifica {name} è: {code}",
        "Non condividere questo codice con nessuno; i nostri dipendenti non te lo chiederanno mai.",
        "*{code}* è il tuo codice di verifica {name}. Per la tua sicurezza, non condividerlo.",
        "Il tuo codice di verifica {name} è: {spoken}. Ripeto, il tuo codice è: {spoken}.",
        "Codice di verifica {name}",
        "Il tuo codice di verifica {name} è: {code}. Scade tra 10 minuti.",
    ),
    "nl": Wording(
        "Je {name}-verificatiecode is: {code}",
        "Deel deze code met niemand; onze medewerkers zullen er nooit om vragen.",
        "*{code}* is je {name}-verificatiecode. Deel deze code voor je veiligheid met niemand.",
        "Je {name}-verificatiecode is: {spoken}. Nogmaals, je code is: {spoken}.",
        "{name}-verificatiecode",
        "Je {name}-verificatiecode is: {code}. De code verloopt over 10 minuten.",
    ),
}


def resolve_locale(requested: str | None, country: str) -> str:
    """The locale to word the message in; an unsupported one raises `ValueError`."""
    if requested:
        if requested not in SUPPORTED:
            raise ValueError(requested)
        return requested
    return BY_COUNTRY.get(country, "en")


def wording(locale: str) -> Wording:
    for candidate in (locale, locale.split("-")[0]):
        if candidate in WORDINGS:
            return WORDINGS[candidate]
    return WORDINGS["en"]


def spoken(code: str) -> str:
    """How the call reads the code: one character at a time."""
    return ", ".join(code)


def sms(locale: str, name: str, code: str, *, warning: bool) -> str:
    words = wording(locale)
    text = words.sms.format(name=name, code=code)
    return f"{text}. {words.warning}" if warning else text


def whatsapp(locale: str, name: str, code: str) -> str:
    return wording(locale).whatsapp.format(name=name, code=code)


def call(locale: str, name: str, code: str) -> str:
    return wording(locale).call.format(name=name, spoken=spoken(code))


def email(locale: str, name: str, code: str) -> tuple[str, str]:
    words = wording(locale)
    return words.subject.format(name=name), words.email.format(name=name, code=code)


def from_template(text: str, name: str, code: str, substitutions: dict[str, str]) -> str:
    """A catalogue template's text with Twilio's `{{friendly_name}}`, `{{code}}` and the
    caller's `TemplateCustomSubstitutions`."""
    for key, value in {**substitutions, "friendly_name": name, "code": code}.items():
        text = text.replace("{{" + key + "}}", value)
    return text
