"""Contract scenarios for Lookups v2."""


def lookups(ctx) -> None:
    phone_numbers = ctx.sub.client.lookups.v2.phone_numbers
    phone_numbers("+14155550125").fetch(fields="line_type_intelligence,caller_name")
    phone_numbers("4155550126").fetch(country_code="US")
    phone_numbers("+1415555012").fetch()


SCENARIOS = {"lookups": ({"GET lookups:/v2/PhoneNumbers/{PhoneNumber}"}, lookups)}
