"""Page edges: page numbers and running headers/footers are found at the edges of pages only."""

from __future__ import annotations

from curation.text.layout import find_page_numbers, find_running_headers, is_page_number, split_lines


def _page(n: int, body: str) -> str:
    return f"Revue fictive · 2024 ; 18 ({n}) : 211-218\nDupont A. et al.\n\n{body}\n\nPage {n} / 3"


BODIES = ("Le patient va bien.\nIl sort demain.", "La fièvre persiste.\nUn bilan est fait.", "Guérison.\nFin du suivi.")
DOC = "\f\n\n".join(_page(n, body) for n, body in enumerate(BODIES, start=1))


def test_split_lines_keeps_offsets_and_pages():
    lines = split_lines("ab\ncd\fef\n")
    assert [(ln.text, ln.page) for ln in lines] == [("ab", 0), ("cd", 0), ("ef", 1), ("", 1)]
    text = "ab\ncd\fef\n"
    assert all(text[ln.start : ln.end] == ln.text for ln in lines)


def test_page_number_forms():
    for line in ("Page 3 / 8", "page 3", "3", " — 3 — ", "- 3 -", "3/8", "p. 12", "Page 2 sur 9"):
        assert is_page_number(line), line
    for line in ("3 patients", "Page de garde", "12345", "2,5"):
        assert not is_page_number(line), line


def test_page_numbers_and_headers_are_found():
    lines = split_lines(DOC)
    numbers = find_page_numbers(lines)
    assert sorted(lines[i].text for i in numbers) == ["Page 1 / 3", "Page 2 / 3", "Page 3 / 3"]
    headers = find_running_headers(lines, skip=numbers)
    found = {lines[i].text for i in headers}
    assert found == {f"Revue fictive · 2024 ; 18 ({n}) : 211-218" for n in (1, 2, 3)} | {"Dupont A. et al."}


def test_no_header_in_a_single_page_or_below_the_share():
    assert find_running_headers(split_lines("Titre\n\nTexte.\n\nTitre")) == set()
    pages = ["Titre courant\nTexte A."] + [f"Texte {chr(66 + i)} unique.\nAutre ligne {chr(75 + i)}." for i in range(9)]
    pages.append("Titre courant\nTexte Z.")
    lines = split_lines("\f".join(pages))
    found = {lines[i].text for i in find_running_headers(lines, min_pages=2, min_share=0.3)}
    assert found == {"Titre courant"}  # two pages are enough by default
    assert find_running_headers(lines, min_pages=5, min_share=0.3) == set()  # 2 of 11 pages: < 5 and < 30 %
    assert {lines[i].text for i in find_running_headers(lines, min_pages=5, min_share=0.1)} == {"Titre courant"}


def test_a_number_in_the_middle_of_a_page_is_not_a_page_number():
    lines = split_lines("Titre\nUn\nDeux\n2015\nTrois\nQuatre\nFin")
    assert find_page_numbers(lines) == set()
