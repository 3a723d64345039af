"""The journal: its store, its file (opened, checked, migrated), backups and restore."""
