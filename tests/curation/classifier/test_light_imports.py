"""The classifier's CLI and step import without torch, transformers or fasttext (loaded only when used)."""

import subprocess
import sys


def test_classifier_modules_do_not_import_heavy_stacks():
    code = (
        "import sys, curation.classifier.cli, curation.classifier.report, curation.classifier.encoder_student,"
        " curation.classifier.fasttext_student, curation.steps.student_score;"
        "heavy = [m for m in ('torch', 'transformers', 'fasttext', 'matplotlib.pyplot') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
