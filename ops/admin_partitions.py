"""The staff page of the monthly partitions (/admin/ops/partitions/): each partitioned
table's partitions, their ranges and PostgreSQL's row estimates (from the last ANALYZE, so
cheap to read on tables of millions of rows). On SQLite there are none, and it says so."""

from django.contrib import admin
from django.template.response import TemplateResponse

from isvplatform import partitions


def partitions_view(request):
    context = {
        **admin.site.each_context(request),
        "title": "Table partitions",
        "partitions": partitions.partitions(),
        "tables": list(partitions.TABLES),
        "postgresql": partitions.is_postgresql(),
    }
    return TemplateResponse(request, "admin/ops/partitions.html", context)


partitions_page = admin.site.admin_view(partitions_view)
