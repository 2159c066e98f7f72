"""Rooms and equipment with a quantity, and the reservations that hold them (tenant schema)."""
