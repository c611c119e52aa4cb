"""Ontology textbooks: French medical terminologies (CIM-10, CCAM, ATC) in RDF -> graph -> random walks ->
LLM-written textbook prose, a source of documents for the curation pipeline."""
