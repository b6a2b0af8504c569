"""Checkpoint: the gate log, gates, shifts and handover, who is out on an errand."""
