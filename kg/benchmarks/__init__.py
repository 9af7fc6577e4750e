"""Benchmarks that print figures: loading, extraction, queries."""
