"""Synthetic annotated passages with a learnable signal, for the tests and the bench (no LLM needed).

Each article has a base level per signal (1–10) and a main content type; each of its passages draws
its levels around the base. A passage of ``words`` French words carries its levels in its words:
``2 × level`` words drawn from the signal's own list (``SIGNAL_WORDS``), a dozen topic words of its
content type (``TYPE_WORDS``), a few words only its article uses, and common filler. Its labels are
the levels, moved by ±1 with probability ``noise`` (the LLM is not perfectly consistent either).
A student that counts the right words can rank the passages; one that memorises articles cannot
generalise to held-out articles.
"""

from __future__ import annotations

import random
from pathlib import Path

from curation.document import Document, arrow_schema, to_row
from curation.scores import SIGNALS
from curation.steps.llm_annotate import CONTENT_TYPES

__all__ = ["FILLER", "SIGNAL_WORDS", "TYPE_WORDS", "synthetic_passages", "tiny_encoder", "write_shards"]

FILLER: tuple[str, ...] = (
    "le", "la", "les", "un", "une", "des", "du", "de", "au", "aux", "et", "ou", "en", "dans", "par", "pour", "avec",
    "sans", "sur", "sous", "chez", "entre", "vers", "ce", "cette", "ces", "son", "sa", "ses", "leur", "leurs", "il",
    "elle", "ils", "elles", "on", "nous", "vous", "qui", "que", "dont", "est", "sont", "était", "été", "être",
    "avoir", "a", "ont", "fait", "peut", "doit", "plus", "moins", "très", "aussi", "bien", "tout", "tous", "toute",
    "chaque", "autre", "même", "après", "avant", "lors", "depuis", "pendant", "patient", "patients", "médecin",
    "service", "hôpital", "soins", "jour", "jours", "semaine", "mois", "année", "cas", "personne", "personnes",
    "traitement", "suivi", "prise", "bilan", "valeur", "niveau", "partie", "forme", "type", "cadre", "ensemble",
    "nombre", "question", "rôle", "place",
)
"""Common French words carrying no signal."""

SIGNAL_WORDS: dict[str, tuple[str, ...]] = {
    "edu": ("définition", "explique", "comprendre", "mécanisme", "principe", "apprentissage", "notion",
            "illustre", "résumé", "exemple", "fondamental", "enseignement", "pédagogique", "clarifie"),
    "cont": ("dose", "incidence", "prévalence", "mmol", "cohorte", "posologie", "biomarqueur", "médiane",
             "sensibilité", "spécificité", "intervalle", "risque", "taux", "essai"),
    "writ": ("ainsi", "cependant", "néanmoins", "toutefois", "outre", "enfin", "d'abord", "ensuite",
             "notamment", "également", "donc", "puisque", "tandis", "afin"),
    "term": ("néphropathie", "insuffisance", "cardiomyopathie", "glomérulaire", "thrombose", "ischémie",
             "hépatique", "leucocytose", "anticoagulant", "pharmacocinétique", "immunosuppresseur", "dyspnée",
             "tachycardie", "œdème"),
}
"""Words whose count in a passage sets each signal's level."""

TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "research_findings": ("résultats", "significativement", "observé", "démontré", "amélioration", "groupe",
                          "comparaison", "hausse"),
    "medical_knowledge": ("physiologie", "organe", "cellule", "fonction", "anatomie", "maladie", "symptôme",
                          "pathologie"),
    "clinical_guidance": ("recommandation", "recommandé", "surveillance", "indication", "conduite", "consensus",
                          "privilégier", "arbre"),
    "research_methodology": ("méthode", "randomisé", "inclusion", "critères", "statistique", "échantillon",
                             "analyse", "aveugle"),
    "drug_information": ("médicament", "comprimé", "effets", "indésirables", "contre-indication", "interaction",
                         "molécule", "galénique"),
    "background_review": ("revue", "littérature", "historique", "auteurs", "travaux", "synthèse", "décennies",
                          "contexte"),
    "policy_administrative": ("décret", "réglementation", "agence", "publique", "financement", "remboursement",
                              "ministère", "autorisation"),
    "patient_case": ("patiente", "admise", "ans", "antécédents", "examen", "hospitalisation", "évolution",
                     "sortie"),
    "other": ("annonce", "congrès", "remerciements", "inscription", "programme", "session", "contact", "bulletin"),
}
"""Topic words of each content type."""


def _clip(level: int) -> int:
    return max(1, min(10, level))


def synthetic_passages(n_articles: int, per_article: int = 5, seed: int = 0, words: int = 200,
                       noise: float = 0.2, source: str = "synthetic", annotated: bool = True) -> list[Document]:
    """``n_articles × per_article`` passages with ``quality.*`` and ``content_type`` (when ``annotated``)."""
    rng = random.Random(seed)
    docs = []
    for a in range(n_articles):
        article = f"{source}/article{a:05d}"
        base = {s: rng.randint(1, 10) for s in SIGNALS}
        main_type = rng.choice(CONTENT_TYPES)
        own = [f"mot{a}x{j}" for j in range(3)]
        for p in range(per_article):
            levels = {s: _clip(base[s] + rng.randint(-2, 2)) for s in SIGNALS}
            ctype = main_type if rng.random() < 0.8 else rng.choice(CONTENT_TYPES)
            tokens = [w for s in SIGNALS for w in rng.choices(SIGNAL_WORDS[s], k=2 * levels[s])]
            tokens += rng.choices(TYPE_WORDS[ctype], k=12) + rng.choices(own, k=4)
            tokens += rng.choices(FILLER, k=max(0, words - len(tokens)))
            rng.shuffle(tokens)
            text = " ".join(tokens)
            text = text[0].upper() + text[1:] + "."
            meta = {"source": source, "license": "CC-BY-4.0", "route": "direct", "root_id": article,
                    "parent_id": article, "passage_index": p, "token_count": len(tokens)}
            if annotated:
                for s in SIGNALS:
                    label = levels[s] + (rng.choice((-1, 1)) if rng.random() < noise else 0)
                    meta[f"quality.{s}"] = _clip(label)
                meta["content_type"] = ctype
            docs.append(Document(text=text, id=f"{article}#p{p}", metadata=meta))
    return docs


def write_shards(docs: list[Document], folder: str | Path, per_shard: int = 500) -> list[Path]:
    """Write documents as biomedfr Parquet shards (``00000.parquet``...) in ``folder``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(0, max(len(docs), 1), per_shard):
        table = pa.Table.from_pylist([to_row(d) for d in docs[i : i + per_shard]], schema=arrow_schema())
        path = folder / f"{i // per_shard:05d}.parquet"
        pq.write_table(table, path)
        paths.append(path)
    return paths


def tiny_encoder(folder: str | Path, texts: list[str], arch: str = "bert", hidden: int = 32, layers: int = 2,
                 vocab_size: int = 600, seed: int = 0) -> Path:
    """Save a tiny randomly initialised encoder and a WordPiece tokenizer trained on ``texts`` (nothing downloaded).

    ``arch``: ``bert`` or ``modernbert``. For tests and the bench only: the weights are random.
    """
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, ModernBertConfig, ModernBertModel, PreTrainedTokenizerFast

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials,
                                                                         show_progress=False))
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    torch.manual_seed(seed)
    size = {"vocab_size": tokenizer.get_vocab_size(), "hidden_size": hidden, "num_hidden_layers": layers,
            "num_attention_heads": 2, "intermediate_size": 2 * hidden}
    if arch == "bert":
        model = BertModel(BertConfig(**size, max_position_embeddings=512))
    elif arch == "modernbert":
        model = ModernBertModel(ModernBertConfig(**size, max_position_embeddings=512, pad_token_id=0,
                                                 cls_token_id=cls_id, sep_token_id=sep_id, bos_token_id=cls_id,
                                                 eos_token_id=sep_id))
    else:
        raise ValueError(f"arch {arch!r}: expected bert or modernbert")
    from curation.classifier.encoder_student import _quiet_transformers

    with _quiet_transformers():
        model.save_pretrained(str(folder))
        fast.save_pretrained(str(folder))
    return folder
