"""Model merging (``biomedfr decoder merge``): linear, SLERP, task arithmetic, TIES and DARE between a base
and fine-tuned checkpoints, tensor by tensor over safetensors, writing an HF checkpoint.

- ``config.py``: ``MergeConfig`` (mergekit's YAML shape) and its checks;
- ``methods.py``: the methods as pure tensor functions;
- ``checkpoint.py``: safetensors inputs read one tensor at a time, output shards, copied side files;
- ``merge.py``: ``merge(config) -> Path`` (progress bar, ``merge.json`` summary);
- ``cli.py``: the ``merge`` command.
"""
