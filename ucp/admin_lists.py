"""Labelled editable lists in the admin.

Django's changelist renders `list_editable` fields as bare inputs, one per row and column,
with no label: a screen reader hears "edit text, 3" fifty times. `LabelledListEditable`
names each input by its column and its row ("Order: Shouting or swearing"), so every
editable list in the admin is labelled without each ModelAdmin doing it.
"""

from __future__ import annotations

from django import forms


class LabelledChangelistForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = str(self.instance) if self.instance.pk else "new row"
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", f"{field.label}: {row}")


class LabelledListEditable:
    """A ModelAdmin mixin: the changelist's editable inputs carry an aria-label."""

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", LabelledChangelistForm)
        return super().get_changelist_form(request, **kwargs)
