"""Data: the open data portal of each jurisdiction (datasets, resources, CKAN API, DCAT-AP)."""
