"""Fine-tuning evaluation of encoders (the paper's §5.1): tasks from local JSONL/Parquet, HF Trainer with
early stopping, macro-F1 / micro-F1 / strict entity F1, N seeds, mean ± std, tables, plot and energy.

The entry point is ``encoder.evaluate.evaluate(config)``; configs are ``encoder.evaluation.config.EvalConfig``
(``recipes/encoder/eval-*.yaml``). torch and transformers are imported only inside the functions that use them.
"""
