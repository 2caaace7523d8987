"""Contract scenarios for Lookups v2."""

from sandbox.resources.lookups import packages
from sandbox.testing import error_of


def lookups(ctx) -> None:
    phone_numbers = ctx.sub.client.lookups.v2.phone_numbers
    phone_numbers("+14155550125").fetch(fields="line_type_intelligence,caller_name")
    phone_numbers("4155550126").fetch(country_code="US")
    phone_numbers("+1415555012").fetch()
    phone_numbers("+14155550127").fetch(fields=",".join(packages.FIELDS))
    phone_numbers("+447700900123").fetch(fields="caller_name,sms_pumping_risk")
    error_of(lambda: phone_numbers("+14155550128").fetch(fields="carrier"))


SCENARIOS = {"lookups": ({"GET lookups:/v2/PhoneNumbers/{PhoneNumber}"}, lookups)}
