"""mtcalm: guided listening and relaxation with a mood check-in before and after every session."""

__version__ = "0.1.0"
