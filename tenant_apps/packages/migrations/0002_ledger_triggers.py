"""The credit ledger's rules, kept by PostgreSQL (see tenant_apps/packages/models.py).

Functions are created unqualified, so each studio's schema gets its own (migrations run with the
studio's schema first on the search_path); the triggers call them by the same unqualified name.
"""

from django.db import migrations

APPLY_ENTRY = """
CREATE OR REPLACE FUNCTION packages_credit_entry_apply() RETURNS trigger AS $$
BEGIN
    -- The package's row lock serialises concurrent entries; the balance's CHECK (>= 0) fails
    -- this insert when it would overspend.
    UPDATE packages_customerpackage SET balance = balance + NEW.amount
     WHERE id = NEW.package_id
    RETURNING balance INTO NEW.balance_after;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'credit entry for unknown package %', NEW.package_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION packages_credit_entry_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'credit entries are append-only' USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION packages_balance_guard() RETURNS trigger AS $$
BEGIN
    -- Only the entry trigger (one level down) may move a balance.
    IF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'a package balance changes only through credit entries'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER credit_entry_apply BEFORE INSERT ON packages_creditentry
    FOR EACH ROW EXECUTE FUNCTION packages_credit_entry_apply();
CREATE TRIGGER credit_entry_append_only BEFORE UPDATE OR DELETE ON packages_creditentry
    FOR EACH ROW EXECUTE FUNCTION packages_credit_entry_immutable();
CREATE TRIGGER customer_package_balance_guard BEFORE UPDATE ON packages_customerpackage
    FOR EACH ROW EXECUTE FUNCTION packages_balance_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS customer_package_balance_guard ON packages_customerpackage;
DROP TRIGGER IF EXISTS credit_entry_append_only ON packages_creditentry;
DROP TRIGGER IF EXISTS credit_entry_apply ON packages_creditentry;
DROP FUNCTION IF EXISTS packages_balance_guard();
DROP FUNCTION IF EXISTS packages_credit_entry_immutable();
DROP FUNCTION IF EXISTS packages_credit_entry_apply();
"""


class Migration(migrations.Migration):
    dependencies = [("packages", "0001_initial")]

    operations = [migrations.RunSQL(APPLY_ENTRY, DROP)]
