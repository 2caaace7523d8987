"""The campaign rules: what is sent, how people agree to it, and how they stop it."""

import re
from urllib.parse import urlsplit

from compliance.validation.fields import Errors, brand_label, choose
from compliance.validation.text import (
    AGE_GATED_WORDS,
    CONSENT_WORDS,
    EMAIL_IN_TEXT,
    KEYWORD,
    LENDING_WORDS,
    MARKETING_WORDS,
    OPT_OUT_LANGUAGE,
    PHONE_IN_TEXT,
    RATES_LANGUAGE,
    SHORTENERS,
    URL_IN_TEXT,
    brand_names,
    names_brand,
)
from compliance.vocab import (
    MARKETING_USE_CASES,
    USE_CASES,
    USE_CASES_BY_BRAND_TYPE,
    BrandType,
)


def use_case_is_allowed_for_the_brand_type(c: dict, e: Errors) -> None:
    choose(
        c,
        e,
        "brand_type",
        "Choose the brand type.",
        BrandType.values,
        "Choose standard, low-volume standard or sole proprietor.",
    )
    if not e.require(c, "use_case", "Choose what the messages are for."):
        return
    allowed = USE_CASES_BY_BRAND_TYPE.get(c["brand_type"], tuple(USE_CASES))
    if c["use_case"] not in USE_CASES:
        e.add("use_case", "Choose one of the listed use cases.")
    elif c["use_case"] not in allowed:
        label = BrandType(c["brand_type"]).label if c["brand_type"] in BrandType.values else ""
        e.add("use_case", f"A {label.lower()} brand can register: {', '.join(allowed)}.")


def description_is_at_least_40_characters(c: dict, e: Errors) -> None:
    description = c["description"]
    if not e.require(c, "description", "Describe the campaign: who sends what to whom, and why."):
        return
    if len(description) < 40:
        e.add(
            "description",
            "Say more (at least 40 characters): who sends the messages, "
            "to whom, and what they are about.",
        )
    elif len(description) > 4096:
        e.add("description", "Keep the description under 4,096 characters.")


def message_flow_describes_consent_in_40_characters(c: dict, e: Errors) -> None:
    flow = c["message_flow"]
    if not e.require(c, "message_flow", "Describe how recipients agree to receive the messages."):
        return
    if len(flow) < 40:
        e.add(
            "message_flow",
            "Say more (at least 40 characters) about where and how recipients opt in.",
        )
    elif not CONSENT_WORDS.search(flow):
        e.add(
            "message_flow",
            "Describe the consent: where recipients opt in (web form, "
            "checkbox, texting a keyword, paper form) and what they agree to receive.",
        )
    elif len(flow) > 2048:
        e.add("message_flow", "Keep the message flow under 2,048 characters.")


def marketing_states_explicit_consent(c: dict, e: Errors) -> None:
    flow = c["message_flow"]
    if not flow or c["use_case"] not in MARKETING_USE_CASES:
        return
    if not (MARKETING_WORDS.search(flow) and CONSENT_WORDS.search(flow)):
        e.add(
            "message_flow",
            "Marketing messages need explicit consent: say that "
            "recipients agree to receive marketing or promotional messages (e.g. an "
            "unchecked box 'I agree to receive promotional texts from "
            f"{brand_label(c)}').",
        )


def samples_name_the_brand_with_opt_out(c: dict, e: Errors) -> None:
    samples, names = c["sample_messages"], brand_names(c)
    if len(samples) < 2:
        e.add("sample_messages", "Give at least two sample messages exactly as you'll send them.")
    elif len(samples) > 5:
        e.add("sample_messages", "Give at most five sample messages.")
    for index, sample in enumerate(samples):
        field = f"sample_messages.{index}"
        if not 20 <= len(sample) <= 1024:
            e.add(field, "A sample message has 20 to 1,024 characters.")
        if names and not names_brand(sample, names):
            e.add(
                field,
                f"Name the brand in every sample, e.g. start with '{brand_label(c)}:'; "
                "carriers reject messages that don't say who is sending.",
            )
    if samples and not any(OPT_OUT_LANGUAGE.search(s) for s in samples):
        e.add("sample_messages", "Add opt-out language to a sample, e.g. 'Reply STOP to opt out.'")


def sample_links_and_phones_match_their_flags(c: dict, e: Errors) -> None:
    samples = c["sample_messages"]
    has_link = has_phone = False
    for index, sample in enumerate(samples):
        links = URL_IN_TEXT.findall(sample)
        for link in links:
            host = urlsplit(link if "://" in link else f"https://{link}").hostname or ""
            if host.removeprefix("www.") in SHORTENERS:
                e.add(
                    f"sample_messages.{index}",
                    "Carriers block public link shorteners; link to your own domain.",
                )
        has_link = has_link or bool(links)
        has_phone = has_phone or bool(PHONE_IN_TEXT.search(URL_IN_TEXT.sub(" ", sample)))
    if has_link and not c["has_embedded_links"]:
        e.add("has_embedded_links", "Your samples contain a link: tick 'messages contain links'.")
    if c["has_embedded_links"] and samples and not has_link:
        e.add("has_embedded_links", "You said messages contain links: include one in a sample.")
    if has_phone and not c["has_embedded_phone"]:
        e.add(
            "has_embedded_phone",
            "Your samples contain a phone number: tick 'messages contain phone numbers'.",
        )


def _keywords_are_words(c: dict, e: Errors, field: str) -> None:
    bad = [k for k in c[field] if not KEYWORD.match(k)]
    if bad:
        e.add(field, f"Keywords are single words of letters and digits: {', '.join(bad)}.")


def _names_the_brand(c: dict, e: Errors, field: str, example: str) -> None:
    names = brand_names(c)
    if names and not names_brand(c[field], names):
        e.add(field, example.format(brand=brand_label(c)))


def opt_out_includes_stop_with_a_branded_reply(c: dict, e: Errors) -> None:
    _keywords_are_words(c, e, "opt_out_keywords")
    if "STOP" not in c["opt_out_keywords"]:
        e.add("opt_out_keywords", "Opt-out keywords must include STOP (carriers require it).")
    if not e.require(c, "opt_out_message", "Write the reply sent when someone opts out."):
        return
    _names_the_brand(
        c,
        e,
        "opt_out_message",
        "Name the brand in the opt-out reply, e.g. '{brand}: You are unsubscribed...'.",
    )
    if not re.search(
        r"unsubscribed|opted out|no (more|further) messages|will not receive",
        c["opt_out_message"],
        re.I,
    ):
        e.add(
            "opt_out_message",
            "Confirm that no more messages will be sent, e.g. 'You "
            "are unsubscribed and will receive no more messages.'",
        )


def help_includes_help_with_contact_details(c: dict, e: Errors) -> None:
    _keywords_are_words(c, e, "help_keywords")
    if "HELP" not in c["help_keywords"]:
        e.add("help_keywords", "Help keywords must include HELP (carriers require it).")
    if not e.require(c, "help_message", "Write the reply sent when someone texts HELP."):
        return
    _names_the_brand(
        c, e, "help_message", "Name the brand in the help reply, e.g. '{brand}: For help...'."
    )
    message = c["help_message"]
    if not (
        EMAIL_IN_TEXT.search(message)
        or PHONE_IN_TEXT.search(message)
        or URL_IN_TEXT.search(message)
    ):
        e.add(
            "help_message",
            "Give contact information in the help reply: a phone "
            "number, an email address or a support website.",
        )


def opt_in_reply_states_rates_and_opt_out(c: dict, e: Errors) -> None:
    _keywords_are_words(c, e, "opt_in_keywords")
    if not (c["opt_in_keywords"] or c["opt_in_message"]):
        return
    message = c["opt_in_message"]
    if not message:
        e.add("opt_in_message", "Write the confirmation sent when someone opts in with a keyword.")
        return
    _names_the_brand(
        c,
        e,
        "opt_in_message",
        "Name the brand in the opt-in confirmation, e.g. '{brand}: You're subscribed...'.",
    )
    if not RATES_LANGUAGE.search(message):
        e.add("opt_in_message", "Say 'Msg & data rates may apply' in the opt-in confirmation.")
    if not OPT_OUT_LANGUAGE.search(message):
        e.add(
            "opt_in_message",
            "Say how to opt out in the opt-in confirmation, e.g. 'Reply STOP to opt out.'",
        )


def age_gated_and_lending_content_is_flagged(c: dict, e: Errors) -> None:
    text = " ".join([c["description"], c["message_flow"], *c["sample_messages"]])
    if AGE_GATED_WORDS.search(text) and not c["age_gated"]:
        e.add(
            "age_gated",
            "The messages mention age-restricted products (alcohol, tobacco, "
            "cannabis, firearms or gambling): mark the campaign age-gated.",
        )
    if LENDING_WORDS.search(text) and not c["direct_lending"]:
        e.add(
            "direct_lending",
            "The messages mention loans or credit: mark the campaign as direct lending.",
        )
