"""Pure text utilities shared by the passage steps (no datatrove, no I/O).

- ``normalize``: the typographic normalisation used to compare texts (fidelity, window dedup).
- ``words``: word counts and the share of letters, as the passage filter measures them.
- ``split``: paragraph and sentence spans, in the coordinates of the text they come from.
- ``shingles``: word n-gram shingles and Jaccard similarity.
- ``alignment``: the share of a text's characters found, in order, in another (fidelity).
- ``layout``: page edges of PDF text: page numbers and running headers/footers.
- ``blocks``: paragraphs of a cleaned page layout, references and captions.
- ``repair``: hyphenation, line unwrapping, ligatures and mojibake.
- ``cleaning``: the heuristic extractor: text in, passages with their source spans and fixes out.
"""
