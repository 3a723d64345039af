"""The bundled playlists, each with its purpose and the pieces that serve it."""

from __future__ import annotations

from dataclasses import dataclass

from .score import ADD9, SEVENTH, SUS2, SUS4, TRIAD, Track


@dataclass(frozen=True)
class PlaylistPlan:
    """One playlist to compose: assets/playlists/<slug>.toml, audio in assets/music/<slug>/."""

    slug: str
    title: str  # also every file's ALBUM tag
    purpose: str
    suggested_use: str
    tracks: tuple[Track, ...]
    length_range_s: tuple[float, float]  # allowed length of each piece
    serial_base: int  # Ogg serial of track n is serial_base + n
    crossfade_s: float = 4.0
    compression: float = 0.4  # libsndfile sets Vorbis quality to 1 - level: q6


SETTLE = PlaylistPlan(
    slug="settle",
    title="Settle",
    purpose="Arrive, slow down and let the day fall away.",
    suggested_use=(
        "Play it when you come in from outside or when things feel like too much. Sit or lie "
        "somewhere comfortable and let your breathing slow down with the music."
    ),
    length_range_s=(180.0, 240.0),
    serial_base=0x6D740000,
    tracks=(
        Track(
            "harbour-at-dawn", "Harbour at Dawn",
            "Warm chords and a soft felt piano, like light coming up over still water.",
            tonic=50, mode="ionian", bpm=63.0,
            chords=((0, ADD9), (5, SEVENTH), (3, SEVENTH), (4, SUS4),
                    (0, SEVENTH), (2, SEVENTH), (3, ADD9), (1, SEVENTH)),
            n_chords=26, arp_inst="felt", mel_inst="felt", bass="roots",
            mix=(1.0, 0.55, 0.55, 0.8), arp_rate=0.55, looseness_s=0.02, pad_cutoff=900.0,
            reverb=(3.0, 0.35), seed=11,
        ),
        Track(
            "slow-tide", "Slow Tide",
            "A low, steady drone with soft bells drifting in and out, slow as breathing.",
            tonic=53, mode="lydian", bpm=56.0,
            chords=((0, SEVENTH), (1, TRIAD), (0, ADD9), (6, SEVENTH),
                    (0, SEVENTH), (1, SUS2), (2, SEVENTH), (1, TRIAD)),
            n_chords=23, arp_inst="bell", mel_inst="bell", bass="pedal",
            mix=(1.0, 0.7, 0.5, 0.65), arp_rate=0.4, looseness_s=0.1, pad_cutoff=800.0,
            reverb=(4.5, 0.5), seed=23,
        ),
        Track(
            "evening-light", "Evening Light",
            "Low, unhurried piano over wide, soft chords: the warmth at the end of a day.",
            tonic=45, mode="dorian", bpm=50.0,
            chords=((0, SEVENTH), (3, ADD9), (2, SEVENTH), (6, ADD9),
                    (0, SEVENTH), (5, SEVENTH), (3, TRIAD), (6, SUS2)),
            n_chords=20, arp_inst="bell", mel_inst="felt", bass="roots",
            mix=(1.2, 0.6, 0.45, 0.9), arp_rate=0.3, looseness_s=0.04, pad_cutoff=700.0,
            reverb=(3.6, 0.45), seed=37,
        ),
    ),
)  # fmt: skip

# One swell per chord: 10 to 12 s each, five or six a minute, a short rise and a long fall.
EASE_TENSION = PlaylistPlan(
    slug="ease-tension",
    title="Ease Tension",
    purpose="Let go of tightness held in the body, one long out-breath at a time.",
    suggested_use=(
        "Lie down, or sit with your back and head supported. As a swell of sound rises, breathe "
        "in; as it falls away, breathe out slowly and let one part of you go soft: your jaw, "
        "your shoulders, your hands, your belly. If a part will not let go, that is fine too."
    ),
    length_range_s=(220.0, 270.0),
    serial_base=0x6D740100,
    tracks=(
        Track(
            "shoulders-down", "Shoulders Down",
            "Warm strings swell and fall over a low drone, five times a minute: breathe in as "
            "they rise, and let the breath out slowly as they fall.",
            tonic=49, mode="ionian", bpm=60.0, beats_per_chord=12,
            chords=((0, ADD9), (5, SEVENTH), (3, ADD9), (4, SUS4),
                    (0, SEVENTH), (2, SEVENTH), (3, TRIAD), (4, SUS2)),
            n_chords=20, pad_inst="strings", arp_inst="felt", mel_inst="none", bass="pedal",
            mix=(1.5, 0.7, 0.5, 0.0), arp_rate=0.3, looseness_s=0.05, pad_cutoff=750.0,
            voicing_range=(48, 67), reverb=(3.8, 0.45), swell_db=5.5, seed=101,
        ),
        Track(
            "warm-hands", "Warm Hands",
            "Soft chords breathing in and out, low bells and a few unhurried piano notes: let "
            "your hands grow heavy and warm.",
            tonic=46, mode="mixolydian", bpm=64.0, beats_per_chord=12,
            chords=((0, ADD9), (6, TRIAD), (3, ADD9), (0, SUS2),
                    (5, SEVENTH), (6, ADD9), (3, SEVENTH), (4, SUS4)),
            n_chords=21, arp_inst="bell", mel_inst="felt", bass="roots",
            mix=(1.0, 0.6, 0.45, 0.75), arp_rate=0.35, looseness_s=0.06, pad_cutoff=650.0,
            voicing_range=(48, 67), arp_shift=-12, reverb=(3.4, 0.4), swell_db=4.5, seed=113,
        ),
        Track(
            "heavy-arms", "Heavy Arms",
            "A low, breathy flute drifts over bowed chords that swell and ebb: let your arms "
            "and legs sink a little further on every out-breath.",
            tonic=48, mode="dorian", bpm=56.0, beats_per_chord=10,
            chords=((0, SEVENTH), (3, ADD9), (2, SEVENTH), (6, ADD9),
                    (0, SUS2), (3, TRIAD), (4, SEVENTH), (6, SUS2)),
            n_chords=22, pad_inst="strings", arp_inst="none", mel_inst="flute", bass="roots",
            mix=(1.5, 0.65, 0.0, 0.5), arp_rate=0.0, looseness_s=0.05, pad_cutoff=800.0,
            voicing_range=(47, 67), reverb=(4.0, 0.5), swell_db=4.5, seed=127,
        ),
        Track(
            "the-ground-holds-you", "The Ground Holds You",
            "Low piano and slow-bowed strings over a deep, steady note: with each swell, sink "
            "a little more heavily onto the ground beneath you.",
            tonic=51, mode="lydian", bpm=66.0, beats_per_chord=12,
            chords=((0, ADD9), (1, TRIAD), (0, SEVENTH), (5, SEVENTH),
                    (0, SUS2), (1, ADD9), (2, SEVENTH), (4, SUS4)),
            n_chords=22, pad_inst="strings", arp_inst="felt", mel_inst="felt", bass="pedal",
            mix=(1.5, 0.7, 0.45, 0.8), arp_rate=0.35, looseness_s=0.04, pad_cutoff=700.0,
            voicing_range=(48, 67), mel_shift=-12, reverb=(3.6, 0.45), swell_db=4.5, seed=131,
        ),
    ),
)  # fmt: skip

SLEEP = PlaylistPlan(
    slug="sleep",
    title="Sleep",
    purpose="Drift towards sleep: dark, soft and slow, with nothing to follow.",
    suggested_use=(
        "Start it once you are in bed with the lights low, at a volume just above a whisper. "
        "There is no tune to follow: let the sound sink into the background. The last piece "
        "fades out very slowly, so it can end on its own while you fall asleep."
    ),
    length_range_s=(360.0, 480.0),
    serial_base=0x6D740200,
    crossfade_s=8.0,
    tracks=(
        Track(
            "lanterns-out", "Lanterns Out",
            "Dark, soft chords over a deep hum, with a few low bells far away. Nothing to "
            "follow, nowhere to be.",
            tonic=44, mode="ionian", bpm=44.0, beats_per_chord=12,
            chords=((0, ADD9), (3, ADD9), (5, SEVENTH), (3, SEVENTH),
                    (0, SUS2), (1, SEVENTH), (3, TRIAD), (4, SUS4)),
            n_chords=24, arp_inst="bell", mel_inst="none", bass="pedal",
            mix=(1.0, 0.6, 0.4, 0.0), arp_rate=0.12, looseness_s=0.2, pad_cutoff=480.0,
            voicing_range=(44, 64), arp_shift=-12, reverb=(5.5, 0.6), fade_in_s=12.0,
            fade_out_s=24.0, tail_s=14.0, air_hz=3000.0, seed=211,
        ),
        Track(
            "warm-blanket", "Warm Blanket",
            "Slow bowed chords, lower and darker, and now and then a single soft piano note: "
            "heavy and warm, like a blanket.",
            tonic=40, mode="aeolian", bpm=40.0, beats_per_chord=12,
            chords=((0, SEVENTH), (5, ADD9), (2, ADD9), (6, SUS2),
                    (0, SUS2), (3, SEVENTH), (5, SEVENTH), (6, TRIAD)),
            n_chords=22, pad_inst="strings", arp_inst="felt", mel_inst="none", bass="roots",
            mix=(1.4, 0.55, 0.45, 0.0), arp_rate=0.1, looseness_s=0.3, pad_cutoff=420.0,
            voicing_range=(43, 62), arp_shift=-12, reverb=(6.0, 0.6), fade_in_s=12.0,
            fade_out_s=24.0, tail_s=14.0, air_hz=3000.0, seed=223,
        ),
        Track(
            "into-the-quiet", "Into the Quiet",
            "Unmeasured and hardly moving: warm low chords and far-off bells, fading out very "
            "slowly over the last minute and a half.",
            tonic=42, mode="lydian", bpm=36.0, beats_per_chord=16,
            chords=((0, ADD9), (1, TRIAD), (0, SUS2), (5, SEVENTH),
                    (0, SEVENTH), (1, ADD9), (2, SEVENTH), (1, SUS2)),
            n_chords=14, arp_inst="bell", mel_inst="none", bass="pedal",
            mix=(1.0, 0.6, 0.4, 0.0), arp_rate=0.06, looseness_s=0.8, pad_cutoff=400.0,
            voicing_range=(44, 63), arp_shift=-12, reverb=(7.0, 0.7), fade_in_s=15.0,
            fade_out_s=90.0, tail_s=40.0, air_hz=3000.0, seed=227,
        ),
    ),
)  # fmt: skip

# The tune enters on the fifth chord; chords 5-8 of each cycle carry its open first phrase,
# chords 1-4 its answer, which comes home on a chord holding the tonic.
GENTLE_LIFT = PlaylistPlan(
    slug="gentle-lift",
    title="Gentle Lift",
    purpose="Lift your mood and energy a little, gently: warm, bright and hopeful.",
    suggested_use=(
        "Try it in the morning, after a rest, or when you feel flat or heavy. Sit up, or walk "
        "slowly around the room; hum along with the tune if you like."
    ),
    length_range_s=(240.0, 300.0),
    serial_base=0x6D740300,
    crossfade_s=3.0,
    tracks=(
        Track(
            "morning-window", "Morning Window",
            "A flute sings a simple tune over bright piano and warm chords, like opening the "
            "curtains on a clear morning.",
            tonic=55, mode="ionian", bpm=68.0,
            chords=((0, ADD9), (2, SEVENTH), (3, ADD9), (0, TRIAD),
                    (5, SEVENTH), (3, TRIAD), (1, SEVENTH), (4, SUS4)),
            n_chords=37, arp_inst="felt", mel_inst="flute", mel_style="song", bass="roots",
            mix=(0.9, 0.5, 0.55, 0.6), arp_rate=0.5, looseness_s=0.02, pad_cutoff=1300.0,
            voicing_range=(52, 74), reverb=(2.8, 0.35), air_hz=5200.0, seed=307,
        ),
        Track(
            "open-field", "Open Field",
            "A plain, hopeful tune on the piano, with bells and open strings around it: room "
            "to breathe and look up.",
            tonic=60, mode="lydian", bpm=66.0,
            chords=((0, ADD9), (1, TRIAD), (2, SEVENTH), (0, SUS2),
                    (5, SEVENTH), (1, ADD9), (6, TRIAD), (4, SUS4)),
            n_chords=35, pad_inst="strings", arp_inst="bell", mel_inst="felt", mel_style="song",
            bass="roots", mix=(1.2, 0.5, 0.5, 0.9), arp_rate=0.45, looseness_s=0.03,
            pad_cutoff=1400.0, voicing_range=(52, 74), reverb=(3.2, 0.4), air_hz=5200.0,
            seed=311,
        ),
        Track(
            "kind-steps", "Kind Steps",
            "Soft bells carry a little tune, step by step, over round piano chords: steady, "
            "and a little brighter.",
            tonic=57, mode="ionian", bpm=70.0,
            chords=((0, SEVENTH), (3, ADD9), (5, SEVENTH), (3, TRIAD),
                    (1, SEVENTH), (4, SUS4), (2, SEVENTH), (4, TRIAD)),
            n_chords=37, arp_inst="felt", mel_inst="bell", mel_style="song", bass="roots",
            mix=(0.9, 0.5, 0.5, 0.9), arp_rate=0.55, looseness_s=0.02, pad_cutoff=1200.0,
            voicing_range=(52, 74), reverb=(2.6, 0.35), air_hz=5200.0, seed=313,
        ),
        Track(
            "step-outside", "Step Outside",
            "A flute tune over warm strings and bells, for when you are ready to get moving "
            "again.",
            tonic=52, mode="ionian", bpm=72.0,
            chords=((0, ADD9), (4, TRIAD), (5, SEVENTH), (3, ADD9),
                    (1, SEVENTH), (3, TRIAD), (0, SUS2), (4, SUS4)),
            n_chords=37, pad_inst="strings", arp_inst="bell", mel_inst="flute",
            mel_style="song", bass="roots", mix=(1.2, 0.5, 0.5, 0.6), arp_rate=0.5,
            looseness_s=0.02, pad_cutoff=1300.0, voicing_range=(52, 74), reverb=(3.0, 0.4),
            air_hz=5200.0, seed=317,
        ),
    ),
)  # fmt: skip

PLAYLISTS = (SETTLE, EASE_TENSION, SLEEP, GENTLE_LIFT)
