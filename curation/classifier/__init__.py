"""The student classifier: distilled from the LLM annotations of a sample, applied to every passage.

The LLM (``llm_annotate``) writes ``quality.edu``/``cont``/``writ``/``term`` (1–10) and ``content_type``
on a sample of passages; a cheap student learns them and scores the whole corpus (``student_score``
writes ``student.*``, never the LLM's fields).

- ``data``: annotated passages from Parquet shards, and the seeded train/validation/test split by article.
- ``student``: the common protocol (``Prediction``, ``Student``, ``load_student``) and ``student.json``.
- ``fasttext_student``: one fastText model giving the four signals and the type in one pass (CPU, fast).
- ``encoder_student``: a transformer encoder with four regression outputs and a type head (torch).
- ``metrics`` (pure functions), ``report`` (``eval.json``, PNG plots, a rich table), ``cli``
  (``biomedfr classifier train|eval``), ``synthetic`` (learnable fake data for tests and the bench).

Nothing here imports torch, transformers or fasttext at module level.
"""
