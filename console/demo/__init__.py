"""Demo data: the shared roster and households, then one part per feature (listed in console.features)."""
