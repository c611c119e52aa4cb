"""The base install stays light: curation never imports torch (or other heavy stacks) at module level."""

import subprocess
import sys


def test_curation_does_not_import_torch_or_transformers():
    code = (
        "import sys, curation.cli, curation.recipe, curation.run.engine, curation.readers.catalog;"
        "heavy = [m for m in ('torch', 'transformers', 'vllm', 'fasttext') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
