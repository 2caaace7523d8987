"""The widget's words in the languages it speaks; the tenant's default locale picks one.

`{brand}` and `{to}` are filled in by the widget. A locale outside the catalogue falls back
on its language ("pt-BR" → "pt"), then on English.
"""

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "title": "Verify your phone",
        "intro": "{brand} will send you a one-time code.",
        "phone_label": "Phone number",
        "phone_hint": "In international format, like +14155550123.",
        "channel_label": "Send the code by",
        "channel_sms": "Text message",
        "channel_whatsapp": "WhatsApp",
        "channel_call": "Phone call",
        "send": "Send code",
        "code_label": "Code",
        "code_sent": "We sent a code to {to}.",
        "verify": "Verify",
        "resend": "Send a new code",
        "change_number": "Use another number",
        "verified": "Your phone is verified.",
        "wrong_code": "That code is not right. Try again.",
        "error": "Something went wrong. Try again.",
    },
    "es": {
        "title": "Verifica tu teléfono",
        "intro": "{brand} te enviará un código de un solo uso.",
        "phone_label": "Número de teléfono",
        "phone_hint": "En formato internacional, como +34612345678.",
        "channel_label": "Enviar el código por",
        "channel_sms": "SMS",
        "channel_whatsapp": "WhatsApp",
        "channel_call": "Llamada",
        "send": "Enviar código",
        "code_label": "Código",
        "code_sent": "Enviamos un código a {to}.",
        "verify": "Verificar",
        "resend": "Enviar un código nuevo",
        "change_number": "Usar otro número",
        "verified": "Tu teléfono está verificado.",
        "wrong_code": "El código no es correcto. Inténtalo de nuevo.",
        "error": "Algo salió mal. Inténtalo de nuevo.",
    },
    "fr": {
        "title": "Vérifiez votre téléphone",
        "intro": "{brand} va vous envoyer un code à usage unique.",
        "phone_label": "Numéro de téléphone",
        "phone_hint": "Au format international, comme +33612345678.",
        "channel_label": "Recevoir le code par",
        "channel_sms": "SMS",
        "channel_whatsapp": "WhatsApp",
        "channel_call": "Appel",
        "send": "Envoyer le code",
        "code_label": "Code",
        "code_sent": "Nous avons envoyé un code au {to}.",
        "verify": "Vérifier",
        "resend": "Envoyer un nouveau code",
        "change_number": "Utiliser un autre numéro",
        "verified": "Votre téléphone est vérifié.",
        "wrong_code": "Ce code n'est pas le bon. Réessayez.",
        "error": "Une erreur est survenue. Réessayez.",
    },
    "de": {
        "title": "Telefonnummer bestätigen",
        "intro": "{brand} sendet Ihnen einen Einmalcode.",
        "phone_label": "Telefonnummer",
        "phone_hint": "Im internationalen Format, z. B. +4915112345678.",
        "channel_label": "Code senden per",
        "channel_sms": "SMS",
        "channel_whatsapp": "WhatsApp",
        "channel_call": "Anruf",
        "send": "Code senden",
        "code_label": "Code",
        "code_sent": "Wir haben einen Code an {to} gesendet.",
        "verify": "Bestätigen",
        "resend": "Neuen Code senden",
        "change_number": "Andere Nummer verwenden",
        "verified": "Ihre Telefonnummer ist bestätigt.",
        "wrong_code": "Der Code ist nicht richtig. Bitte erneut versuchen.",
        "error": "Etwas ist schiefgelaufen. Bitte erneut versuchen.",
    },
    "pt": {
        "title": "Verifique seu telefone",
        "intro": "{brand} vai enviar um código de uso único.",
        "phone_label": "Número de telefone",
        "phone_hint": "No formato internacional, como +5511912345678.",
        "channel_label": "Enviar o código por",
        "channel_sms": "SMS",
        "channel_whatsapp": "WhatsApp",
        "channel_call": "Chamada",
        "send": "Enviar código",
        "code_label": "Código",
        "code_sent": "Enviamos um código para {to}.",
        "verify": "Verificar",
        "resend": "Enviar um novo código",
        "change_number": "Usar outro número",
        "verified": "Seu telefone está verificado.",
        "wrong_code": "O código não está correto. Tente novamente.",
        "error": "Algo deu errado. Tente novamente.",
    },
}
PHONE_CHANNELS = ("sms", "whatsapp", "call")


def locale_strings(locale: str) -> tuple[str, dict[str, str]]:
    """The catalogue locale used for `locale`, and its words."""
    wanted = (locale or "en").replace("_", "-").lower()
    for candidate in (wanted, wanted.split("-", 1)[0]):
        if candidate in CATALOGUE:
            return candidate, CATALOGUE[candidate]
    return "en", CATALOGUE["en"]
