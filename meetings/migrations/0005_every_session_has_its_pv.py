"""Every session has its procès-verbal from its creation: add the PV of any session without
one (created before `session_create` made it), so that no page ever creates one on a GET."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def add_missing_pvs(apps: Any, schema_editor: Any) -> None:
    session_model = apps.get_model("meetings", "Session")
    pv_model = apps.get_model("meetings", "ProcesVerbal")
    missing = session_model.objects.filter(pv__isnull=True).values_list("pk", flat=True)
    pv_model.objects.bulk_create([pv_model(session_id=pk) for pk in missing])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_pv_search_vector")]

    operations = [migrations.RunPython(add_missing_pvs, migrations.RunPython.noop)]
