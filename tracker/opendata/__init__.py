"""Open data: Open311 GeoReport v2, Atom feeds, CSV and XLSX exports — public data only."""
