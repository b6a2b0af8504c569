"""Domain core of the desk console. Never imports textual."""

__version__ = "0.1.0"
