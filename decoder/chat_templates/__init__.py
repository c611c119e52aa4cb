"""Chat templates shipped with the decoder recipe (``<name>.jinja``, versioned like prompts)."""
