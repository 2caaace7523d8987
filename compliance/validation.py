"""Pre-flight checks of a 10DLC submission, run before anything is sent to Twilio.

Carriers and The Campaign Registry reject brands and campaigns for a handful of recurring
reasons; each rule below catches one of them and says, beside the field, how to fix it.
`RULES` lists them in words (the portal shows it, and the closing note of the issue quotes it).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from compliance.vocab import (
    INDUSTRIES,
    JOB_POSITIONS,
    MARKETING_USE_CASES,
    REGIONS_OF_OPERATION,
    STOCK_EXCHANGES,
    USE_CASES,
    USE_CASES_BY_BRAND_TYPE,
    BrandType,
    CompanyType,
)
from tenants.models import BusinessProfile
from tenants.services import normalize_e164

BUSINESS_FIELDS = (
    "legal_name",
    "dba_name",
    "business_type",
    "company_type",
    "stock_exchange",
    "stock_ticker",
    "brand_contact_email",
    "industry",
    "ein",
    "website",
    "regions_of_operation",
    "address_street",
    "address_street2",
    "address_city",
    "address_region",
    "address_postal_code",
    "address_country",
    "rep_first_name",
    "rep_last_name",
    "rep_email",
    "rep_phone",
    "rep_business_title",
    "rep_job_position",
    "contact_email",
    "contact_phone",
)
BRAND_FIELDS = ("brand_type",)
CAMPAIGN_FIELDS = (
    "use_case",
    "description",
    "message_flow",
    "sample_messages",
    "opt_in_keywords",
    "opt_in_message",
    "opt_out_keywords",
    "opt_out_message",
    "help_keywords",
    "help_message",
    "has_embedded_links",
    "has_embedded_phone",
    "age_gated",
    "direct_lending",
    "privacy_policy_url",
    "terms_url",
)
LIST_FIELDS = ("sample_messages", "opt_in_keywords", "opt_out_keywords", "help_keywords")
BOOL_FIELDS = ("has_embedded_links", "has_embedded_phone", "age_gated", "direct_lending")
FORM_FIELDS = BUSINESS_FIELDS + BRAND_FIELDS + CAMPAIGN_FIELDS

RULES = (
    "Legal business name, business type, company type, industry, website, full address, "
    "authorized representative (name, email, phone, title, position) and region are present.",
    "The legal name is a registered name, not a website or email, and carries the designator "
    "its business type requires (an LLC's name ends in LLC, a corporation's in Inc, Corp, Co "
    "or Ltd), as on the IRS EIN letter.",
    "The EIN has 9 digits (12-3456789) with a prefix the IRS issues; businesses with an EIN "
    "register a standard or low-volume brand, and a sole-proprietor brand has no EIN.",
    "Public companies give their stock exchange, ticker and a brand contact email; the company "
    "type matches the business type (non-profit, government).",
    "The website is an http(s) address with a real domain: no IP address, localhost or link "
    "shortener.",
    "Phone numbers are valid E.164 numbers; emails are valid; the address is a street address "
    "(no PO box) with a 2-letter state and a 5-digit ZIP in the US.",
    "The use case is one the brand type may register.",
    "The campaign description (40+ characters) says who sends what and why.",
    "The message flow (40+ characters) describes how recipients give consent: the web form, "
    "keyword, checkbox or paper form, and what they agree to.",
    "Marketing, mixed and low-volume use cases state that recipients explicitly agree to "
    "receive marketing or promotional messages.",
    "2 to 5 sample messages of 20 to 1,024 characters, each naming the brand (legal or DBA "
    "name), at least one carrying opt-out language such as 'Reply STOP to opt out'.",
    "Samples with links or phone numbers match the embedded-link and embedded-phone flags; "
    "public link shorteners are not used.",
    "Opt-out keywords include STOP; the opt-out message names the brand and confirms no more "
    "messages will be sent.",
    "Help keywords include HELP; the help message names the brand and gives contact "
    "information (phone, email or website).",
    "Opt-in keywords, when used, come with an opt-in message naming the brand, saying 'Msg & "
    "data rates may apply' and how to opt out.",
    "Messages about alcohol, tobacco, cannabis, firearms or gambling are flagged age-gated; "
    "loans and credit are flagged direct lending.",
)

_DESIGNATORS = {
    "llc": ("llc", "limited liability company", "limited liability co", "ltd co", "lc"),
    "corporation": (
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "plc",
        "pc",
    ),
}
_INVALID_EIN_PREFIXES = {
    "00",
    "07",
    "08",
    "09",
    "17",
    "18",
    "19",
    "28",
    "29",
    "49",
    "69",
    "70",
    "78",
    "79",
    "89",
    "96",
    "97",
}
_SHORTENERS = {
    "bit.ly",
    "tinyurl.com",
    "goo.gl",
    "t.co",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "tiny.cc",
    "rb.gy",
}
_US_STATES = frozenset(
    {
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
        "VI",
        "GU",
        "AS",
        "MP",
    }
)
_URL_IN_TEXT = re.compile(
    r"(https?://\S+|\bwww\.\S+|\b[a-z0-9-]+\.(?:com|net|org|io|co|us)\b\S*)", re.I
)
_PHONE_IN_TEXT = re.compile(r"(\+?1?[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4})")
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_OPT_OUT_LANGUAGE = re.compile(r"\b(stop|unsubscribe|opt[\s-]?out|cancel)\b", re.I)
_CONSENT_WORDS = re.compile(
    r"\b(opt[\s-]?in|opts[\s-]?in|consent|agree|agrees|sign[\s-]?up|signs[\s-]?up|subscribe|"
    r"subscribes|check ?box|checks|tick|text(?:s|ing)? [A-Z]{2,}|keyword|web ?form|form|enroll)\b",
    re.I,
)
_MARKETING_WORDS = re.compile(r"\b(marketing|promotion(?:al|s)?|offers?|deals|discounts?)\b", re.I)
_RATES_LANGUAGE = re.compile(r"msg\s*(&|and)\s*data rates may apply|message and data rates", re.I)
_AGE_GATED_WORDS = re.compile(
    r"\b(alcohol|beer|wine|liquor|spirits|tobacco|cigar\w*|vape|vaping|cannabis|marijuana|cbd|"
    r"firearms?|guns?|gambling|casino|betting)\b",
    re.I,
)
_LENDING_WORDS = re.compile(r"\b(loans?|lending|lender|payday|cash advance|credit line)\b", re.I)
_PO_BOX = re.compile(r"\b(p\.?\s*o\.?\s*box|post office box)\b", re.I)
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_TICKER = re.compile(r"^[A-Z][A-Z0-9.]{0,5}$")
_KEYWORD = re.compile(r"^[A-Z0-9]{2,30}$")
_email = EmailValidator()


@dataclass
class Preflight:
    cleaned: dict[str, Any]
    errors: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = re.split(r"[\n,]+", value)
    return [str(item).strip() for item in value if str(item).strip()]


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Trim strings, split lists, upper-case keywords; unknown keys are dropped."""
    cleaned: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = data.get(name)
        if name in LIST_FIELDS:
            items = _as_list(value)
            if name.endswith("keywords"):
                items = list(dict.fromkeys(item.upper() for item in items))
            cleaned[name] = items
        elif name in BOOL_FIELDS:
            cleaned[name] = _as_bool(value)
        else:
            cleaned[name] = _text(value)
    for name in ("address_country", "address_region", "stock_ticker", "stock_exchange"):
        cleaned[name] = cleaned[name].upper()
    cleaned["industry"] = cleaned["industry"].upper()
    cleaned["use_case"] = cleaned["use_case"].upper()
    cleaned["brand_type"] = cleaned["brand_type"].upper()
    return cleaned


def brand_names(cleaned: dict[str, Any]) -> list[str]:
    """The names a recipient would recognise the sender by: legal name and DBA, each also
    without its legal designator ("Demo Coffee Co LLC" -> "Demo Coffee Co")."""
    names = []
    for raw in (cleaned.get("dba_name", ""), cleaned.get("legal_name", "")):
        name = _squash(raw)
        if not name:
            continue
        names.append(name)
        words = name.split()
        while len(words) > 1 and any(words[-1] in d for d in _DESIGNATORS.values()):
            words = words[:-1]
            names.append(" ".join(words))
    return [n for n in dict.fromkeys(names) if len(n) >= 2]


def _squash(text: str) -> str:
    """Lower case, periods dropped ("L.L.C." -> "llc"), other punctuation as spaces."""
    return " ".join(re.sub(r"[^\w&']", " ", text.lower().replace(".", "")).split())


def names_brand(text: str, names: list[str]) -> bool:
    squashed = f" {_squash(text)} "
    return any(f" {n} " in squashed for n in names)


def _has_designator(name: str, business_type: str) -> bool:
    required = _DESIGNATORS.get(business_type)
    if not required:
        return True
    joined = f" {_squash(name)}"
    return any(joined.endswith(f" {d}") or f" {d} " in f"{joined} " for d in required)


def _check_legal_name(c: dict, e: _Errors) -> None:
    name = c["legal_name"]
    looks_like_address = "@" in name or (
        " " not in name and "." in name and _url_problem(name) is None
    )
    if looks_like_address:
        e.add(
            "legal_name",
            "Enter the registered name of the business, not a website or email address.",
        )
        return
    if not _has_designator(name, c["business_type"]):
        kind, suffix = (
            ("an LLC", "LLC") if c["business_type"] == "llc" else ("a corporation", "Inc")
        )
        e.add(
            "legal_name",
            f"The legal name of {kind} carries its designator ({suffix}, as on the IRS record); "
            f"carriers reject names that don't match it. Use the exact name on your EIN "
            f"letter, e.g. '{name} {suffix}'.",
        )


class _Errors:
    def __init__(self) -> None:
        self.items: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.items.setdefault(field, []).append(message)

    def require(self, cleaned: dict, field: str, message: str) -> bool:
        if not cleaned.get(field):
            self.add(field, message)
            return False
        return True


def _url_problem(value: str) -> str | None:
    try:
        parts = urlsplit(value if "://" in value else f"https://{value}")
        host = (parts.hostname or "").lower()
    except ValueError:  # an unbalanced "[" (IPv6 brackets)
        return "This is not a web address; use the form https://www.example.com."
    if parts.scheme not in ("http", "https"):
        return "Use an address starting with https:// (or http://)."
    if not host:
        return "This is not a web address; use the form https://www.example.com."
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return "Use your website's domain name, not an IP address."
    if host == "localhost" or host.endswith(".local") or host.endswith(".localhost"):
        return "Use the public address of your website, not a local one."
    if "." not in host or not re.search(r"\.[a-z]{2,}$", host):
        return "This doesn't look like a reachable website: use a full domain like example.com."
    if host in _SHORTENERS or host.removeprefix("www.") in _SHORTENERS:
        return "Carriers reject link shorteners; use your own domain."
    return None


def _check_business(c: dict, e: _Errors) -> None:
    sole = c["brand_type"] == BrandType.SOLE_PROPRIETOR
    if e.require(c, "legal_name", "Enter the business's legal name as on its tax documents."):
        _check_legal_name(c, e)
    if (
        e.require(c, "business_type", "Choose the business type.")
        and c["business_type"] not in BusinessProfile.BusinessType.values
    ):
        e.add("business_type", "Choose one of the listed business types.")
    if e.require(c, "company_type", "Choose the company type."):
        if c["company_type"] not in CompanyType.values:
            e.add("company_type", "Choose private, public, non-profit or government.")
        elif c["company_type"] == CompanyType.PUBLIC:
            if c["stock_exchange"] not in STOCK_EXCHANGES:
                e.add(
                    "stock_exchange",
                    "Public companies give the exchange their stock is "
                    "listed on (e.g. NASDAQ, NYSE).",
                )
            if not _TICKER.match(c["stock_ticker"]):
                e.add("stock_ticker", "Public companies give their stock ticker, e.g. TWLO.")
            if not c["brand_contact_email"]:
                e.add(
                    "brand_contact_email",
                    "Public companies give a brand contact email; "
                    "the carriers send it a verification email.",
                )
        elif c["company_type"] == CompanyType.NON_PROFIT and c["business_type"] != "non_profit":
            e.add(
                "company_type",
                "A non-profit company type needs the business type "
                "'Non-profit'; change one of the two.",
            )
        elif c["company_type"] == CompanyType.GOVERNMENT and c["business_type"] != "government":
            e.add(
                "company_type",
                "A government company type needs the business type "
                "'Government'; change one of the two.",
            )
    if c["brand_contact_email"]:
        _check_email(c, e, "brand_contact_email")
    if (
        e.require(c, "industry", "Choose the industry the business is in.")
        and c["industry"] not in INDUSTRIES
    ):
        e.add("industry", "Choose one of the listed industries.")
    ein = re.sub(r"\D", "", c["ein"])
    if sole:
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
    elif ein[:2] in _INVALID_EIN_PREFIXES or len(set(ein)) == 1:
        e.add(
            "ein",
            f"{ein[:2]}-{ein[2:]} is not an EIN the IRS issues; copy it from your "
            "EIN confirmation letter (CP 575).",
        )
    else:
        c["ein"] = f"{ein[:2]}-{ein[2:]}"
    if c["website"]:
        problem = _url_problem(c["website"])
        if problem:
            e.add("website", problem)
        elif "://" not in c["website"]:
            c["website"] = "https://" + c["website"]
    elif not sole:
        e.add("website", "Enter the business's website; carriers check it matches the brand.")
    if not c["regions_of_operation"]:
        c["regions_of_operation"] = "USA_AND_CANADA"
    elif c["regions_of_operation"] not in REGIONS_OF_OPERATION:
        e.add("regions_of_operation", "Choose one of the listed regions.")
    _check_address(c, e)
    _check_representative(c, e)
    if c["contact_email"]:
        _check_email(c, e, "contact_email")
    if c["contact_phone"]:
        _check_phone(c, e, "contact_phone")


def _check_email(c: dict, e: _Errors, field: str) -> None:
    try:
        _email(c[field])
    except ValidationError:
        e.add(field, "Enter a valid email address, like name@example.com.")


def _check_phone(c: dict, e: _Errors, field: str) -> None:
    try:
        c[field] = normalize_e164(c[field])
    except ValidationError:
        e.add(field, "Enter a valid phone number in E.164 format, like +14155550123.")


def _check_address(c: dict, e: _Errors) -> None:
    if e.require(c, "address_street", "Enter the street address of the business.") and (
        _PO_BOX.search(c["address_street"]) or _PO_BOX.search(c["address_street2"])
    ):
        e.add("address_street", "Carriers need a physical street address; a PO box is refused.")
    e.require(c, "address_city", "Enter the city.")
    country = c["address_country"] or "US"
    c["address_country"] = country
    if not re.fullmatch(r"[A-Z]{2}", country):
        e.add("address_country", "Use the 2-letter country code, e.g. US.")
    if (
        e.require(c, "address_region", "Enter the state or region.")
        and country == "US"
        and c["address_region"] not in _US_STATES
    ):
        e.add("address_region", "Use the 2-letter state code, e.g. CA.")
    if (
        e.require(c, "address_postal_code", "Enter the postal code.")
        and country == "US"
        and not _ZIP.match(c["address_postal_code"])
    ):
        e.add("address_postal_code", "A US ZIP code has 5 digits (or ZIP+4, 94105-1234).")


def _check_representative(c: dict, e: _Errors) -> None:
    e.require(c, "rep_first_name", "Enter the authorized representative's first name.")
    e.require(c, "rep_last_name", "Enter the authorized representative's last name.")
    if e.require(c, "rep_email", "Enter the authorized representative's email."):
        _check_email(c, e, "rep_email")
    if e.require(c, "rep_phone", "Enter the authorized representative's phone number."):
        _check_phone(c, e, "rep_phone")
        if (
            c["brand_type"] == BrandType.SOLE_PROPRIETOR
            and "rep_phone" not in e.items
            and not c["rep_phone"].startswith("+1")
        ):
            e.add(
                "rep_phone",
                "A sole proprietor needs a US or Canadian mobile number; the "
                "carriers text it a one-time passcode.",
            )
    e.require(c, "rep_business_title", "Enter the representative's job title, e.g. Owner.")
    if (
        e.require(c, "rep_job_position", "Choose the representative's position.")
        and c["rep_job_position"] not in JOB_POSITIONS
    ):
        e.add("rep_job_position", f"Choose one of: {', '.join(JOB_POSITIONS)}.")


def _check_campaign(c: dict, e: _Errors) -> None:
    names = brand_names(c)
    brand_label = c["dba_name"] or c["legal_name"] or "your brand"
    if (
        e.require(c, "brand_type", "Choose the brand type.")
        and c["brand_type"] not in BrandType.values
    ):
        e.add("brand_type", "Choose standard, low-volume standard or sole proprietor.")
    if e.require(c, "use_case", "Choose what the messages are for."):
        allowed = USE_CASES_BY_BRAND_TYPE.get(c["brand_type"], tuple(USE_CASES))
        if c["use_case"] not in USE_CASES:
            e.add("use_case", "Choose one of the listed use cases.")
        elif c["use_case"] not in allowed:
            label = BrandType(c["brand_type"]).label if c["brand_type"] in BrandType.values else ""
            e.add("use_case", f"A {label.lower()} brand can register: {', '.join(allowed)}.")
    description = c["description"]
    if e.require(c, "description", "Describe the campaign: who sends what to whom, and why."):
        if len(description) < 40:
            e.add(
                "description",
                "Say more (at least 40 characters): who sends the messages, "
                "to whom, and what they are about.",
            )
        elif len(description) > 4096:
            e.add("description", "Keep the description under 4,096 characters.")
    flow = c["message_flow"]
    if e.require(c, "message_flow", "Describe how recipients agree to receive the messages."):
        if len(flow) < 40:
            e.add(
                "message_flow",
                "Say more (at least 40 characters) about where and how recipients opt in.",
            )
        elif not _CONSENT_WORDS.search(flow):
            e.add(
                "message_flow",
                "Describe the consent: where recipients opt in (web form, "
                "checkbox, texting a keyword, paper form) and what they agree to receive.",
            )
        elif len(flow) > 2048:
            e.add("message_flow", "Keep the message flow under 2,048 characters.")
        if c["use_case"] in MARKETING_USE_CASES and not (
            _MARKETING_WORDS.search(flow) and _CONSENT_WORDS.search(flow)
        ):
            e.add(
                "message_flow",
                "Marketing messages need explicit consent: say that "
                "recipients agree to receive marketing or promotional messages (e.g. an "
                "unchecked box 'I agree to receive promotional texts from "
                f"{brand_label}').",
            )
    _check_samples(c, e, names, brand_label)
    _check_keywords(c, e, names, brand_label)
    text = " ".join([description, flow, *c["sample_messages"]])
    if _AGE_GATED_WORDS.search(text) and not c["age_gated"]:
        e.add(
            "age_gated",
            "The messages mention age-restricted products (alcohol, tobacco, "
            "cannabis, firearms or gambling): mark the campaign age-gated.",
        )
    if _LENDING_WORDS.search(text) and not c["direct_lending"]:
        e.add(
            "direct_lending",
            "The messages mention loans or credit: mark the campaign as direct lending.",
        )
    for field in ("privacy_policy_url", "terms_url"):
        if c[field]:
            problem = _url_problem(c[field])
            if problem:
                e.add(field, problem)


def _check_samples(c: dict, e: _Errors, names: list[str], brand_label: str) -> None:
    samples = c["sample_messages"]
    if len(samples) < 2:
        e.add("sample_messages", "Give at least two sample messages exactly as you'll send them.")
    elif len(samples) > 5:
        e.add("sample_messages", "Give at most five sample messages.")
    has_link = has_phone = False
    for index, sample in enumerate(samples):
        field = f"sample_messages.{index}"
        if not 20 <= len(sample) <= 1024:
            e.add(field, "A sample message has 20 to 1,024 characters.")
        if names and not names_brand(sample, names):
            e.add(
                field,
                f"Name the brand in every sample, e.g. start with '{brand_label}:'; "
                "carriers reject messages that don't say who is sending.",
            )
        links = _URL_IN_TEXT.findall(sample)
        for link in links:
            host = urlsplit(link if "://" in link else f"https://{link}").hostname or ""
            if host.removeprefix("www.") in _SHORTENERS:
                e.add(field, "Carriers block public link shorteners; link to your own domain.")
        has_link = has_link or bool(links)
        without_links = _URL_IN_TEXT.sub(" ", sample)
        has_phone = has_phone or bool(_PHONE_IN_TEXT.search(without_links))
    if samples and not any(_OPT_OUT_LANGUAGE.search(s) for s in samples):
        e.add("sample_messages", "Add opt-out language to a sample, e.g. 'Reply STOP to opt out.'")
    if has_link and not c["has_embedded_links"]:
        e.add("has_embedded_links", "Your samples contain a link: tick 'messages contain links'.")
    if c["has_embedded_links"] and samples and not has_link:
        e.add("has_embedded_links", "You said messages contain links: include one in a sample.")
    if has_phone and not c["has_embedded_phone"]:
        e.add(
            "has_embedded_phone",
            "Your samples contain a phone number: tick 'messages contain phone numbers'.",
        )


def _check_keywords(c: dict, e: _Errors, names: list[str], brand_label: str) -> None:
    for field in ("opt_in_keywords", "opt_out_keywords", "help_keywords"):
        bad = [k for k in c[field] if not _KEYWORD.match(k)]
        if bad:
            e.add(field, f"Keywords are single words of letters and digits: {', '.join(bad)}.")
    if "STOP" not in c["opt_out_keywords"]:
        e.add("opt_out_keywords", "Opt-out keywords must include STOP (carriers require it).")
    message = c["opt_out_message"]
    if e.require(c, "opt_out_message", "Write the reply sent when someone opts out."):
        if names and not names_brand(message, names):
            e.add(
                "opt_out_message",
                f"Name the brand in the opt-out reply, e.g. "
                f"'{brand_label}: You are unsubscribed...'.",
            )
        if not re.search(
            r"unsubscribed|opted out|no (more|further) messages|will not receive", message, re.I
        ):
            e.add(
                "opt_out_message",
                "Confirm that no more messages will be sent, e.g. 'You "
                "are unsubscribed and will receive no more messages.'",
            )
    if "HELP" not in c["help_keywords"]:
        e.add("help_keywords", "Help keywords must include HELP (carriers require it).")
    message = c["help_message"]
    if e.require(c, "help_message", "Write the reply sent when someone texts HELP."):
        if names and not names_brand(message, names):
            e.add(
                "help_message",
                f"Name the brand in the help reply, e.g. '{brand_label}: For help...'.",
            )
        if not (
            _EMAIL_IN_TEXT.search(message)
            or _PHONE_IN_TEXT.search(message)
            or _URL_IN_TEXT.search(message)
        ):
            e.add(
                "help_message",
                "Give contact information in the help reply: a phone "
                "number, an email address or a support website.",
            )
    if c["opt_in_keywords"] or c["opt_in_message"]:
        message = c["opt_in_message"]
        if not message:
            e.add(
                "opt_in_message", "Write the confirmation sent when someone opts in with a keyword."
            )
        else:
            if names and not names_brand(message, names):
                e.add(
                    "opt_in_message",
                    f"Name the brand in the opt-in confirmation, e.g. "
                    f"'{brand_label}: You're subscribed...'.",
                )
            if not _RATES_LANGUAGE.search(message):
                e.add(
                    "opt_in_message", "Say 'Msg & data rates may apply' in the opt-in confirmation."
                )
            if not _OPT_OUT_LANGUAGE.search(message):
                e.add(
                    "opt_in_message",
                    "Say how to opt out in the opt-in confirmation, e.g. 'Reply STOP to opt out.'",
                )


def preflight(data: dict[str, Any]) -> Preflight:
    """Normalize a submission and check every rule; nothing is sent anywhere."""
    cleaned = normalize(data)
    errors = _Errors()
    _check_business(cleaned, errors)
    _check_campaign(cleaned, errors)
    return Preflight(cleaned=cleaned, errors=errors.items)


def validate_submission(data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned submission, or a ValidationError naming each failing field."""
    result = preflight(data)
    if not result.ok:
        raise ValidationError(result.errors)
    return result.cleaned
