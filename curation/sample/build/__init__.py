"""Generators of the embedded sample corpus (run once by a developer; the outputs are committed)."""
