"""Ingest: feed registry, polite HTTP and file fetching, feed parsing, article text, dedup."""
