"""Pure functions behind the warehouse's Python models (film decoding, sessions, scores, pairing)."""
