"""JSON API over the same services as the pages."""
