from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("analytics", "0004_coarser_monthly_rollups"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportSnapshot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=200, unique=True)),
                ("computed_at", models.DateTimeField()),
                ("payload", models.BinaryField()),
            ],
            options={
                "verbose_name": "report snapshot",
                "verbose_name_plural": "report snapshots",
            },
        ),
    ]
