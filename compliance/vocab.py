"""Twilio's A2P 10DLC vocabulary, and the plain words the portal uses for it.

Values come from Twilio's ISV onboarding guide and the TrustHub / messaging OpenAPI specs
(see `../shared/reference/twilio-api-facts.md`, section 7).
"""

from django.db import models

# --- TrustHub policies ------------------------------------------------------------------

SECONDARY_PROFILE_POLICY = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
A2P_TRUST_PRODUCT_POLICY = "RNb0d4771c2c98518d916a3d4cd70a8f8b"
STARTER_PROFILE_POLICY = "RN806dd6cd175f314e1f96a9727ee271f4"
SOLE_PROP_TRUST_PRODUCT_POLICY = "RN670d5d2e282a6130ae063b234b6019c8"
PRIMARY_PROFILE_POLICY = "RN6433641899984f951173ef1738c3bdd0"

# End-user and supporting-document types the chain creates.
BUSINESS_INFO_TYPE = "customer_profile_business_information"
REPRESENTATIVE_TYPES = ("authorized_representative_1", "authorized_representative_2")
A2P_PROFILE_INFO_TYPE = "us_a2p_messaging_profile_information"
ADDRESS_DOCUMENT_TYPE = "customer_profile_address"

# A sole proprietor's brand OTP: the owner must reply YES within this many hours.
SOLE_PROP_OTP_HOURS = 24

# The campaign SID is the same constant for every messaging service.
CAMPAIGN_SID = "QE2c6890da8086d771620e9b13fadeba0b"


class BrandType(models.TextChoices):
    STANDARD = "STANDARD", "Standard"
    LOW_VOLUME_STANDARD = "LOW_VOLUME_STANDARD", "Low-volume standard"
    SOLE_PROPRIETOR = "SOLE_PROPRIETOR", "Sole proprietor"


BRAND_TYPE_HELP = {
    BrandType.STANDARD: "For businesses with an EIN sending more than about 6,000 messages a "
    "day. Includes secondary vetting, which sets your throughput.",
    BrandType.LOW_VOLUME_STANDARD: "For businesses with an EIN sending fewer than 6,000 "
    "message segments a day. Cheaper, no vetting, lower throughput.",
    BrandType.SOLE_PROPRIETOR: "For individuals and small businesses without an EIN. "
    "One campaign and one number, about one message a second.",
}


class CompanyType(models.TextChoices):
    PRIVATE = "private", "Privately held company"
    PUBLIC = "public", "Publicly traded company"
    NON_PROFIT = "non_profit", "Non-profit organization"
    GOVERNMENT = "government", "Government entity"


# Platform business type -> TrustHub `business_type` attribute.
TWILIO_BUSINESS_TYPES = {
    "sole_proprietorship": "Sole Proprietorship",
    "partnership": "Partnership",
    "llc": "Limited Liability Corporation",
    "corporation": "Corporation",
    "co_operative": "Co-operative",
    "non_profit": "Non-profit Corporation",
    "government": "Non-profit Corporation",
}

INDUSTRIES = (
    "AGRICULTURE",
    "AUTOMOTIVE",
    "BANKING",
    "CONSTRUCTION",
    "CONSUMER",
    "EDUCATION",
    "ELECTRONICS",
    "ENERGY",
    "ENGINEERING",
    "FAST_MOVING_CONSUMER_GOODS",
    "FINANCIAL",
    "FINTECH",
    "FOOD_AND_BEVERAGE",
    "GOVERNMENT",
    "HEALTHCARE",
    "HOSPITALITY",
    "INSURANCE",
    "JEWELRY",
    "LEGAL",
    "MANUFACTURING",
    "MEDIA",
    "NOT_FOR_PROFIT",
    "OIL_AND_GAS",
    "ONLINE",
    "PROFESSIONAL_SERVICES",
    "RAW_MATERIALS",
    "REAL_ESTATE",
    "RELIGION",
    "RETAIL",
    "TECHNOLOGY",
    "TELECOMMUNICATIONS",
    "TRANSPORTATION",
    "TRAVEL",
)

REGIONS_OF_OPERATION = ("USA_AND_CANADA", "AFRICA", "ASIA", "EUROPE", "LATIN_AMERICA")

JOB_POSITIONS = ("Director", "GM", "VP", "CEO", "CFO", "General Counsel", "Other")

STOCK_EXCHANGES = (
    "NASDAQ",
    "NYSE",
    "AMEX",
    "AMX",
    "ASX",
    "B3",
    "BME",
    "BSE",
    "FRA",
    "ICEX",
    "JPX",
    "JSE",
    "KRX",
    "LON",
    "NSE",
    "OMX",
    "SEHK",
    "SGX",
    "SSE",
    "STO",
    "SWX",
    "SZSE",
    "TSX",
    "TWSE",
    "VSE",
    "OTHER",
)

# Use cases offered to owners, with the words the wizard shows. Twilio's full list is longer;
# these are the ones an ordinary business registers (political, charity and emergency
# campaigns need extra vetting the platform doesn't run).
USE_CASES = {
    "ACCOUNT_NOTIFICATION": "Account notifications: status updates about a customer's account",
    "CUSTOMER_CARE": "Customer care: support conversations and account help",
    "DELIVERY_NOTIFICATION": "Delivery notifications: order and shipping updates",
    "2FA": "Two-factor authentication: one-time passcodes",
    "FRAUD_ALERT": "Fraud alerts: warnings about suspicious activity",
    "SECURITY_ALERT": "Security alerts: notices about a security incident",
    "MARKETING": "Marketing: promotions, offers and announcements",
    "MIXED": "Mixed: several use cases, including marketing",
    "HIGHER_EDUCATION": "Higher education: messages from colleges and universities",
    "POLLING_VOTING": "Polling and voting: surveys (not political campaigns)",
    "PUBLIC_SERVICE_ANNOUNCEMENT": "Public service announcements",
    "LOW_VOLUME": "Low-volume mixed: several small use cases together",
    "SOLE_PROPRIETOR": "Sole proprietor: the one campaign a sole-proprietor brand may have",
}
MARKETING_USE_CASES = frozenset({"MARKETING", "MIXED", "LOW_VOLUME", "SWEEPSTAKE"})

# Which use cases each brand type may register (Twilio answers the same through
# `Compliance/Usa2p/Usecases`; the wizard needs it before any brand exists).
USE_CASES_BY_BRAND_TYPE = {
    BrandType.STANDARD: tuple(c for c in USE_CASES if c not in ("SOLE_PROPRIETOR", "LOW_VOLUME")),
    BrandType.LOW_VOLUME_STANDARD: tuple(c for c in USE_CASES if c != "SOLE_PROPRIETOR"),
    BrandType.SOLE_PROPRIETOR: ("SOLE_PROPRIETOR",),
}

DEFAULT_OPT_OUT_KEYWORDS = ["STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]
DEFAULT_HELP_KEYWORDS = ["HELP", "INFO"]
DEFAULT_OPT_IN_KEYWORDS = ["START", "JOIN"]


def throughput_tier(brand_type: str, brand_score: int | None) -> str:
    """The sending capacity a brand's type and trust score imply (Twilio's published tiers)."""
    if brand_type == BrandType.SOLE_PROPRIETOR:
        return "Sole proprietor: about 1 message/s; 1,000 messages a day to T-Mobile"
    if brand_type == BrandType.LOW_VOLUME_STANDARD:
        return "Low-volume standard: 3.75 messages/s; up to 6,000 segments a day"
    if brand_score is None:
        return "Standard, not vetted yet: 12 messages/s; 2,000 messages a day to T-Mobile"
    if brand_score >= 75:
        return "Standard, high trust: 225 messages/s; 200,000 messages a day to T-Mobile"
    if brand_score >= 50:
        return "Standard, medium trust: 120 messages/s; 40,000 messages a day to T-Mobile"
    if brand_score >= 25:
        return "Standard, low trust: 12 messages/s; 10,000 messages a day to T-Mobile"
    return "Standard, lowest trust: 12 messages/s; 2,000 messages a day to T-Mobile"


# TrustHub evaluation field names -> the words the owner knows from the wizard.
FIELD_WORDS = {
    "business_name": "legal business name",
    "business_registration_number": "EIN (tax ID)",
    "business_registration_identifier": "type of registration number",
    "business_type": "business type",
    "business_industry": "industry",
    "business_identity": "business identity",
    "business_regions_of_operation": "regions of operation",
    "website_url": "website",
    "first_name": "representative's first name",
    "last_name": "representative's last name",
    "email": "representative's email",
    "phone_number": "representative's phone number",
    "business_title": "representative's job title",
    "job_position": "representative's position",
    "company_type": "company type",
    "stock_exchange": "stock exchange",
    "stock_ticker": "stock ticker",
    "brand_contact_email": "brand contact email",
    "address_sids": "business address",
}


def field_words(name: str) -> str:
    return FIELD_WORDS.get(name, name.replace("_", " "))
