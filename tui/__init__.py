"""frontdesk: a keyboard-driven Cliniko reception console."""

__version__ = "0.1.0"
