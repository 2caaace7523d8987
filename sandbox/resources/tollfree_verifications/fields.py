"""The fields of a toll-free verification as Twilio takes them: names, enums, and the rules
its descriptions state (BusinessType required; registration number, authority and country
required except for a sole proprietor)."""

from __future__ import annotations

import re

from sandbox.core.errors import invalid_param, missing_param
from sandbox.core.request import SandboxRequest

REQUIRED = (
    "BusinessName",
    "BusinessWebsite",
    "NotificationEmail",
    "UseCaseCategories",
    "UseCaseSummary",
    "ProductionMessageSample",
    "OptInImageUrls",
    "OptInType",
    "MessageVolume",
    "TollfreePhoneNumberSid",
)
EDITABLE = (
    *(name for name in REQUIRED if name != "TollfreePhoneNumberSid"),
    "BusinessStreetAddress",
    "BusinessStreetAddress2",
    "BusinessCity",
    "BusinessStateProvinceRegion",
    "BusinessPostalCode",
    "BusinessCountry",
    "AdditionalInformation",
    "BusinessContactFirstName",
    "BusinessContactLastName",
    "BusinessContactEmail",
    "BusinessContactPhone",
    "BusinessRegistrationNumber",
    "BusinessRegistrationAuthority",
    "BusinessRegistrationCountry",
    "BusinessType",
    "BusinessRegistrationPhoneNumber",
    "DoingBusinessAs",
    "OptInConfirmationMessage",
    "HelpMessageSample",
    "PrivacyPolicyUrl",
    "TermsAndConditionsUrl",
    "AgeGatedContent",
    "OptInKeywords",
    "VettingProvider",
    "VettingId",
)
CREATE_ONLY = ("TollfreePhoneNumberSid", "CustomerProfileSid", "ExternalReferenceId")
LISTS = ("UseCaseCategories", "OptInImageUrls", "OptInKeywords")
BOOLEANS = ("AgeGatedContent",)
REGISTRATION = (
    "BusinessRegistrationNumber",
    "BusinessRegistrationAuthority",
    "BusinessRegistrationCountry",
)

USE_CASE_CATEGORIES = frozenset(
    {
        "TWO_FACTOR_AUTHENTICATION",
        "ACCOUNT_NOTIFICATIONS",
        "CUSTOMER_CARE",
        "CHARITY_NONPROFIT",
        "DELIVERY_NOTIFICATIONS",
        "FRAUD_ALERT_MESSAGING",
        "EVENTS",
        "HIGHER_EDUCATION",
        "K12",
        "MARKETING",
        "POLLING_AND_VOTING_NON_POLITICAL",
        "POLITICAL_ELECTION_CAMPAIGNS",
        "PUBLIC_SERVICE_ANNOUNCEMENT",
        "SECURITY_ALERT",
    }
)
ENUMS = {
    "OptInType": frozenset(
        {
            "VERBAL",
            "WEB_FORM",
            "PAPER_FORM",
            "VIA_TEXT",
            "MOBILE_QR_CODE",
            "IMPORT",
            "IMPORT_PLEASE_REPLACE",
        }
    ),
    "BusinessType": frozenset(
        {"PRIVATE_PROFIT", "PUBLIC_PROFIT", "SOLE_PROPRIETOR", "NON_PROFIT", "GOVERNMENT"}
    ),
    "BusinessRegistrationAuthority": frozenset(
        [
            "EIN",
            "CBN",
            "CRN",
            "PROVINCIAL_NUMBER",
            "VAT",
            "ACN",
            "ABN",
            "BRN",
            "SIREN",
            "SIRET",
            "NZBN",
            "USt-IdNr",
            "CIF",
            "NIF",
            "CNPJ",
            "UID",
            "NEQ",
            "OTHER",
        ]
    ),
    "VettingProvider": frozenset({"CAMPAIGN_VERIFY"}),
}
MAX_VETTING_ID = 500


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def read(req: SandboxRequest, names: tuple[str, ...]) -> dict:
    """The given params present in the request, validated, keyed by snake_case name."""
    values: dict = {}
    for name in names:
        if not req.has(name):
            continue
        if name in LISTS:
            value = [v for v in req.get_list(name) if v]
        elif name in BOOLEANS:
            value = req.get_bool(name)
        else:
            value = req.get(name) or ""
        _check(name, value)
        values[snake(name)] = value
    return values


def _check(name: str, value) -> None:
    if name == "UseCaseCategories":
        unknown = [v for v in value if v not in USE_CASE_CATEGORIES]
        if unknown:
            raise invalid_param(name, f"UseCaseCategories has unknown values: {', '.join(unknown)}")
    elif name in ENUMS and value and value not in ENUMS[name]:
        raise invalid_param(name, f"{name} must be one of {', '.join(sorted(ENUMS[name]))}")
    elif name == "VettingId" and len(value) > MAX_VETTING_ID:
        raise invalid_param(name, f"VettingId is longer than {MAX_VETTING_ID} characters")


def check_complete(values: dict) -> None:
    """Every field a verification needs (the spec's required list, plus the description rules)."""
    for name in (*REQUIRED, "BusinessType"):
        if name == "TollfreePhoneNumberSid":
            continue
        if not values.get(snake(name)):
            raise missing_param(name)
    if values["business_type"] != "SOLE_PROPRIETOR":
        for name in REGISTRATION:
            if not values.get(snake(name)):
                raise missing_param(name)
