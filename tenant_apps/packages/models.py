"""Credit packages: products, customer packages, the append-only credit ledger (tenant schema)."""
