"""conflict-kg: an offline knowledge-graph builder for conflict news."""

__version__ = "0.1.0"
