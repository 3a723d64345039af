"""What one piece is (Track), its harmony and melody, and how it is rendered to audio."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .loudness import measure
from .synth import (
    SR,
    Audio,
    bass_note,
    flute_note,
    hz,
    pad_note,
    place,
    pluck_note,
    reverb_and_eq,
    reverb_ir,
    string_note,
    swells,
)

Chord = tuple[int, tuple[int, ...]]  # (scale degree of the root, chord shape in scale steps)
Event = tuple[float, float, int, float]  # start s, duration s, MIDI note, velocity

TARGET_LUFS = -20.0
MODES = {"ionian": (0, 2, 4, 5, 7, 9, 11), "lydian": (0, 2, 4, 6, 7, 9, 11),
         "mixolydian": (0, 2, 4, 5, 7, 9, 10), "dorian": (0, 2, 3, 5, 7, 9, 10),
         "aeolian": (0, 2, 3, 5, 7, 8, 10)}  # fmt: skip
TRIAD, SEVENTH, ADD9, SUS4, SUS2 = (0, 2, 4), (0, 2, 4, 6), (0, 2, 4, 8), (0, 3, 4), (0, 1, 4)
NOTE_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True)
class Track:
    """Everything that makes one piece distinct. The defaults are the Settle pieces' sound."""

    slug: str
    title: str
    note: str
    tonic: int  # MIDI note; the melody sits about an octave above it (plus mel_shift)
    mode: str
    bpm: float
    chords: tuple[Chord, ...]  # the progression cycle; the piece ends on its first chord
    n_chords: int
    arp_inst: str  # "felt" (felt piano), "bell" (soft kalimba-like bell) or "none"
    mel_inst: str  # "felt", "bell", "flute" (breathy, with vibrato) or "none"
    bass: str  # "roots" follows the chords, "pedal" holds tonic and fifth throughout
    mix: tuple[float, float, float, float]  # pad, bass, arpeggio, melody
    arp_rate: float  # chance of an arpeggio note on each beat
    looseness_s: float  # timing spread, so nothing sounds mechanical
    pad_cutoff: float  # Hz; lower is warmer
    reverb: tuple[float, float]  # RT60 in seconds, wet gain
    seed: int
    beats_per_chord: int = 8
    pad_inst: str = "saw"  # "saw" (soft detuned saws) or "strings" (bowed, with vibrato)
    voicing_range: tuple[int, int] = (50, 71)  # MIDI notes the pad voices stay within
    arp_shift: int = 0  # semitones
    mel_style: str = "motif"  # "motif": a sparse varied motif; "song": a tune of two phrases
    mel_shift: int = 0  # semitones
    swell_db: float = 0.0  # pad and bass breathe in one swell per chord, this deep
    fade_in_s: float = 8.0
    fade_out_s: float = 14.0
    tail_s: float = 10.0
    air_hz: float = 4500.0  # the master low-pass

    @property
    def key(self) -> str:
        return f"{NOTE_NAMES[self.tonic % 12]} {self.mode}"

    @property
    def chord_s(self) -> float:
        return self.beats_per_chord * 60.0 / self.bpm

    @property
    def length_s(self) -> float:
        """Length of the rendered piece, tail included."""
        return int((self.n_chords * self.chord_s + self.tail_s) * SR) / SR


# ---------------------------------------------------------------- harmony
def degree_midi(track: Track, degree: int) -> int:
    """MIDI note of a scale degree (0 = tonic, 7 = the tonic an octave up)."""
    return track.tonic + 12 * (degree // 7) + MODES[track.mode][degree % 7]


def progression(track: Track) -> list[Chord]:
    """The chord cycle repeated to length, coming home to the first chord at the end."""
    cycle = itertools.islice(itertools.cycle(track.chords), track.n_chords - 1)
    return [*cycle, track.chords[0]]


def voice_lead(track: Track, chords: list[Chord]) -> list[list[int]]:
    """Four-voice voicings, each chord reached with the least total movement."""
    lo, hi = track.voicing_range
    prev, out = [55, 59, 62, 66], []
    for root, shape in chords:
        pcs = {degree_midi(track, root + s) % 12 for s in shape}
        best: tuple[int, list[int]] = (10**9, prev)
        for assign in itertools.product(sorted(pcs), repeat=4):
            if set(assign) != pcs:
                continue
            v = [p + (pc - p + 6) % 12 - 6 for p, pc in zip(prev, assign, strict=True)]
            v = [x + 12 if x < lo else x - 12 if x > hi else x for x in v]
            clashes = sum(b - a < (3 if a < 57 else 2) for a, b in itertools.pairwise(sorted(v)))
            cost = sum(abs(a - b) for a, b in zip(v, prev, strict=True)) + 8 * clashes
            best = min(best, (cost, v))
        prev = best[1]
        out.append(prev)
    return out


def held_runs(pitches: list[int]) -> list[tuple[int, int, int]]:
    """(pitch, first chord, number of chords) for each run of a repeated pitch."""
    runs, first = [], 0
    for pitch, group in itertools.groupby(pitches):
        count = len(list(group))
        runs.append((pitch, first, count))
        first += count
    return runs


def nearest_chord_degree(degree: int, chord: Chord) -> int:
    """The chord tone nearest to a scale degree (the lower one on a tie)."""
    tones = {(chord[0] + s) % 7 for s in chord[1]}
    near = [d for d in range(degree - 3, degree + 4) if d % 7 in tones]
    return min(near, key=lambda d: (abs(d - degree), d))


# ---------------------------------------------------------------- arpeggio and melody
def smoothstep(a: float, b: float, x: float) -> float:
    """0 below a, 1 above b, smooth in between."""
    u = min(max((x - a) / (b - a), 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


def arp_level(p: float) -> float:
    """Arpeggio presence at position p (0..1) through the piece."""
    return smoothstep(0.08, 0.24, p) * (1.0 - smoothstep(0.80, 0.93, p))


def melody_level(p: float) -> float:
    """Melody presence: two groups of phrases with a breathing space between them."""
    first = smoothstep(0.22, 0.32, p) * (1.0 - smoothstep(0.46, 0.52, p))
    return first + smoothstep(0.56, 0.62, p) * (1.0 - smoothstep(0.74, 0.82, p))


def arpeggio(track: Track, voicings: list[list[int]], rng: np.random.Generator) -> list[Event]:
    """Broken chords drifting up and down, at most one note per beat."""
    spb, events, contour = 60.0 / track.bpm, [], [0, 1, 2, 3, 4, 3, 2, 1]
    beats = track.beats_per_chord
    for ci, v in enumerate(voicings):
        tones = sorted(v) + [x + 12 for x in sorted(v)[1:3]]
        for b in range(beats):
            level = arp_level((ci + b / beats) / len(voicings))
            if level < 0.05 or (b > 0 and rng.random() > track.arp_rate):
                continue
            start = (ci * beats + b) * spb + rng.normal(0.0, track.looseness_s)
            pitch = tones[contour[b % len(contour)] % len(tones)] + track.arp_shift
            events.append((start, 2.0 * spb, pitch, level * 0.5))
    return events


def melody(track: Track, chords: list[Chord], rng: np.random.Generator) -> list[Event]:
    """A sparse two-chord motif, repeated with small variations and bent to fit each chord."""
    spb, k, beats = 60.0 / track.bpm, int(rng.integers(4, 6)), track.beats_per_chord
    onsets = np.sort(
        np.concatenate([[0], rng.choice(np.arange(2, 2 * beats - 2), k - 1, replace=False)])
    )
    steps = rng.choice([-2, -1, -1, 0, 1, 1, 2], size=k)
    deg, events = 9, []  # scale degrees 6..15, about an octave above the tonic
    for phrase in range(len(chords) // 2):
        var = steps.copy()
        if rng.random() < 0.4:
            var[rng.integers(0, k)] = rng.choice([-2, -1, 1, 2])
        ons = onsets[:-1] if phrase % 4 == 3 else onsets  # every fourth phrase breathes
        for j, onset in enumerate(int(o) for o in ons):
            beat = phrase * 2 * beats + onset
            length = (int(ons[j + 1]) if j + 1 < len(ons) else 2 * beats) - onset
            level = melody_level(beat / beats / len(chords))
            if level < 0.05:
                continue
            deg = int(deg + var[j])
            deg = 30 - deg if deg > 15 else 12 - deg if deg < 6 else deg
            if beat % beats == 0 or length >= 3:  # strong and long notes are chord tones
                deg = nearest_chord_degree(deg, chords[beat // beats])
            start = beat * spb + rng.normal(0.0, track.looseness_s)
            events.append((start, length * spb, degree_midi(track, deg) + track.mel_shift, level))
    return events


# (onset beat, length in beats) within one eight-beat chord: the tune's rhythmic cells
SONG_CELLS = (((0, 2), (2, 2), (4, 4)), ((0, 3), (3, 1), (4, 4)),
              ((0, 2), (2, 1), (3, 1), (4, 4)), ((0, 4), (4, 2), (6, 2)))  # fmt: skip
SONG_CADENCE = ((0, 6),)  # a long last note, then two beats to breathe
SONG_START = 4  # the tune begins on the fifth chord of the cycle, after a short introduction


def song_slots(n_chords: int) -> list[int]:
    """First chords of the tune's renditions: all whole slots but the second-to-last."""
    slots = list(range(SONG_START, n_chords - 4 - 8 + 1, 8))
    return [s for i, s in enumerate(slots) if len(slots) < 3 or i != len(slots) - 2]


def song(track: Track, chords: list[Chord], rng: np.random.Generator) -> list[Event]:
    """A simple singable tune: a question phrase and an answer that begins the same way.

    Each phrase spans four chords in stepwise motion within an octave; strong and long notes
    are chord tones, the first phrase ends open and the second comes home near the tonic.
    """
    if track.beats_per_chord != 8 or len(track.chords) != 8:
        raise ValueError(f"{track.slug}: a song needs eight chords of eight beats in its cycle")
    cells = [SONG_CELLS[int(i)] for i in rng.choice(len(SONG_CELLS), 3)]
    rhythm = [(8 * c + o, n) for c, cell in enumerate([*cells, SONG_CADENCE]) for o, n in cell]
    slot = SONG_START

    def fit(deg: int, beat: int, length: int) -> int:
        if beat % 8 == 0 or length >= 3:
            return nearest_chord_degree(deg, chords[slot + beat // 8])
        return deg

    def walk(deg: int, notes: list[tuple[int, int]], offset: int, arch: list[int]) -> list[int]:
        """Mostly steps along an arch through (start, top, end), now and then a neighbour
        note; the first note is deg itself."""
        out = []
        for i, (beat, length) in enumerate(notes):
            aim = float(np.interp(i / max(len(notes) - 1, 1), (0.0, 0.5, 1.0), arch))
            step = int(np.clip(round(aim - deg), -2, 2)) if i else 0
            if i and step == 0 and rng.random() < 0.4:
                step = int(rng.choice([-1, 1]))
            deg = fit(min(max(deg + step, 4), 12), offset + beat, length)  # about an octave
            out.append(deg)
        return out

    opening = int(rng.choice([7, 9]))
    first = walk(opening, rhythm[:-1], 0, [opening, opening + int(rng.choice([2, 3, 4])), 8])
    first.append(nearest_chord_degree(int(rng.choice([8, 6])), chords[slot + 3]))  # open end
    shared = sum(1 for beat, _ in rhythm if beat < 16)  # the answer repeats the first half
    second = [fit(d, 32 + beat, n) for d, (beat, n) in zip(first[:shared], rhythm, strict=False)]
    rest = walk(second[-1], rhythm[shared - 1 : -1], 32, [second[-1], second[-1] + 1, 7])
    second += rest[1:]
    second.append(nearest_chord_degree(7, chords[slot + 7]))  # home
    tune = [(beat, n, d) for (beat, n), d in zip(rhythm, first, strict=True)]
    tune += [(32 + beat, n, d) for (beat, n), d in zip(rhythm, second, strict=True)]

    spb, events = 60.0 / track.bpm, list[Event]()
    for rendition, start_chord in enumerate(song_slots(len(chords))):
        for beat, length, deg in tune:
            phrase_arc = np.sin(np.pi * ((beat % 32) + 0.5 * length) / 32.0)
            vel = (0.65 if rendition == 0 else 0.8) + 0.2 * phrase_arc  # each phrase swells
            start = (start_chord * 8 + beat) * spb + rng.normal(0.0, track.looseness_s)
            events.append((start, length * spb, degree_midi(track, deg) + track.mel_shift, vel))
    return events


# ---------------------------------------------------------------- rendering
def render(track: Track) -> Audio:
    """Synthesise, mix, reverberate, filter, fade and loudness-normalise one piece."""
    rng = np.random.default_rng(track.seed)
    chords = progression(track)
    voicings = voice_lead(track, chords)
    chord_s, last = track.chord_s, len(chords) - 1
    buf = np.zeros((2, int((len(chords) * chord_s + track.tail_s) * SR)))
    pad_g, bass_g, arp_g, mel_g = track.mix
    for voice in range(4):  # a held pitch sustains across chord changes instead of restarting
        for pitch, first, count in held_runs([v[voice] for v in voicings]):
            dur = (count + (first + count - 1 == last)) * chord_s
            if track.pad_inst == "strings":
                sound = string_note(hz(pitch), dur, track.pad_cutoff, rng)
            else:
                sound = pad_note(hz(pitch), dur, track.pad_cutoff, rng)
            place(buf, first * chord_s, sound, -0.3 + 0.2 * voice, 0.08 * pad_g)
    if track.bass == "pedal":
        dur = len(chords) * chord_s
        place(buf, 0.0, bass_note(hz(track.tonic - 12), dur, 6.0), 0.0, 0.2 * bass_g)
        place(buf, 0.0, bass_note(hz(track.tonic - 5), dur, 9.0), 0.0, 0.07 * bass_g)
    else:
        roots = [36 + (degree_midi(track, r) - 36) % 12 for r, _ in chords]
        for pitch, first, count in held_runs(roots):
            dur = (count + (first + count - 1 == last)) * chord_s
            place(buf, first * chord_s, bass_note(hz(pitch), dur, 1.5), 0.0, 0.2 * bass_g)
    if track.swell_db > 0.0:  # so far buf holds only the pad and the bass
        buf *= swells(buf.shape[1], chord_s, track.swell_db)
    for start, dur, pitch, vel in arpeggio(track, voicings, rng):
        if track.arp_inst == "none":
            continue
        sound = pluck_note(hz(pitch), track.arp_inst, dur, vel)
        place(buf, start, sound, float(rng.uniform(-0.6, 0.6)), 0.5 * arp_g)
    tune = song if track.mel_style == "song" else melody
    for start, dur, pitch, vel in tune(track, chords, rng):
        if track.mel_inst == "none":
            continue
        if track.mel_inst == "flute":
            sound = flute_note(hz(pitch), dur, vel, rng)
        else:
            sound = pluck_note(hz(pitch), track.mel_inst, dur, vel)
        place(buf, start, sound, float(rng.uniform(-0.15, 0.15)), 0.38 * mel_g)

    ir = reverb_ir(track.reverb[0], rng)
    mix = reverb_and_eq(buf, ir, track.reverb[1], track.air_hz)
    n, fi, fo = mix.shape[1], int(track.fade_in_s * SR), int(track.fade_out_s * SR)
    mix[:, :fi] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(fi) / fi)
    mix[:, n - fo :] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(fo) / fo)
    return np.asarray(mix * 10.0 ** ((TARGET_LUFS - measure(mix).lufs) / 20.0), dtype=np.float64)
