"""Errands: the errand state machine, pass codes and keys, slips, printers."""
