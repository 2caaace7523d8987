"""The pre-flight rules, one function each, named after the rule and listed in `RULE_TABLE`.

Each rule reads the normalized submission, adds its messages beside the fields to fix, and
may tidy the value it checked (an EIN written 12-3456789, a website given its https://).
The table's words are what the portal shows as "What we check before sending anything".
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from compliance.validation.business import (
    ein_is_9_digits_with_an_irs_prefix,
    legal_name_is_registered_with_its_designator,
    phones_emails_and_address_are_valid,
    public_company_fields_are_filled,
    required_business_fields_are_present,
    website_is_a_real_domain,
)
from compliance.validation.campaign import (
    age_gated_and_lending_content_is_flagged,
    description_is_at_least_40_characters,
    help_includes_help_with_contact_details,
    marketing_states_explicit_consent,
    message_flow_describes_consent_in_40_characters,
    opt_in_reply_states_rates_and_opt_out,
    opt_out_includes_stop_with_a_branded_reply,
    sample_links_and_phones_match_their_flags,
    samples_name_the_brand_with_opt_out,
    use_case_is_allowed_for_the_brand_type,
)
from compliance.validation.fields import Errors


@dataclass(frozen=True)
class Rule:
    check: Callable[[dict, Errors], None]
    words: str


RULE_TABLE = (
    Rule(
        required_business_fields_are_present,
        "Legal business name, business type, company type, industry, website, full address, "
        "authorized representative (name, email, phone, title, position) and region are "
        "present.",
    ),
    Rule(
        legal_name_is_registered_with_its_designator,
        "The legal name is a registered name, not a website or email, and carries the "
        "designator its business type requires (an LLC's name ends in LLC, a corporation's in "
        "Inc, Corp, Co or Ltd), as on the IRS EIN letter.",
    ),
    Rule(
        ein_is_9_digits_with_an_irs_prefix,
        "The EIN has 9 digits (12-3456789) with a prefix the IRS issues; businesses with an "
        "EIN register a standard or low-volume brand, and a sole-proprietor brand has no EIN.",
    ),
    Rule(
        public_company_fields_are_filled,
        "Public companies give their stock exchange, ticker and a brand contact email; the "
        "company type matches the business type (non-profit, government).",
    ),
    Rule(
        website_is_a_real_domain,
        "The website is an http(s) address with a real domain: no IP address, localhost or "
        "link shortener.",
    ),
    Rule(
        phones_emails_and_address_are_valid,
        "Phone numbers are valid E.164 numbers; emails are valid; the address is a street "
        "address (no PO box) with a 2-letter state and a 5-digit ZIP in the US.",
    ),
    Rule(
        use_case_is_allowed_for_the_brand_type,
        "The use case is one the brand type may register.",
    ),
    Rule(
        description_is_at_least_40_characters,
        "The campaign description (40+ characters) says who sends what and why.",
    ),
    Rule(
        message_flow_describes_consent_in_40_characters,
        "The message flow (40+ characters) describes how recipients give consent: the web "
        "form, keyword, checkbox or paper form, and what they agree to.",
    ),
    Rule(
        marketing_states_explicit_consent,
        "Marketing, mixed and low-volume use cases state that recipients explicitly agree to "
        "receive marketing or promotional messages.",
    ),
    Rule(
        samples_name_the_brand_with_opt_out,
        "2 to 5 sample messages of 20 to 1,024 characters, each naming the brand (legal or "
        "DBA name), at least one carrying opt-out language such as 'Reply STOP to opt out'.",
    ),
    Rule(
        sample_links_and_phones_match_their_flags,
        "Samples with links or phone numbers match the embedded-link and embedded-phone "
        "flags; public link shorteners are not used.",
    ),
    Rule(
        opt_out_includes_stop_with_a_branded_reply,
        "Opt-out keywords include STOP; the opt-out message names the brand and confirms no "
        "more messages will be sent.",
    ),
    Rule(
        help_includes_help_with_contact_details,
        "Help keywords include HELP; the help message names the brand and gives contact "
        "information (phone, email or website).",
    ),
    Rule(
        opt_in_reply_states_rates_and_opt_out,
        "Opt-in keywords, when used, come with an opt-in message naming the brand, saying "
        "'Msg & data rates may apply' and how to opt out.",
    ),
    Rule(
        age_gated_and_lending_content_is_flagged,
        "Messages about alcohol, tobacco, cannabis, firearms or gambling are flagged "
        "age-gated; loans and credit are flagged direct lending.",
    ),
)
RULES = tuple(rule.words for rule in RULE_TABLE)


def check_all(cleaned: dict[str, Any]) -> dict[str, list[str]]:
    """Every rule's messages, per field."""
    errors = Errors()
    for rule in RULE_TABLE:
        rule.check(cleaned, errors)
    return errors.items
