"""btree_gist is created once, in the public schema, from a shared app.

Created from a tenant migration it would land in the first studio's schema, and dropping that
studio would silently drop every other studio's exclusion constraints (stack notes, 2.2).
"""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
