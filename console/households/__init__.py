"""Households: registry, buildings and grids, key-person marks, daily roll, building sheets, CSV import."""
