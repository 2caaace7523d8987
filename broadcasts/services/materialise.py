"""Materialising a broadcast's recipients: one `INSERT … SELECT` from the audience, in the
database, with the opt-out anti-join (for email the suppression list: the opt-outs of
channel email), the marketing-consent rule, the channel's address and dedupe on it.
`ON CONFLICT DO NOTHING` on (broadcast, address) makes a second run insert nothing, so a
re-launch or a second click can't duplicate a recipient.

No Python loop per contact: the audience's queryset is compiled and wrapped, and the
counters come from one aggregate over the same rows.
"""

from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastRecipient, Purpose, RecipientStatus
from contacts.models import Contact
from contacts.selectors import audience_contacts
from messaging.models import OptOut

# The recipient columns the SELECT fills, in order (the rest keep their NULLs).
COLUMNS = ("tenant_id", "broadcast_id", "contact_id", "address", "status", "skip_reason")


@dataclass(frozen=True)
class Materialised:
    inserted: int
    total: int
    opted_out: int
    skipped: int


def address_expression(channel: str) -> models.Expression:
    """Where the channel reaches a contact: SMS its phone, WhatsApp its WhatsApp number or
    else its phone, email its address lower-cased as the suppression list keeps it ("" when
    it has none)."""
    if channel == "whatsapp":
        return Coalesce(NullIf(F("whatsapp"), Value("")), F("phone"))
    if channel == "email":
        return Lower(F("email"))
    return F("phone")


def _addressed(broadcast: Broadcast) -> QuerySet[Contact]:
    """The audience's contacts with the channel's address as `b_address`."""
    return (
        audience_contacts(broadcast.audience)
        .order_by()
        .annotate(b_address=address_expression(broadcast.channel))
    )


def _opt_outs(broadcast: Broadcast) -> QuerySet[OptOut]:
    return OptOut.objects.filter(tenant_id=broadcast.tenant_id, channel=broadcast.channel)


def eligible(broadcast: Broadcast) -> QuerySet[Contact]:
    """The audience's contacts the broadcast may message: an address, not opted out, and
    for marketing a recorded opt-in on the channel."""
    opted_out = _opt_outs(broadcast).filter(number=OuterRef("b_address"))
    rows = _addressed(broadcast).exclude(b_address="").filter(~Exists(opted_out))
    if broadcast.purpose == Purpose.MARKETING:
        rows = rows.filter(**{f"{broadcast.channel}_consent_at__isnull": False})
    return rows


def _counts(broadcast: Broadcast) -> tuple[int, int]:
    """(the audience's size, how many of it are opted out): two set-based counts (a
    semi-join, not a lookup per contact)."""
    total = audience_contacts(broadcast.audience).count()
    opted_out = (
        _addressed(broadcast)
        .exclude(b_address="")
        .filter(b_address__in=_opt_outs(broadcast).values("number"))
        .count()
    )
    return total, opted_out


def _insert_sql(broadcast: Broadcast) -> tuple[str, tuple]:
    rows = (
        eligible(broadcast)
        .annotate(
            r_tenant=F("tenant_id"),
            r_broadcast=Value(broadcast.pk, output_field=models.UUIDField()),
            r_contact=F("id"),
            r_address=F("b_address"),
            r_status=Value(RecipientStatus.PENDING, output_field=models.CharField()),
            r_skip=Value("", output_field=models.CharField()),
        )
        .values_list("r_tenant", "r_broadcast", "r_contact", "r_address", "r_status", "r_skip")
        # In the unique index's order: its pages fill one after the other instead of at
        # random (the sort costs far less than a million random index inserts).
        .order_by("b_address")
    )
    select_sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(BroadcastRecipient._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    sql = (
        f"INSERT INTO {table} ({columns}) {select_sql} "
        'ON CONFLICT ("broadcast_id", "address") DO NOTHING'
    )
    return sql, params


def materialise(broadcast: Broadcast) -> Materialised:
    """Insert the broadcast's recipients and set its counters (one statement each). Safe to
    run again: the second run inserts nothing and leaves the counters as they are."""
    with transaction.atomic():
        locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        sql, params = _insert_sql(broadcast)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = max(cursor.rowcount, 0)
        if locked.materialised_at is not None:
            Broadcast.objects.filter(pk=broadcast.pk).update(
                total=F("total") + inserted, pending=F("pending") + inserted
            )
            return Materialised(inserted, inserted, 0, 0)
        total, opted_out = _counts(broadcast)
        skipped = max(total - opted_out - inserted, 0)
        Broadcast.objects.filter(pk=broadcast.pk).update(
            total=total,
            pending=inserted,
            opted_out=opted_out,
            skipped=skipped,
            materialised_at=timezone.now(),
            updated_at=timezone.now(),
        )
    return Materialised(inserted, total, opted_out, skipped)
