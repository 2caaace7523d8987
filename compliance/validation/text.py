"""What the rules look for in the text of a submission: brand names, links, phone numbers,
consent and opt-out wording, and the lists carriers and the IRS go by."""

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from django.core.validators import EmailValidator

# A business type -> the designators its legal name may carry.
DESIGNATORS = {
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
# EIN prefixes the IRS does not issue.
INVALID_EIN_PREFIXES = frozenset(
    [
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
    ]
)
SHORTENERS = frozenset(
    [
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
    ]
)
# The 50 states, DC and the territories.
US_STATES = frozenset(
    [
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
    ]
)
URL_IN_TEXT = re.compile(
    r"(https?://\S+|\bwww\.\S+|\b[a-z0-9-]+\.(?:com|net|org|io|co|us)\b\S*)", re.I
)
PHONE_IN_TEXT = re.compile(r"(\+?1?[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4})")
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
OPT_OUT_LANGUAGE = re.compile(r"\b(stop|unsubscribe|opt[\s-]?out|cancel)\b", re.I)
CONSENT_WORDS = re.compile(
    r"\b(opt[\s-]?in|opts[\s-]?in|consent|agree|agrees|sign[\s-]?up|signs[\s-]?up|subscribe|"
    r"subscribes|check ?box|checks|tick|text(?:s|ing)? [A-Z]{2,}|keyword|web ?form|form|enroll)\b",
    re.I,
)
MARKETING_WORDS = re.compile(r"\b(marketing|promotion(?:al|s)?|offers?|deals|discounts?)\b", re.I)
RATES_LANGUAGE = re.compile(r"msg\s*(&|and)\s*data rates may apply|message and data rates", re.I)
AGE_GATED_WORDS = re.compile(
    r"\b(alcohol|beer|wine|liquor|spirits|tobacco|cigar\w*|vape|vaping|cannabis|marijuana|cbd|"
    r"firearms?|guns?|gambling|casino|betting)\b",
    re.I,
)
LENDING_WORDS = re.compile(r"\b(loans?|lending|lender|payday|cash advance|credit line)\b", re.I)
PO_BOX = re.compile(r"\b(p\.?\s*o\.?\s*box|post office box)\b", re.I)
ZIP = re.compile(r"^\d{5}(-\d{4})?$")
TICKER = re.compile(r"^[A-Z][A-Z0-9.]{0,5}$")
KEYWORD = re.compile(r"^[A-Z0-9]{2,30}$")
email_validator = EmailValidator()


def brand_names(cleaned: dict[str, Any]) -> list[str]:
    """The names a recipient would recognise the sender by: legal name and DBA, each also
    without its legal designator ("Demo Coffee Co LLC" -> "Demo Coffee Co")."""
    names = []
    for raw in (cleaned.get("dba_name", ""), cleaned.get("legal_name", "")):
        name = squash(raw)
        if not name:
            continue
        names.append(name)
        words = name.split()
        while len(words) > 1 and any(words[-1] in d for d in DESIGNATORS.values()):
            words = words[:-1]
            names.append(" ".join(words))
    return [n for n in dict.fromkeys(names) if len(n) >= 2]


def squash(text: str) -> str:
    """Lower case, periods dropped ("L.L.C." -> "llc"), other punctuation as spaces."""
    return " ".join(re.sub(r"[^\w&']", " ", text.lower().replace(".", "")).split())


def names_brand(text: str, names: list[str]) -> bool:
    squashed = f" {squash(text)} "
    return any(f" {n} " in squashed for n in names)


def has_designator(name: str, business_type: str) -> bool:
    required = DESIGNATORS.get(business_type)
    if not required:
        return True
    joined = f" {squash(name)}"
    return any(joined.endswith(f" {d}") or f" {d} " in f"{joined} " for d in required)


def url_problem(value: str) -> str | None:
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
    if host in SHORTENERS or host.removeprefix("www.") in SHORTENERS:
        return "Carriers reject link shorteners; use your own domain."
    return None
