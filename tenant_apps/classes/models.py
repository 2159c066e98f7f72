"""Group classes: types, sessions and series, enrollments, waitlists, attendance (tenant schema)."""
