"""``window_dedup``: a passage repeating one of the last kept passages of its document is excluded."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings

from curation.document import Document
from curation.io import read_records
from curation.run.context import RunContext
from curation.steps.base import iter_outputs
from curation.steps.window_dedup import WindowDedupConfig, WindowDedupFilter
from tests.strategies import unique_documents

META = {"source": "s", "license": "MIT", "route": "extraction"}
A = "La participation au programme reste pourtant nettement inférieure à l’objectif européen de 45 %."
B = (
    "Le délai entre un test positif et la coloscopie constitue un autre point faible du parcours. Une part non "
    "négligeable des personnes dont le test est positif ne réalise pas la coloscopie dans les six mois."
)
C = "Le médecin traitant reste l’acteur le plus influent dans la décision de participer au dépistage."


def _p(root, index, text):
    return Document(text=text, id=f"{root}#p{index}", metadata=dict(META, root_id=root))


def _run(tmp_path, docs, **config):
    step = WindowDedupFilter(WindowDedupConfig(**config), RunContext(out_dir=str(tmp_path)), 5)
    kept = iter_outputs(step, docs)
    excluded = read_records(tmp_path / "excluded") if (tmp_path / "excluded").exists() else []
    return [d.id for d in kept], [(r["id"], r["reason"], r["message"]) for r in excluded]


def test_verbatim_and_near_repeats_are_excluded_with_the_repeated_id(tmp_path):
    near = B.replace("constitue", "représente")
    docs = [_p("s/x", 0, A), _p("s/x", 1, B), _p("s/x", 2, C), _p("s/x", 3, A.upper()), _p("s/x", 4, near)]
    kept, excluded = _run(tmp_path, docs, threshold=0.7)  # one word of 36 changed: Jaccard 0.73
    assert kept == ["s/x#p0", "s/x#p1", "s/x#p2"]
    assert excluded == [("s/x#p3", "window_duplicate", "s/x#p0"), ("s/x#p4", "window_duplicate", "s/x#p1")]


def test_window_counts_kept_passages_and_resets_with_the_root(tmp_path):
    fillers = [f"Paragraphe {i} : un texte différent sur un sujet nouveau numéro {i} sans rapport." for i in range(5)]
    docs = [_p("s/x", 0, A)] + [_p("s/x", i + 1, f) for i, f in enumerate(fillers)] + [_p("s/x", 9, A)]
    kept, excluded = _run(tmp_path / "a", docs, window=5)
    assert excluded == []  # A left the window of the last 5 kept passages
    kept, excluded = _run(tmp_path / "b", docs, window=6)
    assert excluded == [("s/x#p9", "window_duplicate", "s/x#p0")]
    kept, excluded = _run(tmp_path / "c", [_p("s/x", 0, A), _p("s/y", 0, A)])
    assert excluded == []  # another document


def test_short_passages_compare_word_sets(tmp_path):
    kept, excluded = _run(tmp_path, [_p("s/x", 0, "Voir figure 1."), _p("s/x", 1, "figure 1, voir")])
    assert excluded == [("s/x#p1", "window_duplicate", "s/x#p0")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=25))
def test_window_dedup_never_modifies_documents(tmp_path_factory, docs):
    out = tmp_path_factory.mktemp("wd")
    for d in docs:
        d.metadata.update(route="extraction", root_id="s/one")
    before = {d.id: (d.text, copy.deepcopy(d.metadata)) for d in docs}
    step = WindowDedupFilter(WindowDedupConfig(), RunContext(out_dir=str(out)), 1)
    kept = iter_outputs(step, docs)
    for d in kept:
        assert (d.text, d.metadata) == before[d.id]
    excluded = read_records(out / "excluded") if (out / "excluded").exists() else []
    assert len(kept) + len(excluded) == len(docs)
    assert all(r["message"] in before for r in excluded)
