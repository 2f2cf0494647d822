"""A GIN index on the full-text documents, on PostgreSQL only (SQLite searches with the portable fallback)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS verbatim_search_document "
                              "ON verbatims_verbatimanalysis USING gin (search_document)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS verbatim_search_document")


class Migration(migrations.Migration):
    dependencies = [("verbatims", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
