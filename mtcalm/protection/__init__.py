"""Protecting the journal on a shared computer: keys, encryption at rest, the lock."""
