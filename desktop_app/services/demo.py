"""The demo clinic generator (being written)."""
