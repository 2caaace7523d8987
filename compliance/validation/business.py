"""The business and brand rules: who the sender is, checked the way TCR and the IRS see it."""

import re

from django.core.exceptions import ValidationError

from compliance.validation.fields import Errors, choose, is_sole_proprietor
from compliance.validation.text import (
    INVALID_EIN_PREFIXES,
    PO_BOX,
    TICKER,
    US_STATES,
    ZIP,
    email_validator,
    has_designator,
    url_problem,
)
from compliance.vocab import (
    INDUSTRIES,
    JOB_POSITIONS,
    REGIONS_OF_OPERATION,
    STOCK_EXCHANGES,
    CompanyType,
)
from tenants.models import BusinessProfile
from tenants.services import normalize_e164


def required_business_fields_are_present(c: dict, e: Errors) -> None:
    e.require(c, "legal_name", "Enter the business's legal name as on its tax documents.")
    business_types = BusinessProfile.BusinessType.values
    choose(
        c,
        e,
        "business_type",
        "Choose the business type.",
        business_types,
        "Choose one of the listed business types.",
    )
    choose(
        c,
        e,
        "company_type",
        "Choose the company type.",
        CompanyType.values,
        "Choose private, public, non-profit or government.",
    )
    choose(
        c,
        e,
        "industry",
        "Choose the industry the business is in.",
        INDUSTRIES,
        "Choose one of the listed industries.",
    )
    if not c["website"] and not is_sole_proprietor(c):
        e.add("website", "Enter the business's website; carriers check it matches the brand.")
    if not c["regions_of_operation"]:
        c["regions_of_operation"] = "USA_AND_CANADA"
    elif c["regions_of_operation"] not in REGIONS_OF_OPERATION:
        e.add("regions_of_operation", "Choose one of the listed regions.")
    e.require(c, "address_street", "Enter the street address of the business.")
    e.require(c, "address_city", "Enter the city.")
    e.require(c, "address_region", "Enter the state or region.")
    e.require(c, "address_postal_code", "Enter the postal code.")
    e.require(c, "rep_first_name", "Enter the authorized representative's first name.")
    e.require(c, "rep_last_name", "Enter the authorized representative's last name.")
    e.require(c, "rep_email", "Enter the authorized representative's email.")
    e.require(c, "rep_phone", "Enter the authorized representative's phone number.")
    e.require(c, "rep_business_title", "Enter the representative's job title, e.g. Owner.")
    choose(
        c,
        e,
        "rep_job_position",
        "Choose the representative's position.",
        JOB_POSITIONS,
        f"Choose one of: {', '.join(JOB_POSITIONS)}.",
    )


def legal_name_is_registered_with_its_designator(c: dict, e: Errors) -> None:
    name = c["legal_name"]
    if not name:
        return
    looks_like_address = "@" in name or (
        " " not in name and "." in name and url_problem(name) is None
    )
    if looks_like_address:
        e.add(
            "legal_name",
            "Enter the registered name of the business, not a website or email address.",
        )
    elif not has_designator(name, c["business_type"]):
        kind, suffix = (
            ("an LLC", "LLC") if c["business_type"] == "llc" else ("a corporation", "Inc")
        )
        e.add(
            "legal_name",
            f"The legal name of {kind} carries its designator ({suffix}, as on the IRS record); "
            f"carriers reject names that don't match it. Use the exact name on your EIN "
            f"letter, e.g. '{name} {suffix}'.",
        )


def ein_is_9_digits_with_an_irs_prefix(c: dict, e: Errors) -> None:
    ein = re.sub(r"\D", "", c["ein"])
    if is_sole_proprietor(c):
        if c["ein"]:
            e.add(
                "ein",
                "A sole-proprietor brand is only for businesses without an EIN; with "
                "an EIN, register a standard or low-volume standard brand.",
            )
    elif not c["ein"]:
        e.add(
            "ein",
            "Enter the 9-digit EIN (federal tax ID), e.g. 12-3456789. Businesses "
            "without an EIN register as a sole proprietor.",
        )
    elif len(ein) != 9 or not c["ein"].replace("-", "").replace(" ", "").isdigit():
        e.add("ein", "An EIN has 9 digits, written 12-3456789.")
    elif ein[:2] in INVALID_EIN_PREFIXES or len(set(ein)) == 1:
        e.add(
            "ein",
            f"{ein[:2]}-{ein[2:]} is not an EIN the IRS issues; copy it from your "
            "EIN confirmation letter (CP 575).",
        )
    else:
        c["ein"] = f"{ein[:2]}-{ein[2:]}"


def public_company_fields_are_filled(c: dict, e: Errors) -> None:
    company_type = c["company_type"]
    if company_type == CompanyType.PUBLIC:
        if c["stock_exchange"] not in STOCK_EXCHANGES:
            e.add(
                "stock_exchange",
                "Public companies give the exchange their stock is listed on (e.g. NASDAQ, NYSE).",
            )
        if not TICKER.match(c["stock_ticker"]):
            e.add("stock_ticker", "Public companies give their stock ticker, e.g. TWLO.")
        if not c["brand_contact_email"]:
            e.add(
                "brand_contact_email",
                "Public companies give a brand contact email; "
                "the carriers send it a verification email.",
            )
    elif company_type == CompanyType.NON_PROFIT and c["business_type"] != "non_profit":
        e.add(
            "company_type",
            "A non-profit company type needs the business type "
            "'Non-profit'; change one of the two.",
        )
    elif company_type == CompanyType.GOVERNMENT and c["business_type"] != "government":
        e.add(
            "company_type",
            "A government company type needs the business type "
            "'Government'; change one of the two.",
        )


def website_is_a_real_domain(c: dict, e: Errors) -> None:
    """The website, and the privacy-policy and terms links when given."""
    if c["website"]:
        problem = url_problem(c["website"])
        if problem:
            e.add("website", problem)
        elif "://" not in c["website"]:
            c["website"] = "https://" + c["website"]
    for field in ("privacy_policy_url", "terms_url"):
        if c[field]:
            problem = url_problem(c[field])
            if problem:
                e.add(field, problem)


def _valid_email(c: dict, e: Errors, field: str) -> None:
    if not c[field]:
        return
    try:
        email_validator(c[field])
    except ValidationError:
        e.add(field, "Enter a valid email address, like name@example.com.")


def _valid_phone(c: dict, e: Errors, field: str) -> None:
    if not c[field]:
        return
    try:
        c[field] = normalize_e164(c[field])
    except ValidationError:
        e.add(field, "Enter a valid phone number in E.164 format, like +14155550123.")


def _street_address(c: dict, e: Errors) -> None:
    if c["address_street"] and (
        PO_BOX.search(c["address_street"]) or PO_BOX.search(c["address_street2"])
    ):
        e.add("address_street", "Carriers need a physical street address; a PO box is refused.")
    country = c["address_country"] or "US"
    c["address_country"] = country
    if not re.fullmatch(r"[A-Z]{2}", country):
        e.add("address_country", "Use the 2-letter country code, e.g. US.")
    if country == "US" and c["address_region"] and c["address_region"] not in US_STATES:
        e.add("address_region", "Use the 2-letter state code, e.g. CA.")
    if country == "US" and c["address_postal_code"] and not ZIP.match(c["address_postal_code"]):
        e.add("address_postal_code", "A US ZIP code has 5 digits (or ZIP+4, 94105-1234).")


def phones_emails_and_address_are_valid(c: dict, e: Errors) -> None:
    for field in ("brand_contact_email", "rep_email", "contact_email"):
        _valid_email(c, e, field)
    for field in ("rep_phone", "contact_phone"):
        _valid_phone(c, e, field)
    if (
        is_sole_proprietor(c)
        and c["rep_phone"]
        and "rep_phone" not in e.items
        and not c["rep_phone"].startswith("+1")
    ):
        e.add(
            "rep_phone",
            "A sole proprietor needs a US or Canadian mobile number; the "
            "carriers text it a one-time passcode.",
        )
    _street_address(c, e)
