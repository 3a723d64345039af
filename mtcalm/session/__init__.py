"""A listening session: its record in the journal (record.py) and its flow (flow.py)."""
