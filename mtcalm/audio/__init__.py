"""Playback: one player contract, a pygame backend and a silent backend."""
