"""Reads shared by pages, API and exports."""
