"""Give brands that existed before the taxonomy its default themes (new brands get them in ``brand_setup``)."""

from django.db import migrations


def add_default_themes(apps, schema_editor):
    from insidetrack.journeys import defaults

    Brand = apps.get_model("network", "Brand")
    Theme = apps.get_model("journeys", "Theme")
    Touchpoint = apps.get_model("journeys", "Touchpoint")
    for brand in Brand.objects.all():
        touchpoints = {t.code: t for t in Touchpoint.objects.filter(journey__brand=brand, journey__is_default=True)}
        existing = set(Theme.objects.filter(brand=brand).values_list("code", flat=True))
        for item in defaults.THEMES:
            if item["code"] in existing:
                continue
            theme = Theme.objects.create(brand=brand, code=item["code"], name=item["name"], name_de=item["name_de"],
                                         name_fr=item["name_fr"])
            theme.touchpoints.set([touchpoints[code] for code in item["touchpoints"] if code in touchpoints])


class Migration(migrations.Migration):
    dependencies = [("journeys", "0002_theme")]

    operations = [migrations.RunPython(add_default_themes, migrations.RunPython.noop)]
