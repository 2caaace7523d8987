"""Pre-flight checks of a toll-free verification, run before anything is sent to Twilio.

Twilio's reviewers reject toll-free verifications for a handful of recurring reasons
(invalid information 30445, opt-in errors 30446, URL issues in the sample 30449, disallowed
content, a missing verbal-consent script 30511); each rule in `TOLLFREE_RULE_TABLE` catches
one and says, beside the field, how to fix it. The business facts come from the business
profile (`compliance.services.tollfree.business_facts`), the rest from the tenant's form.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError

from compliance.validation.fields import Errors
from compliance.validation.rules import Rule
from compliance.validation.text import (
    AGE_GATED_WORDS,
    OPT_OUT_LANGUAGE,
    URL_IN_TEXT,
    email_validator,
    names_brand,
    squash,
    url_problem,
)

USE_CASE_CATEGORIES = {
    "TWO_FACTOR_AUTHENTICATION": "Two-factor authentication",
    "ACCOUNT_NOTIFICATIONS": "Account notifications",
    "CUSTOMER_CARE": "Customer care",
    "CHARITY_NONPROFIT": "Charity / non-profit",
    "DELIVERY_NOTIFICATIONS": "Delivery notifications",
    "FRAUD_ALERT_MESSAGING": "Fraud alerts",
    "EVENTS": "Events",
    "HIGHER_EDUCATION": "Higher education",
    "K12": "K-12 education",
    "MARKETING": "Marketing",
    "POLLING_AND_VOTING_NON_POLITICAL": "Polling and voting (not political)",
    "POLITICAL_ELECTION_CAMPAIGNS": "Political election campaigns",
    "PUBLIC_SERVICE_ANNOUNCEMENT": "Public service announcements",
    "SECURITY_ALERT": "Security alerts",
}
OPT_IN_TYPES = {
    "WEB_FORM": "Web form",
    "VIA_TEXT": "Text message (keyword)",
    "PAPER_FORM": "Paper form",
    "MOBILE_QR_CODE": "Mobile QR code",
    "VERBAL": "Verbal (phone or in person)",
    "IMPORT": "Imported list",
}
# The monthly volumes Twilio's toll-free form offers.
MESSAGE_VOLUMES = (
    "10",
    "100",
    "1,000",
    "10,000",
    "100,000",
    "250,000",
    "500,000",
    "750,000",
    "1,000,000",
    "5,000,000",
    "10,000,000+",
)
BUSINESS_TYPES = ("PRIVATE_PROFIT", "PUBLIC_PROFIT", "SOLE_PROPRIETOR", "NON_PROFIT", "GOVERNMENT")
DISALLOWED_WORDS = re.compile(
    r"\b(crypto\w*|bitcoin|debt (?:relief|forgiveness)|payday|sweepstakes|"
    r"work from home|get rich)\b",
    re.I,
)

BUSINESS_FIELDS = (
    "business_name",
    "doing_business_as",
    "business_website",
    "business_type",
    "registration_number",
    "registration_authority",
    "registration_country",
    "address_street",
    "address_street2",
    "address_city",
    "address_region",
    "address_postal_code",
    "address_country",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_phone",
)
USE_CASE_FIELDS = (
    "notification_email",
    "use_case_categories",
    "use_case_summary",
    "production_message_sample",
    "opt_in_type",
    "opt_in_image_urls",
    "message_volume",
    "opt_in_keywords",
    "opt_in_confirmation_message",
    "help_message_sample",
    "privacy_policy_url",
    "terms_url",
    "age_gated_content",
    "additional_information",
)
LIST_FIELDS = ("use_case_categories", "opt_in_image_urls", "opt_in_keywords")
TOLLFREE_FIELDS = BUSINESS_FIELDS + USE_CASE_FIELDS
PROFILE_HINT = "Complete it in your business profile."


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Trim strings, split lists, upper-case codes; unknown keys are dropped."""
    cleaned: dict[str, Any] = {}
    for name in TOLLFREE_FIELDS:
        value = data.get(name)
        if name in LIST_FIELDS:
            if isinstance(value, str):
                value = re.split(r"[\n,]+", value) if name != "opt_in_image_urls" else value.split()
            cleaned[name] = [str(v).strip() for v in value or () if str(v).strip()]
        elif name == "age_gated_content":
            cleaned[name] = str(value).strip().lower() in ("1", "true", "yes", "on")
        else:
            cleaned[name] = str(value).strip() if value is not None else ""
    for name in ("business_type", "opt_in_type", "registration_authority", "address_country"):
        cleaned[name] = cleaned[name].upper()
    cleaned["use_case_categories"] = [c.upper() for c in cleaned["use_case_categories"]]
    cleaned["opt_in_keywords"] = list(dict.fromkeys(k.upper() for k in cleaned["opt_in_keywords"]))
    return cleaned


def _names(c: dict) -> list[str]:
    names = [squash(c["doing_business_as"]), squash(c["business_name"])]
    return [n for n in names if len(n) >= 2]


def business_facts_are_complete(c: dict, e: Errors) -> None:
    for field, words in (
        ("business_name", "The legal business name is missing."),
        ("business_website", "The business website is missing."),
        ("address_street", "The business street address is missing."),
        ("address_city", "The business city is missing."),
        ("address_region", "The business state or region is missing."),
        ("address_postal_code", "The business postal code is missing."),
        ("contact_first_name", "The business contact's first name is missing."),
        ("contact_last_name", "The business contact's last name is missing."),
        ("contact_email", "The business contact's email is missing."),
        ("contact_phone", "The business contact's phone number is missing."),
    ):
        e.require(c, field, f"{words} {PROFILE_HINT}")
    if c["business_type"] not in BUSINESS_TYPES:
        e.add("business_type", f"The business type is missing. {PROFILE_HINT}")
    if c["business_type"] == "SOLE_PROPRIETOR":
        return
    digits = re.sub(r"\D", "", c["registration_number"])
    if not c["registration_number"]:
        e.add("registration_number", f"The EIN (registration number) is missing. {PROFILE_HINT}")
    elif c["registration_authority"] == "EIN" and len(digits) != 9:
        e.add("registration_number", "An EIN has 9 digits, written 12-3456789.")


def links_are_real_domains(c: dict, e: Errors) -> None:
    for field in ("business_website", "privacy_policy_url", "terms_url"):
        problem = url_problem(c[field]) if c[field] else None
        if problem:
            e.add(field, problem)


def use_case_is_listed_and_allowed(c: dict, e: Errors) -> None:
    if not c["use_case_categories"]:
        e.add("use_case_categories", "Choose at least one use case.")
    unknown = [v for v in c["use_case_categories"] if v not in USE_CASE_CATEGORIES]
    if unknown:
        e.add("use_case_categories", f"Unknown use case: {', '.join(unknown)}.")
    summary = c["use_case_summary"]
    if not e.require(c, "use_case_summary", "Describe who receives what and why."):
        return
    if len(summary) < 40:
        e.add("use_case_summary", "Say more (at least 40 characters): who gets what, and why.")
    for field in ("use_case_summary", "production_message_sample"):
        if DISALLOWED_WORDS.search(c[field]):
            e.add(
                field,
                "Twilio doesn't allow this content on toll-free numbers (cryptocurrency, "
                "debt relief, payday loans, sweepstakes, get-rich schemes).",
            )


def sample_names_the_brand_with_opt_out(c: dict, e: Errors) -> None:
    sample = c["production_message_sample"]
    if not e.require(c, "production_message_sample", "Give a real message you will send."):
        return
    if not 20 <= len(sample) <= 1024:
        e.add("production_message_sample", "A sample has 20 to 1,024 characters.")
    if _names(c) and not names_brand(sample, _names(c)):
        e.add(
            "production_message_sample", "Name your business in the sample, as recipients see it."
        )
    if not OPT_OUT_LANGUAGE.search(sample):
        e.add("production_message_sample", "Add opt-out language, e.g. 'Reply STOP to opt out'.")
    for link in URL_IN_TEXT.findall(sample):
        problem = url_problem(link.rstrip(".,)"))
        if problem:
            e.add("production_message_sample", f"{link}: {problem}")


def opt_in_is_proven(c: dict, e: Errors) -> None:
    if c["opt_in_type"] not in OPT_IN_TYPES:
        e.add("opt_in_type", "Choose how recipients opt in.")
    if not c["opt_in_image_urls"]:
        e.add(
            "opt_in_image_urls",
            "Link a screenshot or page that shows how recipients opt in (the form, the keyword "
            "ad, the paper form).",
        )
    for url in c["opt_in_image_urls"]:
        problem = url_problem(url)
        if problem:
            e.add("opt_in_image_urls", f"{url}: {problem}")
    if c["opt_in_type"] == "VERBAL" and len(c["additional_information"]) < 40:
        e.add(
            "additional_information",
            "Verbal opt-in needs the script your staff read to collect consent (Twilio 30511).",
        )
    if c["opt_in_type"] == "VIA_TEXT" and not c["opt_in_keywords"]:
        e.add("opt_in_keywords", "Name the keyword recipients text to opt in.")


def volume_and_contacts_are_valid(c: dict, e: Errors) -> None:
    if c["message_volume"] not in MESSAGE_VOLUMES:
        e.add("message_volume", f"Choose a monthly volume: {', '.join(MESSAGE_VOLUMES)}.")
    e.require(c, "notification_email", "Give the email Twilio writes to about this verification.")
    for field in ("notification_email", "contact_email"):
        if not c[field]:
            continue
        try:
            email_validator(c[field])
        except ValidationError:
            e.add(field, "Enter a valid email address, like name@example.com.")


def age_gated_content_is_flagged(c: dict, e: Errors) -> None:
    text = f"{c['use_case_summary']} {c['production_message_sample']}"
    if AGE_GATED_WORDS.search(text) and not c["age_gated_content"]:
        e.add(
            "age_gated_content",
            "Messages about alcohol, tobacco, cannabis, firearms or "
            "gambling must be flagged age-gated.",
        )


TOLLFREE_RULE_TABLE = (
    Rule(
        business_facts_are_complete,
        "Business facts come from the business profile: legal name, website, business type, "
        "EIN (not for sole proprietors), full address and a contact with email and phone.",
    ),
    Rule(
        links_are_real_domains,
        "The website, privacy-policy and terms links are real domains (no IP, localhost or "
        "link shortener).",
    ),
    Rule(
        use_case_is_listed_and_allowed,
        "At least one listed use case and a 40+ character summary of who gets what; no "
        "content Twilio disallows on toll-free (cryptocurrency, debt relief, sweepstakes).",
    ),
    Rule(
        sample_names_the_brand_with_opt_out,
        "The sample message (20-1,024 characters) names the business, carries opt-out "
        "language and uses no link shortener.",
    ),
    Rule(
        opt_in_is_proven,
        "The opt-in type is given with a public URL proving how consent is collected; verbal "
        "opt-in comes with its script, text opt-in with its keyword.",
    ),
    Rule(
        volume_and_contacts_are_valid,
        "The monthly volume is one Twilio offers; the notification email is valid.",
    ),
    Rule(
        age_gated_content_is_flagged,
        "Messages about alcohol, tobacco, cannabis, firearms or gambling are flagged age-gated.",
    ),
)
TOLLFREE_RULES = tuple(rule.words for rule in TOLLFREE_RULE_TABLE)


def tollfree_preflight(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The normalized submission and every rule's messages per field, in form order."""
    cleaned = normalize(data)
    errors = Errors()
    for rule in TOLLFREE_RULE_TABLE:
        rule.check(cleaned, errors)
    order = {name: i for i, name in enumerate(TOLLFREE_FIELDS)}
    found = errors.items
    return cleaned, {f: found[f] for f in sorted(found, key=lambda f: order.get(f, len(order)))}
