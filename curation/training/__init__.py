"""What the training recipes (``encoder/``, ``decoder/``) share and that needs no torch: the energy report."""
