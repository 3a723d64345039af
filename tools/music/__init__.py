"""The bundled-music generator, in parts; tools/compose_music.py is its entry point.

synth: instruments, envelopes, filters and reverb. score: harmony, melody and the rendering of
one piece. loudness: BS.1770 measurement. catalogue: the playlists and their pieces. output:
Ogg Vorbis encoding, tags and playlist files.
"""
