"""Civic reports: residents report problems, categories and areas route them to departments, Open311 speaks for them."""
