import json

from django.conf import settings
from django.db import migrations


def load_codes(apps, schema_editor):
    """The national outcome codes, from fixtures/outcome_codes.json (kept as data, not literals)."""
    OutcomeCode = apps.get_model("evidence", "OutcomeCode")
    rows = json.loads((settings.BASE_DIR / "fixtures" / "outcome_codes.json").read_text(encoding="utf-8"))
    for row in rows:
        OutcomeCode.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_marking")]
    operations = [migrations.RunPython(load_codes, migrations.RunPython.noop)]
