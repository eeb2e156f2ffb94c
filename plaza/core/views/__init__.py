"""Core's pages."""
