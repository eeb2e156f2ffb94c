"""Open311 GeoReport v2: the format (parse and serialize) and the server endpoints."""
