"""``ftfy_fix``: datatrove's FTFYFormatter with Latin ligatures expanded; changes are counted."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from curation.document import Document
from curation.run.context import RunContext
from curation.steps.ftfy_fix import FtfyFix, FtfyFixConfig
from curation.steps.registry import STEPS
from tests.strategies import unique_documents

META = {"source": "s", "license": "MIT", "route": "extraction"}


def _run(step, docs):
    return list(step.run(iter(docs), rank=0, world_size=1))


def _n(stats, key):
    return int(stats[key].total) if key in stats.stats else 0


def test_fixes_ligatures_and_mojibake_and_counts_changes(tmp_path):
    step = FtfyFix(FtfyFixConfig(), RunContext(out_dir=str(tmp_path)), 1)
    docs = [
        Document("l’eﬃcacité est justiﬁée, enﬁn ; ﬂux", "s/lig", metadata=dict(META)),
        Document("Le dÃ©pistage est recommandÃ© chez lâ€™adulte.", "s/moji", metadata=dict(META, route="direct")),
        Document("Texte déjà propre, avec « guillemets » et l’apostrophe.", "s/clean", metadata=dict(META)),
    ]
    out = {d.id: d.text for d in _run(step, docs)}
    assert out["s/lig"] == "l’efficacité est justifiée, enfin ; flux"
    assert out["s/moji"] == "Le dépistage est recommandé chez l’adulte."
    assert out["s/clean"] == "Texte déjà propre, avec « guillemets » et l’apostrophe."  # curly quotes kept
    assert (_n(step.stats, "in"), _n(step.stats, "changed"), _n(step.stats, "out")) == (3, 2, 3)


def test_same_as_datatrove_formatter_with_ligatures():
    from datatrove.pipeline.formatters import FTFYFormatter

    step = FtfyFix(FtfyFixConfig(), RunContext(out_dir="unused"), 1)
    reference = FTFYFormatter(fix_latin_ligatures=True)
    for text in ["ﬁ ﬂ ﬀ ﬃ", "&eacute;t&eacute;", "\x1b[31mrouge\x1b[0m", "ＬＥ", "a\r\nb", "\ud83d\ude00"]:
        assert step.transform(text, None) == reference.format(text)


def test_registered_on_all_routes():
    assert STEPS["ftfy_fix"] is FtfyFix
    assert FtfyFix.default_routes == frozenset({"extraction", "direct"})
    assert FtfyFixConfig().fix_latin_ligatures is True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=20))
def test_idempotent_and_accounts_for_every_document(tmp_path_factory, docs):
    out = tmp_path_factory.mktemp("ftfy")
    step = FtfyFix(FtfyFixConfig(), RunContext(out_dir=str(out)), 1)
    once = _run(step, [Document(d.text, d.id, metadata=dict(d.metadata)) for d in docs])
    assert [d.id for d in once] == [d.id for d in docs]
    again = FtfyFix(FtfyFixConfig(), RunContext(out_dir=str(out)), 2)
    twice = _run(again, [Document(d.text, d.id, metadata=dict(d.metadata)) for d in once])
    assert [d.text for d in twice] == [d.text for d in once]
    assert _n(again.stats, "changed") == 0
