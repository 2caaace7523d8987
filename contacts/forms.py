"""The portal's contact book forms, each turned into the data the services take (the
services check the rules; their field-named errors land back on these fields)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from contacts.filters import ADDRESS_KINDS, CONSENT_CHANNELS, MAX_DAYS, OPS_BY_TYPE
from contacts.models import Audience, ConsentSource, FieldType
from contacts.services.import_rows import ATTRIBUTES, FIELD_PREFIX

CHANNEL_CHOICES = [("sms", "SMS"), ("whatsapp", "WhatsApp"), ("email", "Email")]
CONDITION_ROWS = 3
ALL_OPS = sorted({op for ops in OPS_BY_TYPE.values() for op in ops})
OP_LABELS = {
    "eq": "is",
    "ne": "is not",
    "contains": "contains",
    "gt": "greater than",
    "lt": "less than",
    "gte": "at least",
    "lte": "at most",
    "before": "before",
    "after": "after",
}


def attach_errors(form: forms.Form, error: ValidationError, aliases: dict | None = None) -> None:
    """A service's field-named errors on the form's fields (the rest at the top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        target = (aliases or {}).get(name, name)
        if target not in form.fields and "." in target:
            target = (aliases or {}).get(target.split(".")[0], target.split(".")[0])
        form.add_error(target if target in form.fields else None, problems)


class ContactForm(forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    phone = forms.CharField(
        max_length=32, required=False, help_text="Any notation; saved as E.164."
    )
    email = forms.EmailField(max_length=254, required=False)
    whatsapp = forms.CharField(label="WhatsApp number", max_length=32, required=False)
    tags = forms.CharField(max_length=1000, required=False, help_text="Comma-separated.")
    time_zone = forms.CharField(
        max_length=64,
        required=False,
        help_text="IANA zone such as America/Chicago; leave blank to take it from the number.",
    )
    consent_channels = forms.MultipleChoiceField(
        label="Record an opt-in for",
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_source = forms.ChoiceField(
        label="How the opt-in was collected",
        choices=[("", "—"), *ConsentSource.choices],
        required=False,
    )

    def __init__(self, *args, custom_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.custom_fields = list(custom_fields)
        for field in self.custom_fields:
            help_text = {FieldType.NUMBER: "A number.", FieldType.DATE: "YYYY-MM-DD."}.get(
                field.type, ""
            )
            self.fields[f"field_{field.key}"] = forms.CharField(
                label=field.label, max_length=200, required=False, help_text=help_text
            )

    def clean(self):
        data = super().clean()
        if data.get("consent_channels") and not data.get("consent_source"):
            self.add_error("consent_source", "Say how the opt-in was collected.")
        return data

    def data_for_service(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in (
                "first_name",
                "last_name",
                "phone",
                "email",
                "whatsapp",
                "tags",
                "time_zone",
            )
        }
        data["fields"] = {
            f.key: self.cleaned_data.get(f"field_{f.key}", "") for f in self.custom_fields
        }
        source = self.cleaned_data.get("consent_source")
        data["consent"] = {c: source for c in self.cleaned_data.get("consent_channels", [])}
        return data

    @classmethod
    def initial_for(cls, contact) -> dict[str, Any]:
        initial = {
            name: getattr(contact, name)
            for name in ("first_name", "last_name", "phone", "email", "whatsapp")
        }
        initial["tags"] = ", ".join(contact.tag_list)
        if contact.time_zone_source == "manual":
            initial["time_zone"] = contact.time_zone
        initial.update({f"field_{k}": v for k, v in (contact.fields or {}).items()})
        return initial

    @property
    def service_aliases(self) -> dict[str, str]:
        aliases = {f"fields.{f.key}": f"field_{f.key}" for f in self.custom_fields}
        aliases.update({f"consent.{c}": "consent_source" for c in CONSENT_CHANNELS})
        return aliases


class FieldForm(forms.Form):
    label = forms.CharField(max_length=100)
    key = forms.CharField(
        max_length=40, help_text="How imports and filters name it: age, renewal_date."
    )
    type = forms.ChoiceField(choices=FieldType.choices)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="UTF-8 CSV; the first row names the columns."
    )


class ImportOptionsForm(forms.Form):
    """Step 2: one select per CSV column, then the consent the list carries."""

    consent_channels = forms.MultipleChoiceField(
        label="These contacts opted in to",
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only if you hold their consent to marketing on these channels.",
    )
    consent_source = forms.ChoiceField(
        label="How their consent was collected",
        choices=[("", "—"), *ConsentSource.choices],
        required=False,
        help_text="Required when the list grants consent.",
    )
    add_tags = forms.CharField(
        label="Tag every imported contact",
        max_length=500,
        required=False,
        help_text="Comma-separated, e.g. expo-2026.",
    )

    def __init__(self, *args, columns=(), custom_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        targets = [
            ("", "Skip this column"),
            *((a, a.replace("_", " ").capitalize()) for a in ATTRIBUTES),
        ]
        targets += [(f"{FIELD_PREFIX}{f.key}", f"Custom: {f.label}") for f in custom_fields]
        self.columns = list(columns)
        self.column_fields = []
        for index, column in enumerate(self.columns):
            name = f"map_{index}"
            self.fields[name] = forms.ChoiceField(label=column, choices=targets, required=False)
            self.column_fields.append(name)

    def data_for_service(self) -> dict[str, Any]:
        return {
            "mapping": {c: self.cleaned_data[f"map_{i}"] for i, c in enumerate(self.columns)},
            "consent_channels": self.cleaned_data["consent_channels"],
            "consent_source": self.cleaned_data["consent_source"],
            "add_tags": self.cleaned_data["add_tags"],
        }

    @classmethod
    def initial_for(cls, job) -> dict[str, Any]:
        initial = {f"map_{i}": job.mapping.get(c, "") for i, c in enumerate(job.columns)}
        initial.update(
            consent_channels=job.consent_channels,
            consent_source=job.consent_source,
            add_tags=job.add_tags,
        )
        return initial

    @property
    def service_aliases(self) -> dict[str, str]:
        return {f"mapping.{c}": f"map_{i}" for i, c in enumerate(self.columns)}


class AudienceForm(forms.Form):
    """An audience and, for a saved filter, its conditions as plain inputs."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(max_length=500, required=False)
    kind = forms.ChoiceField(choices=Audience.Kind.choices, initial=Audience.Kind.FILTER)
    tags_any = forms.CharField(label="Has any of the tags", max_length=1000, required=False)
    tags_all = forms.CharField(label="Has all of the tags", max_length=1000, required=False)
    tags_none = forms.CharField(label="Has none of the tags", max_length=1000, required=False)
    consent = forms.MultipleChoiceField(
        label="Opted in to",
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    has = forms.MultipleChoiceField(
        label="Has",
        choices=[(k, k.capitalize()) for k in ADDRESS_KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activity = forms.ChoiceField(
        label="Last activity",
        required=False,
        choices=[
            ("", "Any time"),
            ("within_days", "Within the last"),
            ("older_than_days", "Not in the last"),
        ],
    )
    activity_days = forms.IntegerField(
        label="Days", min_value=1, max_value=MAX_DAYS, required=False
    )

    def __init__(self, *args, custom_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        keys = [("", "—"), *((f.key, f.label) for f in custom_fields)]
        ops = [(op, OP_LABELS[op]) for op in ALL_OPS]
        for i in range(CONDITION_ROWS):
            self.fields[f"cond_{i}_key"] = forms.ChoiceField(
                label="Field", choices=keys, required=False
            )
            self.fields[f"cond_{i}_op"] = forms.ChoiceField(label="is", choices=ops, required=False)
            self.fields[f"cond_{i}_value"] = forms.CharField(
                label="Value", max_length=200, required=False
            )

    @property
    def condition_rows(self) -> list[list]:
        return [
            [self[f"cond_{i}_{part}"] for part in ("key", "op", "value")]
            for i in range(CONDITION_ROWS)
        ]

    def filter_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {}
        for name in ("tags_any", "tags_all", "tags_none"):
            tags = [t.strip() for t in (data.get(name) or "").split(",") if t.strip()]
            if tags:
                result[name] = tags
        for name in ("consent", "has"):
            if data.get(name):
                result[name] = data[name]
        if data.get("activity") and data.get("activity_days"):
            result["last_activity"] = {data["activity"]: data["activity_days"]}
        conditions = []
        for i in range(CONDITION_ROWS):
            if data.get(f"cond_{i}_key"):
                conditions.append(
                    {
                        "key": data[f"cond_{i}_key"],
                        "op": data.get(f"cond_{i}_op"),
                        "value": data.get(f"cond_{i}_value", ""),
                    }
                )
        if conditions:
            result["fields"] = conditions
        return result

    def data_for_service(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ("name", "description", "kind")}
        if data["kind"] == Audience.Kind.FILTER:
            data["filter"] = self.filter_data()
        return data

    @classmethod
    def initial_for(cls, audience: Audience) -> dict[str, Any]:
        saved = audience.filter or {}
        initial: dict[str, Any] = {
            "name": audience.name,
            "description": audience.description,
            "kind": audience.kind,
        }
        for name in ("tags_any", "tags_all", "tags_none"):
            initial[name] = ", ".join(saved.get(name, []))
        initial["consent"] = saved.get("consent", [])
        initial["has"] = saved.get("has", [])
        for key, days in saved.get("last_activity", {}).items():
            initial.update(activity=key, activity_days=days)
        for i, condition in enumerate(saved.get("fields", [])[:CONDITION_ROWS]):
            initial.update(
                {
                    f"cond_{i}_key": condition["key"],
                    f"cond_{i}_op": condition["op"],
                    f"cond_{i}_value": condition["value"],
                }
            )
        return initial

    @property
    def service_aliases(self) -> dict[str, str]:
        aliases = {
            f"filter.{n}": n for n in ("tags_any", "tags_all", "tags_none", "consent", "has")
        }
        aliases["filter.last_activity"] = "activity_days"
        for i in range(CONDITION_ROWS):
            for part in ("key", "op", "value"):
                aliases[f"filter.fields.{i}.{part}"] = f"cond_{i}_{part}"
            aliases[f"filter.fields.{i}"] = f"cond_{i}_key"
        return aliases
