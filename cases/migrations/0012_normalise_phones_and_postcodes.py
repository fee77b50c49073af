"""Existing customers' phone numbers in E.164 and UK postcodes in their one form.

What parses is normalised (and the change is in the customer's history, like any other);
what does not is left exactly as it was, for a person to put right the next time the record
is edited (the form then says what is wrong). Uses ucp.phones and ucp.postcodes, the same
rules the forms and services use, so the records and the new entries agree.
"""

from django.db import migrations
from django.utils import timezone

from ucp import phones
from ucp.postcodes import uk_postcode

REASON = "Phone number or postcode normalised (data migration)"


def normalise(apps, schema_editor):
    Customer = apps.get_model("cases", "Customer")
    Historical = apps.get_model("cases", "HistoricalCustomer")
    fields = [f.attname for f in Customer._meta.concrete_fields]
    now = timezone.now()
    for customer in Customer.objects.iterator():
        changed = []
        e164 = phones.to_e164(customer.phone) if customer.phone else None
        if e164 and e164 != customer.phone:
            customer.phone = e164
            customer.phone_digits = phones.digits(e164)
            changed += ["phone", "phone_digits"]
        postcode = uk_postcode(customer.postcode) if customer.postcode else None
        if postcode and postcode != customer.postcode:
            customer.postcode = postcode
            changed.append("postcode")
        if not changed:
            continue
        customer.save(update_fields=changed)
        Historical.objects.create(
            **{name: getattr(customer, name) for name in fields},
            history_date=now, history_type="~", history_change_reason=REASON,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0011_customer_address_outside_uk"),
    ]

    operations = [
        migrations.RunPython(normalise, migrations.RunPython.noop),
    ]
