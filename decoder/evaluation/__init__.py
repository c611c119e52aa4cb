"""Evaluation of decoder models (MedMistral's protocol): zero-shot MCQ and open questions, each model judged
against its base with a paired percentile bootstrap, Bonferroni correction and win/tie/loss counts.

- ``config``: ``EvalConfig`` (models and their bases, datasets, prompts, generation, bootstrap, BERTScore,
  LLM judge, energy, output folder);
- ``datasets``: the dataset layout (JSONL, JSON array or Parquet; question, options, answer letters, context);
- ``prompts``: versioned prompt files (MedMistral appendix E, Figures 6-8; the judge's);
- ``lm``: loading a causal LM checkpoint, chat formatting, answer-letter tokens;
- ``mcq``: single answer (argmax over the letters' logits) and multiple answers (generation constrained to
  sorted letter sets), exact match, EMR and Hamming score;
- ``open_qa``: greedy answers, BERTScore F1 with a local encoder, LLM-as-judge through ``curation.llm``;
- ``stats``: paired percentile bootstrap with shared resample indices, p-values, Bonferroni, win/tie/loss;
- ``report``: rich tables, ``results.json``, plots.

``decoder.evaluate.evaluate(config)`` runs it all; ``biomedfr decoder eval CONFIG.yaml`` is its command.
Only ``config``, ``datasets``, ``prompts`` and ``stats`` are importable without torch.
"""
