"""Administrators edit reference data here. Case records change only through the pages and
their services, so they are not registered here at all."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Indicator
from ucp.admin_lists import LabelledListEditable


@admin.register(Indicator)
class IndicatorAdmin(LabelledListEditable, SimpleHistoryAdmin):
    list_display = ["text", "group", "order", "active"]
    list_filter = ["group", "active"]
    list_editable = ["order", "active"]
    search_fields = ["text", "code"]
    ordering = ["group", "order"]

    def get_readonly_fields(self, request, obj=None):
        # The code is what reports and tests refer to; renaming it would orphan them.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        # Retire an indicator by unticking "active": contacts and warnings still cite it.
        return False
