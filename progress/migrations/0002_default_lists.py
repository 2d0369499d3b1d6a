"""The editable lists' first entries: seed 000's focus categories and a few vulnerable patient
groups (project leaders change them in the admin). The lead keeps this when regenerating migrations."""

from django.db import migrations

FOCUS = (
    "Målrettet kommunikation",
    "Proaktiv kontakt",
    "Fysisk og organisatorisk indretning",
    "Sundhedskompetence",
    "Samarbejde med kommunen",
    "Psykiatri og socialområdet",
    "Andet",
)
GROUPS = (
    "Borgere med psykisk sygdom",
    "Socialt udsatte borgere",
    "Borgere med anden etnisk baggrund end dansk",
    "Borgere med lav sundhedskompetence",
    "Borgere med flere kroniske sygdomme",
    "Andet",
)


def add(apps, schema_editor):
    for model_name, names in (("FocusCategory", FOCUS), ("PatientGroup", GROUPS)):
        model = apps.get_model("progress", model_name)
        for i, name in enumerate(names):
            model.objects.get_or_create(name=name, defaults={"order": (i + 1) * 10})


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
