"""French texts of the TEI and JSONL parts of the sample corpus, as plain Python data.

Everything here is original prose written for biomedfr (fictional authors, patients, journals and
DOIs under the ``10.5555`` test prefix); it ships under the project's license. The generator
``curation.sample.build.build_text_sources`` turns this data into ``corpus/tei/*.xml``,
``corpus/jsonl/*.jsonl`` and ``ledger_text.yaml``.

Conventions
-----------
TEI articles (``TEI_ARTICLES``) are dicts; their ``sections`` hold *blocks*:

- ``("p", text)``: a clean paragraph (checked: 50 to 210 words);
- ``("p_planted", text)``: a paragraph carrying a planted problem (not length-checked);
- ``("p_mojibake", text)``: clean text written mojibaked (UTF-8 bytes decoded as cp1252);
- ``("figure", {"head", "desc"})``, ``("table", {"head", "desc", "rows"})``,
  ``("formula", text, label)``: GROBID-like figures, tables and block formulas.

Inline markup inside paragraph text: ``[n]`` becomes ``<ref type="bibr" target="#b(n-1)">`` when the
article has a structured bibliography; ``{{note:n|text}}`` an inline ``<note place="foot">``;
``{{formula|text}}`` an inline ``<formula>``.

JSONL records (``PORTAL_RECORDS``, ``CLINICAL_RECORDS``, ``INVALID_UTF8_RECORDS``) are dicts with the
output fields plus ``before``/``paragraphs``/``after`` (boilerplate, clean paragraphs, boilerplate),
optional ``insert`` (``{index: text}``: a planted paragraph placed before ``paragraphs[index]``),
``transform`` (``None`` or ``"mojibake"``), ``check`` (whether the clean-text length rules apply) and
``planted``: the ledger entries of the record. ``license`` set to ``NO_LICENSE`` means the field is
left out of the record.
"""

from __future__ import annotations

__all__ = [
    "BAD_BYTES_MARKER",
    "CLINICAL_RECORDS",
    "INVALID_UTF8_RECORDS",
    "NO_LICENSE",
    "PORTAL_RECORDS",
    "TEI_ARTICLES",
    "XXE_MARKER",
    "planted",
]

NO_LICENSE = object()
"""Sentinel: the record has no ``license`` field (it inherits the source manifest's)."""

XXE_MARKER = "@@XXE@@"
"""Replaced by the entity reference ``&xxe;`` in ``tei/external-entity.xml``."""

BAD_BYTES_MARKER = "@@BAD_BYTES@@"
"""Replaced by the raw bytes ``b"\\xff\\xfe"`` in ``jsonl/invalid-utf8.jsonl``."""

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/"


def planted(step: str, reason: str | None, problem: str) -> dict:
    """One ledger entry (without the document path, added by the generator)."""
    return {"step": step, "reason": reason, "problem": problem}


# =====================================================================================================
# TEI articles
# =====================================================================================================

_NEPHRO_ABSTRACT = (
    "La maladie rénale chronique touche une proportion croissante de personnes âgées, chez qui elle "
    "reste souvent méconnue. Son repérage repose sur l'estimation du débit de filtration glomérulaire à "
    "partir de la créatinine plasmatique et sur la recherche d'une albuminurie. Chez le sujet âgé, la "
    "diminution de la masse musculaire rend l'interprétation de la créatinine délicate et expose à une "
    "surestimation de la fonction rénale. Cette revue rappelle les équations disponibles, leurs limites "
    "après 75 ans et les conséquences pratiques pour la prescription des médicaments à élimination "
    "rénale. Nous proposons une démarche simple, fondée sur la réévaluation régulière de la fonction "
    "rénale et sur une concertation entre néphrologue, gériatre et pharmacien."
)

NEPHRO = {
    "file": "hal-nephro-mrc-sujet-age.xml",
    "style": "hal",
    "title": (
        "Maladie rénale chronique du sujet âgé : estimer la fonction rénale pour adapter les traitements"
    ),
    "authors": [
        {"forename": "Claire", "surname": "Vasseur", "dept": "Service de néphrologie",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair",
         "email": "claire.vasseur@chu-montclair.example"},
        {"forename": "Julien", "surname": "Ferrand", "dept": "Département de gériatrie",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair"},
        {"forename": "Amina", "surname": "Belkacem", "dept": "Pharmacie à usage intérieur",
         "institution": "Hôpital Saint-Aurèle", "city": "Valbonne-sur-Loire"},
    ],
    "doi": "10.5555/biomedfr.2021.0142",
    "hal_id": "hal-09000142",
    "date": "2021-06-14",
    "journal": "Revue francophone de néphrologie pratique",
    "publisher": "Société fictive de néphrologie",
    "volume": "17", "pages": ("201", "212"),
    "licence": CC_BY,
    "keywords": ["maladie rénale chronique", "sujet âgé", "débit de filtration glomérulaire",
                 "adaptation posologique"],
    "abstract": [_NEPHRO_ABSTRACT],
    "abstract_divs": False,
    "sections": [
        {"head": "Introduction", "blocks": [
            ("p",
             "Le vieillissement s'accompagne d'une diminution progressive du nombre de néphrons "
             "fonctionnels et d'une baisse physiologique du débit de filtration glomérulaire. À cette "
             "évolution naturelle s'ajoutent les effets de l'hypertension artérielle, du diabète et de "
             "l'athérosclérose, qui accélèrent la perte de fonction rénale. Dans les études de population, "
             "près d'une personne sur trois de plus de 75 ans présente un débit estimé inférieur à "
             "60 mL/min/1,73 m². Pourtant, ce diagnostic figure rarement dans le dossier médical, et les "
             "traitements ne sont pas toujours adaptés en conséquence. Les accidents iatrogènes qui en "
             "résultent, comme les hypoglycémies sous sulfamides ou les hémorragies sous anticoagulants, "
             "sont fréquents et en grande partie évitables [1]."),
        ]},
        {"head": "Estimer le débit de filtration glomérulaire", "blocks": [
            ("p_planted",
             "La mesure directe du débit de filtration glomérulaire par la clairance d'un traceur exogène "
             "reste la méthode de référence, mais elle est longue et coûteuse. En pratique, on utilise des "
             "équations qui estiment le débit à partir de la créatinine plasmatique, de l'âge et du sexe. "
             "L'équation CKD-EPI, recommandée par la plupart des sociétés savantes, s'écrit "
             "{{formula|DFG = 141 × min (Scr /κ , 1) α × max (Scr /κ , 1) -1,209 × 0,993 Âge × 1,018 "
             "[F]}} ; dans cette formule, Scr désigne la créatinine plasmatique exprimée en mg/dL, κ vaut "
             "0,7 chez la femme et 0,9 chez l'homme, et α vaut respectivement -0,329 et -0,411."),
            ("formula", "DFG = 141 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^-1,209 × 0,993^âge × 1,018 [si F]",
             "(1)"),
            ("p",
             "Après 75 ans, cette équation a été peu validée et tend à surestimer la fonction rénale des "
             "patients dénutris ou sarcopéniques, dont la production de créatinine est faible. Le dosage "
             "de la cystatine C, moins dépendant de la masse musculaire, apporte alors une information "
             "complémentaire utile, en particulier lorsque la décision thérapeutique dépend d'un seuil "
             "précis, comme pour l'introduction d'un anticoagulant ou la poursuite de la metformine. Les "
             "équations combinant créatinine et cystatine C sont les plus exactes dans cette population, "
             "mais leur coût limite encore leur usage en routine [2]."),
            ("table", {
                "head": "Tableau 1",
                "desc": "Stades de la maladie rénale chronique selon le débit de filtration glomérulaire "
                        "estimé (DFG, mL/min/1,73 m²).",
                "rows": [
                    ["Stade", "DFG", "Définition"],
                    ["1", "≥ 90", "Fonction rénale normale avec marqueur d'atteinte rénale"],
                    ["2", "60–89", "Insuffisance rénale légère avec marqueur d'atteinte rénale"],
                    ["3a", "45–59", "Insuffisance rénale légère à modérée"],
                    ["3b", "30–44", "Insuffisance rénale modérée à sévère"],
                    ["4", "15–29", "Insuffisance rénale sévère"],
                    ["5", "< 15", "Insuffisance rénale terminale"],
                ],
            }),
        ]},
        {"head": "Adapter les prescriptions", "blocks": [
            ("p",
             "Pour les médicaments à marge thérapeutique étroite, les résumés des caractéristiques du "
             "produit indiquent encore souvent des seuils exprimés en clairance de la créatinine selon "
             "Cockcroft et Gault{{note:1|La formule de Cockcroft et Gault estime la clairance de la "
             "créatinine en mL/min, sans normalisation à la surface corporelle ; elle intègre le poids du "
             "patient.}}. Cette formule, qui tient compte du poids, donne chez le sujet âgé de faible "
             "corpulence des valeurs nettement plus basses que l'équation CKD-EPI. Il est donc prudent de "
             "calculer les deux estimations et de retenir la plus basse lorsque le médicament présente un "
             "risque de toxicité élevé, comme les anticoagulants oraux directs, la metformine ou certains "
             "antiviraux."),
            ("p",
             "La réévaluation doit être régulière, car la fonction rénale du sujet âgé fluctue au gré des "
             "épisodes de déshydratation, des infections ou de l'introduction d'un diurétique. Un contrôle "
             "de la créatinine est recommandé au moins une fois par an chez tout patient traité au long "
             "cours par un médicament à élimination rénale, et plus souvent en cas de maladie rénale de "
             "stade 3b ou plus. Le pharmacien hospitalier ou d'officine joue un rôle clé dans le repérage "
             "des posologies inadaptées, à condition de disposer des résultats biologiques récents [3]."),
        ]},
        {"head": "Préserver la fonction rénale", "blocks": [
            ("p",
             "La néphroprotection repose d'abord sur le contrôle de la pression artérielle, avec une cible "
             "adaptée à l'état général du patient et au risque d'hypotension orthostatique. Les inhibiteurs "
             "du système rénine-angiotensine réduisent l'albuminurie et ralentissent la progression de la "
             "maladie, mais leur introduction impose une surveillance de la kaliémie et de la créatinine "
             "dans les deux semaines. Chez le patient diabétique, les inhibiteurs du cotransporteur "
             "sodium-glucose de type 2 ont montré un bénéfice rénal propre. Enfin, l'éviction des "
             "anti-inflammatoires non stéroïdiens et des produits de contraste iodés non indispensables "
             "limite les épisodes d'insuffisance rénale aiguë, qui laissent souvent des séquelles "
             "définitives chez la personne âgée [4]."),
        ]},
        {"head": "Conclusion", "blocks": [
            ("p",
             "Chez le sujet âgé, la maladie rénale chronique est moins une maladie isolée qu'un paramètre "
             "dont il faut tenir compte à chaque prescription. Une estimation prudente de la fonction "
             "rénale, répétée dans le temps et partagée entre les professionnels, permet d'éviter une "
             "grande partie des accidents médicamenteux. L'orientation vers le néphrologue reste indiquée "
             "en cas de déclin rapide, d'albuminurie importante ou de débit estimé inférieur à "
             "30 mL/min/1,73 m²."),
        ]},
    ],
    "references": [
        {"authors": [("P", "Morel"), ("L", "Chassagne")],
         "title": "Iatrogénie médicamenteuse et fonction rénale chez le patient âgé hospitalisé",
         "journal": "Rev Geriatr Clin", "year": "2018", "volume": "23", "pages": ("112", "119")},
        {"authors": [("S", "Hadj-Ali"), ("F", "Lemoine")],
         "title": "Cystatine C et estimation du débit de filtration glomérulaire après 75 ans",
         "journal": "Nephrol Prat", "year": "2019", "volume": "15", "pages": ("301", "308")},
        {"authors": [("E", "Garnier"), ("V", "Tran")],
         "title": "Rôle du pharmacien dans l'adaptation posologique chez l'insuffisant rénal",
         "journal": "J Pharm Clin Fr", "year": "2020", "volume": "39", "pages": ("45", "52")},
        {"authors": [("M", "Roussel"), ("H", "Caron")],
         "title": "Néphroprotection chez le sujet âgé : revue narrative",
         "journal": "Presse Med Fict", "year": "2017", "volume": "46", "pages": ("880", "887")},
    ],
    "planted": [
        planted("llm_extract", None,
                "An inline formula (CKD-EPI equation) is linearised by GROBID into a garbled string in the "
                "middle of a sentence; only an LLM extraction can rewrite it as readable text."),
    ],
}

NEURO = {
    "file": "grobid-neuro-sep-irm.xml",
    "style": "grobid",
    "title": "Sclérose en plaques : place de l'IRM dans le diagnostic précoce et le suivi thérapeutique",
    "authors": [
        {"forename": "Thomas", "surname": "Lefebvre-Ruiz", "dept": "Service de neurologie",
         "institution": "Hôpital Saint-Aurèle", "city": "Valbonne-sur-Loire"},
        {"forename": "Nadia", "surname": "Oukacha", "dept": "Service de neuroradiologie",
         "institution": "Hôpital Saint-Aurèle", "city": "Valbonne-sur-Loire"},
        {"forename": "Pierre", "surname": "Gautier", "dept": "Service de neurologie",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair"},
    ],
    "doi": "10.5555/biomedfr.2020.0317",
    "date": "2020-11-02",
    "journal": "Cahiers fictifs de neurologie clinique",
    "publisher": "Éditions médicales du Val",
    "volume": "8", "pages": ("54", "63"),
    "licence": CC_BY,
    "keywords": ["sclérose en plaques", "imagerie par résonance magnétique", "critères de McDonald"],
    "abstract": [
        "La sclérose en plaques est une maladie inflammatoire et démyélinisante du système nerveux "
        "central qui touche principalement l'adulte jeune. L'imagerie par résonance magnétique occupe une "
        "place centrale dans son diagnostic, puisqu'elle permet de démontrer la dissémination des lésions "
        "dans l'espace et dans le temps. Elle est également devenue un outil indispensable au suivi des "
        "patients traités, en révélant une activité inflammatoire souvent silencieuse sur le plan "
        "clinique. Cet article présente les critères diagnostiques actuels, les protocoles d'acquisition "
        "recommandés et les indicateurs utilisés pour juger de l'efficacité d'un traitement de fond."
    ],
    "abstract_divs": True,
    "sections": [
        {"head": "Introduction", "blocks": [
            ("p",
             "La sclérose en plaques concerne environ cent mille personnes en France, avec une nette "
             "prédominance féminine. Les premiers symptômes apparaissent le plus souvent entre vingt et "
             "quarante ans : névrite optique, troubles sensitifs d'un membre, vertiges ou faiblesse "
             "motrice. Longtemps, le diagnostic reposait sur la seule succession de poussées cliniques, ce "
             "qui imposait d'attendre un second épisode pour conclure. L'arrivée de l'imagerie par "
             "résonance magnétique a profondément modifié cette situation en permettant un diagnostic plus "
             "précoce, et donc l'instauration plus rapide d'un traitement de fond capable de réduire la "
             "fréquence des poussées [1]."),
        ]},
        {"head": "Critères diagnostiques", "blocks": [
            ("p_planted",
             "Les critères de McDonald, révisés à plusieurs reprises, déﬁnissent la dissémination "
             "spatiale par la présence de lésions dans au moins deux des quatre régions typiques : "
             "périventriculaire, corticale ou juxtacorticale, sous-tentorielle et médullaire. La "
             "dissémination temporelle peut être afﬁrmée sur une seule IRM lorsque coexistent des lésions "
             "rehaussées par le gadolinium et des lésions non rehaussées. La présence de bandes "
             "oligoclonales spéciﬁques dans le liquide cérébrospinal peut également se substituer à ce "
             "critère. Ces règles ont été conçues pour réduire le délai diagnostique sans sacriﬁer la "
             "spéciﬁcité, et leur application rigoureuse évite de confondre la maladie avec des "
             "hypersignaux aspéciﬁques de la substance blanche, très fréquents après cinquante ans chez les "
             "patients migraineux ou porteurs de facteurs de risque vasculaire. Le ﬂux d'informations "
             "apporté par l'imagerie doit toujours être confronté au tableau clinique et à l'examen "
             "neurologique, qui recherche notamment des signes d'atteinte inﬂammatoire du nerf optique."),
            ("p_planted", "Voir figure 1."),
        ]},
        {"head": "Protocole d'acquisition", "blocks": [
            ("p",
             "Un protocole standardisé facilite la comparaison des examens successifs, condition "
             "indispensable à un suivi fiable. Il comprend au minimum des séquences pondérées en T2 et en "
             "FLAIR dans le plan axial, une séquence FLAIR tridimensionnelle et une séquence pondérée en T1 "
             "après injection de gadolinium. L'exploration médullaire est recommandée lors du bilan "
             "initial, car les lésions de la moelle ont une valeur diagnostique et pronostique importante. "
             "Les examens de suivi doivent être réalisés, autant que possible, sur la même machine et avec "
             "les mêmes paramètres, afin de limiter les variations techniques qui pourraient être "
             "confondues avec une évolution de la maladie [2]."),
            ("figure", {
                "head": "Fig. 1.",
                "desc": "IRM cérébrale en séquence FLAIR, coupe axiale : hypersignaux périventriculaires "
                        "ovoïdes, perpendiculaires aux ventricules latéraux, évocateurs de lésions "
                        "démyélinisantes.",
            }),
        ]},
        {"head": "Suivi sous traitement", "blocks": [
            ("p",
             "Sous traitement de fond, l'apparition de nouvelles lésions en T2 ou de lésions rehaussées "
             "traduit une activité inflammatoire persistante, même en l'absence de poussée clinique. La "
             "plupart des équipes réalisent une IRM de référence trois à six mois après l'instauration du "
             "traitement, puis un contrôle annuel. La notion d'absence d'activité de la maladie, qui "
             "associe l'absence de poussée, de progression du handicap et d'activité radiologique, sert "
             "aujourd'hui d'objectif thérapeutique. Lorsque cet objectif n'est pas atteint, une escalade "
             "vers un traitement plus efficace est discutée en réunion de concertation pluridisciplinaire. "
             "L'IRM contribue enfin à la surveillance de la tolérance de certaines molécules, en "
             "particulier au dépistage de la leucoencéphalopathie multifocale progressive [3]."),
        ]},
    ],
    "references": [
        {"authors": [("A", "Berthier"), ("C", "Moulin")],
         "title": "Délai diagnostique de la sclérose en plaques avant et après l'ère de l'IRM",
         "journal": "Rev Neurol Fict", "year": "2016", "volume": "172", "pages": ("410", "417")},
        {"authors": [("N", "Oukacha"), ("J", "Dufresne")],
         "title": "Standardisation des protocoles IRM dans le suivi de la sclérose en plaques",
         "journal": "J Neuroradiol Fict", "year": "2019", "volume": "46", "pages": ("12", "20")},
        {"authors": [("T", "Lefebvre-Ruiz"), ("P", "Gautier")],
         "title": "Surveillance radiologique des traitements de fond de la sclérose en plaques",
         "journal": "Prat Neurol Fict", "year": "2020", "volume": "11", "pages": ("77", "84")},
    ],
    "planted": [
        planted("heuristic_extract", "ligature_fixed",
                "A paragraph contains Unicode ligatures (U+FB01 'ﬁ', U+FB02 'ﬂ') copied from the PDF "
                "(déﬁnissent, afﬁrmée, ﬂux, inﬂammatoire) that must be expanded to 'fi'/'fl'."),
        planted("passage_filter", "passage_too_short",
                "A three-word paragraph ('Voir figure 1.') left in the body by GROBID."),
    ],
}

DERMATO = {
    "file": "grobid-dermato-carcinomes.xml",
    "style": "grobid",
    "title": "Carcinomes cutanés du sujet âgé : prévention et dépistage en médecine générale",
    "authors": [
        {"forename": "Hélène", "surname": "Marchand", "dept": "Service de dermatologie",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair",
         "email": "helene.marchand@chu-montclair.example"},
        {"forename": "Karim", "surname": "Zerrouki", "dept": "Département de médecine générale",
         "institution": "Université fictive de Montclair", "city": "Montclair"},
    ],
    "doi": "10.5555/biomedfr.2020.0233",
    "date": "2020-04-20",
    "journal": "Revue française de dermatologie pratique",
    "publisher": "Éditions médicales du Val",
    "volume": "14", "pages": ("233", "241"),
    "licence": CC_BY,
    "keywords": ["carcinome basocellulaire", "carcinome épidermoïde", "prévention solaire",
                 "médecine générale"],
    "abstract": [
        "Les carcinomes basocellulaires et épidermoïdes sont les cancers les plus fréquents chez l'adulte "
        "à peau claire, et leur incidence augmente régulièrement avec le vieillissement de la population. "
        "Leur pronostic est généralement bon lorsqu'ils sont traités tôt, mais les formes négligées "
        "peuvent entraîner des destructions locales importantes, en particulier au visage. Le médecin "
        "généraliste, qui examine régulièrement ses patients âgés, est en première ligne pour repérer les "
        "lésions suspectes. Cet article rappelle les principaux aspects cliniques de ces tumeurs, les "
        "facteurs de risque à rechercher et les messages de prévention à transmettre aux patients et à "
        "leur entourage."
    ],
    "abstract_divs": True,
    "sections": [
        {"head": "Épidémiologie et facteurs de risque", "blocks": [
            ("p_planted",
             "L'exposition solaire cumulée au cours de la vie est le principal facteur de risque des "
             "carcinomes épi-\ndermoïdes, qui siègent préférentiellement sur les zones photo-exposées : "
             "visage, cuir chevelu dégarni, dos des mains. Les carcinomes basocellulaires sont davan-\n"
             "tage liés aux expositions intenses et intermittentes de l'enfance. D'autres facteurs "
             "favorisent leur survenue, en particulier un phototype clair, des anté-\ncédents de cancer "
             "cutané, une immunodépression, notamment après une trans-\nplantation d'organe, et certains "
             "traitements photosensibilisants. Chez les patients trans-\nplantés, le risque de carcinome "
             "épidermoïde est multiplié par plus de cinquante, ce qui justifie une surveillance dermato-\n"
             "logique au moins annuelle, organisée dès la greffe avec l'équipe de transplantation."),
        ]},
        {"head": "Reconnaître les lésions", "blocks": [
            ("p_planted",
             "Le carcinome basocellulaire se présente le plus souvent comme une papule perlée, "
             "translucide, parcourue de fines télangiectasies, qui s'étend lentement et peut s'ulcérer en "
             "son centre. Certaines formes sont planes et cicatricielles, d'autres pigmentées, ce qui peut "
             "prêter à confusion avec un mélanome. Le carcinome épidermoïde Rev Fr Dermatol Prat 2020 ; "
             "14 : 233-241 apparaît plutôt comme une lésion croûteuse, kératosique ou ulcérée, parfois "
             "douloureuse, qui grossit en quelques semaines. Il survient souvent sur une kératose "
             "actinique préexistante. Toute lésion qui saigne spontanément, ne cicatrise pas en un mois ou "
             "se modifie rapidement doit faire l'objet d'un avis spécialisé et, le plus souvent, d'une "
             "biopsie."),
            ("figure", {
                "head": "Fig. 1.",
                "desc": "Carcinome basocellulaire nodulaire de l'aile du nez : papule perlée à bordure "
                        "télangiectasique, ulcérée en son centre.",
            }),
        ]},
        {"head": "Prévention", "blocks": [
            ("p",
             "La prévention repose sur la limitation de l'exposition solaire aux heures les plus chaudes, "
             "le port de vêtements couvrants et d'un chapeau à larges bords, et l'application régulière "
             "d'une crème solaire à indice élevé sur les zones découvertes. Ces conseils restent "
             "pertinents à un âge avancé, notamment chez les personnes qui jardinent ou pratiquent des "
             "activités de plein air. Le traitement des kératoses actiniques, par cryothérapie ou par des "
             "topiques adaptés, réduit le risque de transformation en carcinome. Enfin, il est utile "
             "d'apprendre au patient et à son entourage à surveiller la peau, en particulier les zones "
             "difficiles à voir comme le dos ou le cuir chevelu [1]."),
        ]},
        {"head": "Traitement", "blocks": [
            ("p",
             "Le traitement de référence des carcinomes cutanés est l'exérèse chirurgicale avec une marge "
             "de sécurité adaptée au type de tumeur et à sa localisation, suivie d'un examen "
             "anatomopathologique qui vérifie que l'ablation est complète. Chez les patients très âgés ou "
             "fragiles, d'autres options peuvent être discutées, comme la radiothérapie, la cryochirurgie "
             "ou, pour les carcinomes basocellulaires superficiels, certains traitements locaux. Dans tous "
             "les cas, la décision tient compte de l'espérance de vie, de l'état général et des souhaits du "
             "patient, et un suivi clinique est organisé pour dépister les récidives et les nouvelles "
             "lésions."),
        ]},
        {"head": "Quand adresser au dermatologue ?", "blocks": [
            ("p",
             "Une consultation spécialisée s'impose devant toute lésion suspecte du visage, en particulier "
             "près des yeux, du nez, des lèvres ou des oreilles, où la chirurgie doit être planifiée avec "
             "soin pour préserver la fonction et l'esthétique. Elle est également indiquée en cas de "
             "lésions multiples, de récidive après traitement ou de terrain immunodéprimé. Dans les "
             "territoires où l'accès au dermatologue est difficile, la télé-expertise à partir de "
             "photographies de bonne qualité permet souvent d'obtenir un avis en quelques jours et de "
             "hiérarchiser les urgences [2]."),
        ]},
    ],
    "references": [
        {"authors": [("L", "Perret"), ("S", "Amrani")],
         "title": "Kératoses actiniques : quand et comment traiter en soins primaires",
         "journal": "Ann Dermatol Fict", "year": "2018", "volume": "145", "pages": ("620", "628")},
        {"authors": [("K", "Zerrouki"), ("H", "Marchand")],
         "title": "Télé-expertise dermatologique en zone sous-dotée : bilan de deux années",
         "journal": "Med Gen Fict", "year": "2019", "volume": "33", "pages": ("18", "24")},
    ],
    "planted": [
        planted("heuristic_extract", "hyphenation_joined",
                "A paragraph keeps the PDF's end-of-line hyphenation (épi-/dermoïdes, davan-/tage, "
                "dermato-/logique...), which must be joined, while 'photo-exposées' keeps its hyphen."),
        planted("llm_extract", None,
                "The journal's running header 'Rev Fr Dermatol Prat 2020 ; 14 : 233-241' is inserted in "
                "the middle of a sentence; only an LLM extraction can remove it reliably."),
    ],
}

INFECTIO = {
    "file": "hal-infectio-cystites.xml",
    "style": "hal",
    "title": (
        "Infections urinaires communautaires de la femme : évolution des résistances et choix de "
        "l'antibiothérapie"
    ),
    "authors": [
        {"forename": "Sophie", "surname": "Delorme", "dept": "Laboratoire de microbiologie",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair"},
        {"forename": "Antoine", "surname": "N'Diaye", "dept": "Service de maladies infectieuses",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair"},
        {"forename": "Laure", "surname": "Bertin", "dept": "Réseau de laboratoires de ville",
         "institution": "Biolab Val-de-Loire", "city": "Valbonne-sur-Loire"},
    ],
    "doi": "10.5555/biomedfr.2022.0058",
    "hal_id": "hal-09000058",
    "date": "2022-02-07",
    "journal": "Bulletin fictif d'infectiologie",
    "publisher": "Société fictive d'infectiologie",
    "volume": "52", "pages": ("88", "96"),
    "licence": CC_BY,
    "keywords": ["cystite", "Escherichia coli", "résistance aux antibiotiques", "fosfomycine"],
    "abstract": [
        "Les infections urinaires figurent parmi les infections bactériennes les plus fréquentes en "
        "médecine de ville. Escherichia coli en est responsable dans la grande majorité des cas, et sa "
        "sensibilité aux antibiotiques évolue de manière préoccupante. Nous avons analysé les "
        "antibiogrammes de 2 418 prélèvements urinaires réalisés chez des femmes de 18 à 65 ans dans "
        "trois laboratoires de ville entre 2016 et 2020. La résistance à l'amoxicilline-acide "
        "clavulanique et aux fluoroquinolones progresse, alors que la fosfomycine et la nitrofurantoïne "
        "conservent une excellente activité. Ces données confortent les recommandations actuelles de "
        "traitement probabiliste de la cystite simple."
    ],
    "abstract_divs": False,
    "sections": [
        {"head": "Introduction", "blocks": [
            ("p",
             "La cystite aiguë simple touche près d'une femme sur deux au cours de sa vie et représente un "
             "motif fréquent de consultation en soins primaires. Son traitement est le plus souvent "
             "probabiliste, c'est-à-dire instauré sans attendre le résultat de l'examen "
             "cytobactériologique des urines. Le choix de l'antibiotique repose donc sur la connaissance "
             "de l'épidémiologie locale des résistances. Or, l'usage répété de certaines molécules, "
             "notamment les fluoroquinolones, favorise la sélection de souches résistantes qui compliquent "
             "ensuite la prise en charge des infections plus graves, comme les pyélonéphrites ou les "
             "infections associées aux soins [1]."),
        ]},
        {"head": "Matériel et méthodes", "blocks": [
            ("p_mojibake",
             "Nous avons inclus de façon rétrospective tous les examens cytobactériologiques des urines "
             "positifs à une seule espèce bactérienne, prélevés chez des femmes non enceintes âgées de 18 à "
             "65 ans. Les prélèvements issus d'établissements de santé ont été exclus. Les antibiogrammes "
             "ont été réalisés selon les recommandations du comité de l'antibiogramme en vigueur à chaque "
             "période. Pour chaque patiente, seul le premier prélèvement de l'année a été retenu afin "
             "d'éviter de compter plusieurs fois la même souche. Le médecin prescripteur n'a pas été "
             "sollicité, et cette étude a reçu l'avis favorable du comité d'éthique local."),
        ]},
        {"head": "Résultats", "blocks": [
            ("p",
             "Escherichia coli représentait 78 % des isolats, suivi de Klebsiella pneumoniae et de Proteus "
             "mirabilis. Pour E. coli, la résistance à l'amoxicilline dépassait 45 % sur l'ensemble de la "
             "période, et celle à l'association amoxicilline-acide clavulanique est passée de 22 % à 29 %. "
             "La résistance aux fluoroquinolones a progressé de 11 % à 15 %, et la proportion de souches "
             "productrices de bêta-lactamase à spectre étendu a atteint 5 % en 2020. À l'inverse, moins de "
             "2 % des souches étaient résistantes à la fosfomycine et moins de 3 % à la nitrofurantoïne. Le "
             "pivmécillinam conservait une activité satisfaisante, avec un taux de résistance stable "
             "autour de 6 %."),
            ("p_planted",
             "Figure 1 : Évolution annuelle du taux de résistance d'Escherichia coli aux principales "
             "familles d'antibiotiques, 2016-2020 (en pourcentage des isolats testés)."),
        ]},
        {"head": "Discussion", "blocks": [
            ("p",
             "Nos résultats sont cohérents avec les données nationales de surveillance et confirment la "
             "dégradation progressive de la sensibilité d'E. coli aux bêta-lactamines et aux "
             "fluoroquinolones. Ils justifient de réserver ces dernières aux infections urinaires "
             "compliquées ou aux pyélonéphrites, et de ne pas les utiliser en première intention dans la "
             "cystite simple. La fosfomycine-trométamol en dose unique reste le traitement de choix, le "
             "pivmécillinam constituant une alternative pertinente. L'étude présente plusieurs limites, en "
             "particulier son caractère rétrospectif et l'absence d'informations cliniques sur les "
             "patientes, qui ne permet pas de distinguer les cystites simples des infections "
             "récidivantes [2]."),
        ]},
    ],
    "references": [
        {"authors": [("M", "Lacombe"), ("R", "Pichon")],
         "title": "Surveillance de la résistance d'Escherichia coli en ville : données 2015-2019",
         "journal": "Bull Epidemiol Fict", "year": "2020", "volume": "12", "pages": ("3", "11")},
        {"authors": [("A", "N'Diaye"), ("S", "Delorme")],
         "title": "Place du pivmécillinam dans la cystite de la femme",
         "journal": "Med Mal Infect Fict", "year": "2021", "volume": "51", "pages": ("140", "146")},
    ],
    "planted": [
        planted("heuristic_extract", "mojibake_fixed",
                "The 'Matériel et méthodes' paragraph is mojibake (UTF-8 read as cp1252: 'mÃ©decin', "
                "'Ã©tude', 'rÃ©trospective') and must be repaired."),
        planted("heuristic_extract", "caption_removed",
                "A figure caption ('Figure 1 : Évolution annuelle...') was left by GROBID as a body "
                "paragraph and must be removed."),
    ],
}

_HPV_ABSTRACT = (
    "La couverture vaccinale contre les papillomavirus humains reste insuffisante en France, malgré "
    "l'extension de la recommandation aux garçons depuis 2021. Nous avons interrogé 212 médecins "
    "généralistes d'une région du centre de la France sur leurs pratiques, leurs connaissances et les "
    "difficultés rencontrées lors de la proposition du vaccin. La majorité d'entre eux se déclarent "
    "favorables à la vaccination, mais moins de la moitié la proposent de façon systématique aux "
    "adolescents de 11 à 14 ans. Les principaux freins cités sont les inquiétudes des parents concernant "
    "la sécurité du vaccin, le manque de temps en consultation et l'absence de rappel automatique dans "
    "le logiciel médical."
)

VACCINATION = {
    "file": "hal-vaccination-hpv.xml",
    "style": "hal",
    "title": (
        "Vaccination contre les papillomavirus humains chez les adolescents : freins et leviers en "
        "médecine générale"
    ),
    "authors": [
        {"forename": "Marion", "surname": "Keller", "dept": "Département de médecine générale",
         "institution": "Université fictive de Montclair", "city": "Montclair"},
        {"forename": "Youssef", "surname": "Amrani", "dept": "Département de médecine générale",
         "institution": "Université fictive de Montclair", "city": "Montclair"},
        {"forename": "Chloé", "surname": "Perrin", "dept": "Observatoire régional de la santé",
         "institution": "Observatoire fictif Centre-Val", "city": "Valbonne-sur-Loire"},
    ],
    "doi": "10.5555/biomedfr.2023.0091",
    "hal_id": "hal-09000091",
    "date": "2023-03-15",
    "journal": "Exercer fictif : revue de médecine générale",
    "publisher": "Collège fictif de médecine générale",
    "volume": "34", "pages": ("110", "117"),
    "licence": CC_BY,
    "keywords": ["papillomavirus humains", "vaccination", "adolescents", "médecine générale"],
    "abstract": [_HPV_ABSTRACT],
    "abstract_divs": True,
    "sections": [
        {"head": "Introduction", "blocks": [
            ("p_planted", _HPV_ABSTRACT),
            ("p",
             "Les papillomavirus humains sont responsables de la quasi-totalité des cancers du col de "
             "l'utérus, mais aussi d'une partie des cancers de l'anus, de l'oropharynx et du pénis. Les "
             "vaccins disponibles, très efficaces lorsqu'ils sont administrés avant le début de la vie "
             "sexuelle, ont fait la preuve de leur impact dans les pays où la couverture est élevée, avec "
             "une diminution spectaculaire des lésions précancéreuses du col. En France, la couverture "
             "vaccinale complète à seize ans restait pourtant inférieure à 50 % chez les jeunes filles en "
             "2022, et bien plus faible chez les garçons [1]."),
        ]},
        {"head": "Méthodes", "blocks": [
            ("p",
             "Un questionnaire anonyme de vingt-quatre questions a été adressé par courrier électronique "
             "à l'ensemble des médecins généralistes installés dans quatre départements. Il portait sur "
             "les caractéristiques du médecin, sa pratique vaccinale, ses connaissances sur l'infection à "
             "papillomavirus et les obstacles perçus. Deux relances ont été envoyées à trois semaines "
             "d'intervalle. Les réponses ont été analysées de façon descriptive, puis les facteurs "
             "associés à une proposition systématique du vaccin ont été recherchés par régression "
             "logistique, en tenant compte de l'âge, du sexe et du mode d'exercice des répondants."),
        ]},
        {"head": "Résultats", "blocks": [
            ("p",
             "Parmi les 212 répondants, 87 % se déclaraient favorables à la vaccination, mais seuls 46 % "
             "la proposaient systématiquement aux filles et 31 % aux garçons. Les médecins qui disposaient "
             "d'un rappel informatique ou qui accueillaient des internes en stage proposaient plus souvent "
             "le vaccin. Les inquiétudes parentales étaient citées comme premier frein par 64 % des "
             "répondants, devant le manque de temps et l'oubli. Près d'un tiers des médecins ignoraient "
             "que le schéma vaccinal ne comporte que deux doses lorsqu'il est débuté avant quinze ans."),
        ]},
        {"head": "Discussion", "blocks": [
            ("p",
             "Ces résultats suggèrent que l'adhésion de principe des médecins ne suffit pas à garantir une "
             "couverture élevée. Des outils simples, comme les rappels automatiques dans le dossier "
             "patient ou l'envoi de courriers aux familles, pourraient améliorer nettement la proposition "
             "vaccinale. Les campagnes de vaccination en milieu scolaire, expérimentées récemment au "
             "collège, offrent une voie complémentaire pour atteindre les adolescents qui consultent peu. "
             "Enfin, une information claire sur la sécurité du vaccin, appuyée sur les données de "
             "pharmacovigilance, reste essentielle pour répondre aux interrogations des parents [2]."),
        ]},
    ],
    "references": [
        {"authors": [("C", "Perrin"), ("D", "Lambert")],
         "title": "Couverture vaccinale contre les papillomavirus : état des lieux régional",
         "journal": "Bull Sante Publique Fict", "year": "2022", "volume": "9", "pages": ("41", "48")},
        {"authors": [("Y", "Amrani"), ("M", "Keller")],
         "title": "Vaccination au collège : retour d'expérience d'une campagne pilote",
         "journal": "Sante Publique Fict", "year": "2023", "volume": "35", "pages": ("201", "209")},
    ],
    "planted": [
        planted("window_dedup", "window_duplicate",
                "GROBID repeated the abstract as the first paragraph of the introduction: the passage "
                "repeats one of the previous passages of the same document."),
    ],
}

GERIATRIE = {
    "file": "istex-geriatrie-chutes.xml",
    "style": "istex",
    "title": "Prévention des chutes de la personne âgée vivant à domicile : une approche multifactorielle",
    "authors": [
        {"forename": "Bernard", "surname": "Castel", "dept": "Pôle de gériatrie",
         "institution": "Centre hospitalier de Valbonne-sur-Loire", "city": "Valbonne-sur-Loire"},
        {"forename": "Émilie", "surname": "Rouanet", "dept": "Institut de formation en ergothérapie",
         "institution": "Université fictive de Montclair", "city": "Montclair"},
    ],
    "doi": "10.5555/biomedfr.2019.0412",
    "istex_id": "5C0F3E2A9B8D7C6E5F4A3B2C1D0E9F8A7B6C5D4E",
    "date": "2019",
    "journal": "Revue fictive de gériatrie",
    "issn": "0000-0019",
    "publisher": "Éditions médicales fictives",
    "volume": "44", "pages": ("305", "312"),
    "licence": CC_BY_NC_ND,
    "licence_text": "Cet article est publié en accès libre sous licence CC BY-NC-ND 4.0.",
    "keywords": ["chutes", "personne âgée", "prévention", "activité physique adaptée"],
    "abstract": [
        "Les chutes sont fréquentes chez les personnes âgées et constituent une cause majeure de perte "
        "d'autonomie, d'hospitalisation et d'entrée en établissement. Leur prévention repose sur "
        "l'identification des personnes à risque et sur une intervention adaptée aux facteurs retrouvés. "
        "Cette mise au point décrit les outils de repérage utilisables en consultation, les principaux "
        "facteurs de risque modifiables et les interventions dont l'efficacité a été démontrée, en "
        "particulier l'activité physique adaptée, la révision des traitements et l'aménagement du "
        "logement."
    ],
    "abstract_divs": False,
    "sections": [
        {"head": "Un problème de santé publique", "blocks": [
            ("p",
             "Chaque année, environ une personne de plus de 65 ans sur trois vivant à domicile fait au "
             "moins une chute, et cette proportion atteint une sur deux après 80 ans. Si la plupart des "
             "chutes n'entraînent pas de blessure grave, près d'une sur dix provoque une fracture, le plus "
             "souvent du poignet, de l'humérus ou de l'extrémité supérieure du fémur. Au-delà des "
             "traumatismes, la chute laisse fréquemment une peur de tomber qui conduit la personne à "
             "restreindre ses activités, ce qui accélère le déconditionnement physique et augmente "
             "paradoxalement le risque de nouvelle chute. Le temps passé au sol, lorsque la personne ne "
             "peut se relever seule, est un facteur de gravité à part entière."),
        ]},
        {"head": "Repérer les personnes à risque", "blocks": [
            ("p",
             "Toute personne âgée devrait être interrogée au moins une fois par an sur la survenue de "
             "chutes au cours des douze derniers mois. En cas de réponse positive, ou de difficultés à la "
             "marche, une évaluation plus complète est justifiée. Le test « lever et marcher » chronométré, "
             "qui mesure le temps nécessaire pour se lever d'une chaise, parcourir trois mètres, faire "
             "demi-tour et se rasseoir, est simple à réaliser au cabinet ; une durée supérieure à vingt "
             "secondes signale un risque élevé. L'examen recherche également une hypotension "
             "orthostatique, des troubles visuels, une neuropathie périphérique et des problèmes de pieds "
             "ou de chaussage."),
        ]},
        {"head": "Agir sur les facteurs modifiables", "blocks": [
            ("p",
             "Les programmes d'exercices associant travail de l'équilibre et renforcement musculaire des "
             "membres inférieurs réduisent d'environ un quart le nombre de chutes, à condition d'être "
             "pratiqués au moins deux fois par semaine pendant plusieurs mois. La révision de l'ordonnance "
             "est tout aussi importante : les psychotropes, en particulier les benzodiazépines et les "
             "antidépresseurs, ainsi que les antihypertenseurs responsables d'hypotension, doivent être "
             "réévalués et, si possible, diminués progressivement. Une visite du domicile par un "
             "ergothérapeute permet de repérer les obstacles, d'améliorer l'éclairage et de proposer des "
             "aides techniques comme les barres d'appui ou le rehausseur de toilettes. Enfin, la correction "
             "d'une carence en vitamine D et la prise en charge de l'ostéoporose limitent les conséquences "
             "des chutes [1]."),
        ]},
        {"head": "Conclusion", "blocks": [
            ("p",
             "La prévention des chutes nécessite une approche globale, coordonnée entre le médecin "
             "traitant, les kinésithérapeutes, les ergothérapeutes et l'entourage. Elle doit tenir compte "
             "des souhaits de la personne et de ses capacités, afin de proposer des interventions "
             "réalistes et acceptées sur la durée. Apprendre à se relever du sol et disposer d'un système "
             "de téléassistance complètent utilement ce dispositif, en réduisant le temps passé au sol "
             "après une chute [2]."),
        ]},
    ],
    "references": [
        {"authors": [("B", "Castel"), ("J", "Morin")],
         "title": "Efficacité des programmes d'exercices sur le risque de chute : méta-analyse",
         "journal": "Rev Geriatr Fict", "year": "2017", "volume": "42", "pages": ("150", "159")},
        {"authors": [("E", "Rouanet"), ("A", "Blanc")],
         "title": "Apprendre à se relever du sol : évaluation d'un atelier collectif",
         "journal": "Ergother Fict", "year": "2018", "volume": "21", "pages": ("33", "39")},
    ],
    "planted": [],
}

PSYCHIATRIE = {
    "file": "plain-psychiatrie-post-partum.xml",
    "style": "plain",
    "title": "Dépression du post-partum : repérage précoce et prise en charge en soins primaires",
    "authors": [
        {"forename": "Isabelle", "surname": "Fournier", "dept": "Unité de psychiatrie périnatale",
         "institution": "Centre hospitalier de Valbonne-sur-Loire", "city": "Valbonne-sur-Loire"},
        {"forename": "Mehdi", "surname": "Saïdi", "dept": "Maison de santé pluriprofessionnelle",
         "institution": "Maison de santé des Tilleuls", "city": "Montclair"},
    ],
    "doi": "10.5555/biomedfr.2021.0277",
    "date": "2021-09-30",
    "journal": "Cahiers fictifs de psychiatrie",
    "publisher": "Éditions médicales du Val",
    "volume": "19", "pages": ("12", "19"),
    "licence": CC_BY,
    "keywords": [],
    "abstract": [
        "La dépression du post-partum touche une mère sur huit environ et reste insuffisamment "
        "diagnostiquée. Elle a des conséquences importantes sur la santé de la mère, sur la relation avec "
        "l'enfant et sur le développement de celui-ci. Le repérage peut s'appuyer sur des questionnaires "
        "simples, utilisables lors des consultations de suivi de la mère ou de l'enfant. La prise en "
        "charge associe un soutien psychologique, parfois un traitement antidépresseur compatible avec "
        "l'allaitement, et une coordination étroite entre les professionnels de la périnatalité."
    ],
    "abstract_divs": False,
    "sections": [
        {"head": "Distinguer le baby blues de la dépression", "blocks": [
            ("p",
             "Dans les jours qui suivent l'accouchement, de nombreuses femmes présentent une labilité "
             "émotionnelle, des pleurs faciles et une fatigue marquée. Ce « baby blues », qui concerne "
             "jusqu'à la moitié des accouchées, disparaît spontanément en moins de deux semaines et ne "
             "nécessite qu'une écoute bienveillante. La dépression du post-partum se distingue par la "
             "persistance des symptômes au-delà de quinze jours, leur intensité et leur retentissement sur "
             "la vie quotidienne : tristesse envahissante, perte d'intérêt, sentiment d'incapacité à "
             "s'occuper du bébé, culpabilité, troubles du sommeil qui persistent même lorsque l'enfant "
             "dort. Des idées suicidaires ou des pensées intrusives concernant l'enfant doivent être "
             "recherchées systématiquement [1]."),
        ]},
        {"head": "Outils de repérage", "blocks": [
            ("p",
             "L'échelle d'Édimbourg, composée de dix questions portant sur les sept derniers jours, est "
             "l'outil le plus utilisé et a été validée en français. Un score supérieur ou égal à 12 doit "
             "conduire à une évaluation clinique approfondie. Elle peut être remplie par la mère en salle "
             "d'attente, lors de l'examen postnatal ou d'une consultation pédiatrique. L'entretien "
             "prénatal précoce permet en outre de repérer les facteurs de risque, comme des antécédents "
             "dépressifs, un isolement social, des difficultés conjugales ou une grossesse mal vécue, et "
             "d'organiser un accompagnement dès la grossesse [2]."),
        ]},
        {"head": "Prise en charge", "blocks": [
            ("p",
             "Les formes légères à modérées relèvent en premier lieu d'une psychothérapie, notamment de "
             "type cognitivo-comportemental ou interpersonnel, et d'un soutien pratique à domicile. "
             "Lorsque la dépression est sévère ou ne s'améliore pas, un antidépresseur est indiqué ; "
             "plusieurs inhibiteurs sélectifs de la recapture de la sérotonine peuvent être utilisés "
             "pendant l'allaitement avec une surveillance de l'enfant. Les unités mère-enfant permettent "
             "d'hospitaliser la mère sans la séparer de son bébé dans les situations les plus graves. Le "
             "risque de psychose puerpérale, rare mais grave, justifie une orientation en urgence devant "
             "toute confusion, idée délirante ou agitation [3]."),
        ]},
        {"head": "Références", "blocks": [
            ("p_planted",
             "1. Marchetti L, Dubreuil A. Prévalence de la dépression postnatale dans une cohorte de "
             "maternités françaises. Rev Perinat Fict. 2019;8:14-22."),
            ("p_planted",
             "2. Okafor B, Simon J. Validation française de l'échelle d'Édimbourg en soins primaires. "
             "Encephale Fict. 2016;42:301-307."),
            ("p_planted",
             "3. Groupe de travail périnatalité. Recommandations pour le repérage des troubles psychiques "
             "du post-partum. Paris : Collège fictif de psychiatrie ; 2020."),
        ]},
    ],
    "references": [],
    "planted": [
        planted("heuristic_extract", "references_removed",
                "The reference list is encoded as ordinary body paragraphs under a 'Références' head "
                "(no listBibl), so the reader keeps it and heuristic extraction must drop it."),
    ],
}

NUTRITION = {
    "file": "grobid-nutrition-denutrition.xml",
    "style": "grobid",
    "title": (
        "Dénutrition de l'adulte hospitalisé : dépistage systématique et stratégie de prise en charge"
    ),
    "authors": [
        {"forename": "Camille", "surname": "Roux", "dept": "Unité transversale de nutrition",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair"},
        {"forename": "Olivier", "surname": "Benhamou", "dept": "Service de médecine interne",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair"},
        {"forename": "Fatou", "surname": "Diallo", "dept": "Service diététique",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair"},
    ],
    "doi": "10.5555/biomedfr.2022.0175",
    "date": "2022-10-10",
    "journal": "Nutrition clinique fictive",
    "publisher": "Société fictive de nutrition clinique",
    "volume": "36", "pages": ("240", "248"),
    "licence": CC_BY,
    "keywords": ["dénutrition", "dépistage", "hôpital", "compléments nutritionnels oraux"],
    "abstract": [
        "La dénutrition concerne 30 à 50 % des patients hospitalisés et augmente le risque de "
        "complications, la durée de séjour et la mortalité. Elle reste pourtant sous-diagnostiquée, faute "
        "de dépistage systématique à l'admission. Nous décrivons la mise en place, dans un service de "
        "médecine interne, d'un protocole associant pesée, calcul de l'indice de masse corporelle et "
        "évaluation des apports alimentaires dans les quarante-huit heures suivant l'entrée. En un an, la "
        "proportion de patients dépistés est passée de 38 % à 91 %, et la prise en charge diététique a "
        "été initiée plus précocement."
    ],
    "abstract_divs": True,
    "sections": [
        {"head": "Introduction", "blocks": [
            ("p",
             "La dénutrition résulte d'un déséquilibre entre les apports et les besoins de l'organisme, "
             "qui entraîne une perte de masse musculaire et des altérations fonctionnelles. Chez le "
             "patient hospitalisé, elle est favorisée par la maladie aiguë, l'inflammation, la douleur, "
             "les troubles de la déglutition et les périodes de jeûne imposées par les examens. Ses "
             "conséquences sont lourdes : retard de cicatrisation, infections nosocomiales, escarres, "
             "chutes et perte d'autonomie. Les critères diagnostiques actuels associent au moins un "
             "critère phénotypique, comme une perte de poids ou un indice de masse corporelle bas, et au "
             "moins un critère étiologique, comme une réduction des apports ou une situation "
             "d'agression [1]."),
        ]},
        {"head": "Mise en place du protocole", "blocks": [
            ("p",
             "Le protocole a été élaboré par un groupe de travail réunissant médecins, infirmiers, "
             "aides-soignants et diététiciens. Il prévoit une pesée de chaque patient à l'admission, à "
             "l'aide d'un fauteuil-balance pour les personnes qui ne tiennent pas debout, et le recueil du "
             "poids habituel auprès du patient ou de ses proches. Les apports alimentaires sont estimés "
             "pendant trois jours grâce à une fiche simplifiée remplie par l'aide-soignant à chaque repas. "
             "Tout patient présentant un critère de dénutrition fait l'objet d'un avis diététique dans les "
             "quarante-huit heures, et le diagnostic est inscrit dans le compte rendu d'hospitalisation "
             "pour assurer la continuité des soins."),
        ]},
        {"head": "Stratégie nutritionnelle", "blocks": [
            ("p",
             "La prise en charge commence par l'enrichissement de l'alimentation et la fragmentation des "
             "repas, en tenant compte des goûts du patient. Les compléments nutritionnels oraux sont "
             "prescrits lorsque ces mesures ne suffisent pas à couvrir les besoins, estimés en moyenne à "
             "30 kilocalories et 1,2 gramme de protéines par kilogramme et par jour. La nutrition entérale "
             "par sonde est envisagée en cas d'échec ou lorsque l'alimentation orale est impossible, la "
             "nutrition parentérale étant réservée aux situations où le tube digestif ne peut être "
             "utilisé. Chez le patient très dénutri, la renutrition doit être progressive pour prévenir le "
             "syndrome de renutrition inappropriée, avec une surveillance étroite du phosphore et du "
             "potassium [2]."),
        ]},
        {"head": "Résultats et perspectives", "blocks": [
            ("p",
             "Au cours de la première année, 1 146 patients ont été admis dans le service. Le taux de "
             "pesée à l'admission est passé de 52 % à 94 %, et 91 % des patients ont bénéficié d'un "
             "dépistage complet. Une dénutrition a été diagnostiquée chez 34 % d'entre eux, dont un tiers "
             "sous une forme sévère. Le délai médian avant le premier avis diététique a été réduit de cinq "
             "à deux jours. L'enjeu est désormais d'assurer la continuité de la prise en charge après la "
             "sortie, en transmettant systématiquement les informations au médecin traitant et aux "
             "structures de soins à domicile."),
        ]},
    ],
    "references": [
        {"authors": [("C", "Roux"), ("G", "Lefort")],
         "title": "Critères diagnostiques de la dénutrition de l'adulte : mise au point",
         "journal": "Nutr Clin Metab Fict", "year": "2020", "volume": "34", "pages": ("5", "13")},
        {"authors": [("F", "Diallo"), ("O", "Benhamou")],
         "title": "Syndrome de renutrition inappropriée : prévention en médecine interne",
         "journal": "Rev Med Interne Fict", "year": "2021", "volume": "42", "pages": ("610", "617")},
    ],
    "planted": [],
}

BIBLIO_ONLY = {
    "file": "grobid-annexe-bibliographie.xml",
    "style": "grobid",
    "title": "",
    "authors": [
        {"forename": "Lucie", "surname": "Garnier", "dept": "Service de soins de suite et de réadaptation",
         "institution": "Centre hospitalier de Valbonne-sur-Loire", "city": "Valbonne-sur-Loire"},
    ],
    "doi": "10.5555/biomedfr.2022.0300",
    "date": "2022-05-02",
    "journal": "",
    "publisher": "",
    "volume": "", "pages": None,
    "licence": CC_BY,
    "keywords": [],
    "abstract": [],
    "abstract_divs": False,
    "sections": [
        {"head": "Bibliographie", "blocks": [
            ("p_planted",
             "1. Garnier L, Piquet M. Douleur chronique en soins de suite et de réadaptation : enquête "
             "régionale. Douleur Analg Fict. 2021;34:55-63."),
            ("p_planted",
             "2. Collectif régional douleur. Évaluation de la douleur chez le patient non communicant. "
             "Valbonne-sur-Loire : Éditions du Val ; 2019."),
            ("p_planted",
             "3. Moreau T, Chen L. Place des antalgiques de palier 2 après 75 ans. Rev Geriatr Fict. "
             "2020;45:411-418."),
            ("p_planted",
             "4. Haddad R. Éducation thérapeutique et douleur chronique. Paris : Presses fictives ; 2018."),
        ]},
    ],
    "references": [],
    "planted": [
        planted("heuristic_extract", "no_passage_extracted",
                "GROBID output of a bibliography annex with an empty title: the only text is a reference "
                "list in body paragraphs, so nothing is left once references are removed."),
    ],
}

MALFORMED = {
    "file": "malformed-unclosed.xml",
    "style": "grobid",
    "title": "Santé bucco-dentaire et diabète : un lien à ne pas négliger",
    "authors": [
        {"forename": "Romain", "surname": "Lestrade", "dept": "Service d'odontologie",
         "institution": "Centre hospitalier universitaire de Montclair", "city": "Montclair"},
    ],
    "doi": "10.5555/biomedfr.2021.0099",
    "date": "2021-01-18",
    "journal": "Revue fictive d'odontologie",
    "publisher": "Éditions médicales du Val",
    "volume": "7", "pages": ("9", "14"),
    "licence": CC_BY,
    "keywords": ["parodontite", "diabète"],
    "abstract": [
        "La maladie parodontale est plus fréquente et plus sévère chez les personnes diabétiques, et elle "
        "peut en retour compliquer l'équilibre glycémique. Cette relation dans les deux sens justifie une "
        "collaboration étroite entre médecins traitants, diabétologues et chirurgiens-dentistes, ainsi "
        "qu'une information claire des patients sur l'hygiène bucco-dentaire. Nous résumons ici les données "
        "disponibles et les conseils pratiques à transmettre en consultation."
    ],
    "abstract_divs": False,
    "sections": [
        {"head": "Une relation à double sens", "blocks": [
            ("p",
             "L'hyperglycémie chronique favorise l'inflammation des gencives et la destruction des tissus "
             "de soutien de la dent. À l'inverse, l'infection parodontale entretient une inflammation "
             "générale qui augmente la résistance à l'insuline. Plusieurs études d'intervention ont montré "
             "qu'un traitement parodontal bien conduit permettait une baisse modeste mais significative de "
             "l'hémoglobine glyquée, comparable à celle obtenue par l'ajout d'un médicament."),
            ("p",
             "Il est donc recommandé d'interroger chaque patient diabétique sur les saignements gingivaux, "
             "la mobilité dentaire ou une mauvaise haleine persistante, et de l'adresser à un "
             "chirurgien-dentiste au moins une fois par an. Un brossage biquotidien, l'utilisation de "
             "brossettes interdentaires et l'arrêt du tabac complètent cette prévention simple et peu "
             "coûteuse."),
        ]},
    ],
    "references": [],
    "planted": [
        planted("read", "xml_malformed",
                "The first body paragraph is never closed (missing </p>), so the file is not well-formed "
                "XML."),
    ],
}

EXTERNAL_ENTITY = {
    "file": "external-entity.xml",
    "style": "grobid",
    "title": "Hygiène des mains en établissement de santé : observance et friction hydro-alcoolique",
    "authors": [
        {"forename": "Agnès", "surname": "Villeneuve", "dept": "Équipe opérationnelle d'hygiène",
         "institution": "Hôpital Saint-Aurèle", "city": "Valbonne-sur-Loire"},
    ],
    "doi": "10.5555/biomedfr.2022.0411",
    "date": "2022-06-01",
    "journal": "Hygiène hospitalière fictive",
    "publisher": "Éditions médicales du Val",
    "volume": "30", "pages": ("66", "71"),
    "licence": CC_BY,
    "keywords": ["hygiène des mains", "infections associées aux soins"],
    "abstract": [
        "La friction hydro-alcoolique est la technique de référence pour l'hygiène des mains à l'hôpital. "
        "Nous rappelons ses indications et les moyens d'améliorer l'observance des équipes soignantes, "
        "encore insuffisante malgré des décennies de campagnes de sensibilisation et de formation. Les "
        "principaux obstacles à une bonne observance sont également discutés, ainsi que les programmes qui "
        "ont fait la preuve de leur efficacité."
    ],
    "abstract_divs": False,
    "sections": [
        {"head": "Indications", "blocks": [
            ("p",
             "Les mains du personnel soignant constituent le principal vecteur de transmission croisée des "
             "micro-organismes à l'hôpital. La friction hydro-alcoolique, plus rapide et mieux tolérée que "
             "le lavage au savon, est la technique de référence en l'absence de souillure visible. Elle "
             "doit être réalisée avant et après chaque contact avec le patient, avant un geste aseptique "
             "et après tout contact avec l'environnement proche du patient."),
            ("p_planted",
             "Les audits d'observance montrent cependant que ces indications ne sont respectées que dans "
             "la moitié des cas environ. Le port de bijoux, d'ongles longs ou vernis et la crainte d'une "
             "irritation cutanée font partie des obstacles le plus souvent cités. Les programmes associant "
             "formation, retour d'information aux équipes et mise à disposition de flacons au plus près "
             "des soins ont permis d'améliorer durablement les pratiques. Établissement déclarant : "
             + XXE_MARKER + "."),
        ]},
    ],
    "references": [],
    "planted": [
        planted("read", "xml_external_entity",
                "The DOCTYPE declares an external entity (SYSTEM \"file:///etc/hostname\") used in a "
                "paragraph; the reader must refuse the file instead of resolving it."),
    ],
}

TEI_ARTICLES = [
    NEPHRO, NEURO, DERMATO, INFECTIO, VACCINATION, GERIATRIE, PSYCHIATRIE, NUTRITION, BIBLIO_ONLY,
    MALFORMED, EXTERNAL_ENTITY,
]
"""Every TEI file, in output order. The last two are written broken on purpose."""


# =====================================================================================================
# JSONL: health portal dump (portail-sante.jsonl)
# =====================================================================================================

PORTAL_URL = "https://www.sante-pratique.example"
PORTAL_AUTHOR = "Rédaction Santé Pratique"

COOKIE_BANNER = (
    "Ce site utilise des cookies pour mesurer l'audience et améliorer votre navigation. "
    "Tout accepter | Tout refuser | Personnaliser"
)
NAV_MENU = "Accueil\nMaladies et traitements\nPrévention\nMédicaments\nActualités"
BREADCRUMB = "Accueil > Prévention > Vaccination > Grippe saisonnière"
SHARE_BUTTONS = "Partager sur Facebook"
SHARE_BAR = "Partager sur Facebook | Partager sur X | Imprimer"
NEWSLETTER = (
    "Inscrivez-vous à notre lettre d'information pour recevoir chaque mois nos conseils santé. "
    "Votre adresse e-mail : S'inscrire"
)

_HEART = [
    "L'insuffisance cardiaque correspond à une incapacité du cœur à assurer un débit sanguin suffisant "
    "pour répondre aux besoins de l'organisme. Elle touche plus d'un million de personnes en France, le "
    "plus souvent après 70 ans, et constitue l'une des premières causes d'hospitalisation chez les "
    "personnes âgées. Ses causes principales sont l'infarctus du myocarde, l'hypertension artérielle, les "
    "maladies des valves cardiaques et certains troubles du rythme.",
    "Plusieurs signes doivent alerter et conduire à consulter rapidement : un essoufflement inhabituel à "
    "l'effort ou en position allongée, le besoin de dormir avec plusieurs oreillers, une prise de poids "
    "rapide de plus de deux kilogrammes en trois jours, un gonflement des chevilles ou des jambes, une "
    "fatigue intense ou une toux nocturne persistante. Ces symptômes traduisent souvent une accumulation "
    "d'eau et de sel dans l'organisme, que le cœur ne parvient plus à éliminer.",
    "Les personnes atteintes d'insuffisance cardiaque ont intérêt à se peser chaque matin, à la même "
    "heure et dans les mêmes conditions, et à noter leur poids dans un carnet de suivi. Il est également "
    "conseillé de limiter le sel dans l'alimentation, de maintenir une activité physique adaptée et de "
    "prendre régulièrement les traitements prescrits, sans les interrompre. Les programmes d'éducation "
    "thérapeutique proposés par de nombreux hôpitaux aident les patients à mieux comprendre leur maladie "
    "et à réagir à temps en cas d'aggravation.",
    "En cas d'essoufflement brutal au repos, de douleur dans la poitrine, de palpitations mal tolérées ou "
    "de malaise, il ne faut pas attendre le prochain rendez-vous : appelez immédiatement le 15, qui "
    "organisera votre prise en charge en urgence. Gardez à portée de main la liste de vos médicaments et "
    "votre dernier compte rendu de cardiologie.",
]

# The same article republished a year later: about 5 % of the words changed, in a few clusters.
_HEART_REPUBLISHED = [
    "L'insuffisance cardiaque se définit comme l'incapacité du cœur à assurer un débit sanguin suffisant "
    "pour répondre aux besoins de l'organisme. Elle touche plus d'un million de personnes en France, le "
    "plus souvent après 70 ans, et constitue l'une des premières causes d'hospitalisation chez les "
    "personnes âgées. Ses causes principales sont l'infarctus du myocarde, l'hypertension artérielle, les "
    "maladies des valves cardiaques et certains troubles du rythme.",
    _HEART[1],
    "Les personnes atteintes d'insuffisance cardiaque ont intérêt à se peser chaque matin, à la même "
    "heure et dans les mêmes conditions, et à noter leur poids dans un carnet de suivi. Il est également "
    "conseillé de limiter le sel dans l'alimentation, de maintenir une activité physique adaptée et de "
    "prendre régulièrement les traitements prescrits, sans les interrompre. Les programmes d'éducation "
    "thérapeutique proposés par de nombreux hôpitaux aident les patients à mieux comprendre leur maladie "
    "et à réagir à temps en cas d'aggravation.",
    "En cas d'essoufflement brutal au repos, de douleur dans la poitrine, de palpitations mal tolérées ou "
    "de malaise, il ne faut pas attendre le prochain rendez-vous : appelez immédiatement le 15, qui "
    "organisera votre prise en charge en urgence. Conservez toujours sur vous la liste de vos traitements "
    "et le compte rendu de votre dernière consultation.",
]

_FLU_WHO = (
    "La vaccination est recommandée chaque année aux personnes âgées de 65 ans et plus, aux personnes "
    "atteintes de certaines maladies chroniques comme le diabète, l'insuffisance cardiaque ou les "
    "maladies respiratoires, aux femmes enceintes, aux personnes obèses et à l'entourage des nourrissons "
    "de moins de six mois. Les professionnels de santé sont également concernés, afin de protéger leurs "
    "patients les plus fragiles."
)

_LYME = [
    "La maladie de Lyme, ou borréliose de Lyme, est une infection bactérienne transmise par la piqûre de "
    "tiques infectées. Ces petits acariens vivent dans les forêts, les prairies et les jardins humides, "
    "et sont particulièrement actifs du printemps à l’automne. En France, plusieurs dizaines de milliers "
    "de cas sont diagnostiqués chaque année, surtout dans l’Est et le Centre du pays.",
    "Le signe le plus caractéristique est l’érythème migrant, une plaque rouge qui s’étend "
    "progressivement autour du point de piqûre, quelques jours à quelques semaines après celle-ci. En "
    "présence de cette lésion, consultez votre médecin : un traitement antibiotique de courte durée "
    "permet de guérir l’infection et d’éviter les complications articulaires, neurologiques ou "
    "cardiaques qui peuvent apparaître plus tard.",
    "Lors des promenades en nature, portez des vêtements longs et clairs, qui permettent de repérer plus "
    "facilement les tiques, et utilisez si besoin un répulsif adapté. Au retour, examinez soigneusement "
    "tout votre corps, y compris le cuir chevelu, les plis et l’arrière des genoux, ainsi que celui de "
    "vos enfants. Si vous trouvez une tique, retirez-la le plus rapidement possible avec un tire-tique, "
    "sans l’écraser ni appliquer de produit, puis désinfectez la peau. Une étude récente confirme que le "
    "retrait précoce de la tique réduit fortement le risque de transmission.",
]

_NEWS_ITEMS = [
    "Canicule : adoptez les bons réflexes dès les premières chaleurs",
    "Bronchiolite : l'épidémie touche désormais toutes les régions",
    "Dépistage du cancer colorectal : un nouveau kit disponible en pharmacie",
    "Moustique tigre : comment éviter sa prolifération dans votre jardin",
    "Sommeil des adolescents : les écrans pointés du doigt",
    "Antibiotiques : pourquoi ils ne servent à rien contre les virus",
    "Don de sang : les réserves au plus bas avant l'été",
    "Vaccination contre le zona : ce qui change cette année",
]

_SITEMAP = [
    "Plan du site", "Maladies et traitements", "Allergies", "Asthme de l'enfant", "Diabète de type 1",
    "Diabète de type 2", "Hypertension artérielle", "Insuffisance cardiaque", "Maladie de Lyme",
    "Migraine et céphalées", "Psoriasis", "Prévention", "Vaccination du nourrisson",
    "Vaccination de l'adulte", "Dépistage des cancers", "Alimentation et activité physique",
    "Arrêt du tabac", "Médicaments", "Bon usage des antibiotiques", "Médicaments et grossesse",
    "Automédication", "Génériques et biosimilaires", "Santé mentale", "Dépression",
    "Troubles anxieux", "Addictions", "Vos droits", "Carte Vitale", "Dossier médical partagé",
    "Remboursements", "Le portail", "Qui sommes-nous", "Mentions légales", "Accessibilité",
    "Nous contacter",
]

_HEATWAVE_BULLETS = [
    "• Buvez de l'eau régulièrement au cours de la journée, sans attendre d'avoir soif.",
    "• Mouillez-vous le corps plusieurs fois par jour avec un brumisateur ou un gant humide.",
    "• Fermez les volets et les fenêtres pendant la journée, puis aérez la nuit lorsqu'il fait plus frais.",
    "• Évitez de sortir aux heures les plus chaudes, en général entre 11 heures et 21 heures.",
    "• Passez quelques heures par jour dans un lieu frais, comme une bibliothèque ou un cinéma.",
    "• Évitez les efforts physiques intenses, y compris le jardinage et le bricolage en extérieur.",
    "• Mangez en quantité suffisante des fruits et des légumes riches en eau.",
    "• Ne consommez pas d'alcool, qui aggrave la déshydratation au lieu de désaltérer.",
    "• Prenez régulièrement des nouvelles des personnes âgées ou isolées de votre entourage.",
    "• Demandez conseil à votre médecin si vous prenez un traitement au long cours.",
    "• Surveillez les nourrissons, qui ne peuvent pas exprimer leur soif, et proposez-leur souvent à boire.",
    "• Appelez le 15 en cas de fièvre, de confusion, de crampes ou de malaise pendant la canicule.",
]

PORTAL_RECORDS = [
    {
        "id": "ps-001",
        "title": "Hypertension artérielle : comprendre et agir",
        "license": "Licence Ouverte / Open Licence 2.0",
        "url": PORTAL_URL + "/maladies/hypertension-arterielle",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [COOKIE_BANNER, NAV_MENU],
        "paragraphs": [
            "L'hypertension artérielle se définit par une pression artérielle durablement supérieure ou "
            "égale à 140 mmHg pour la pression systolique ou à 90 mmHg pour la pression diastolique, "
            "mesurée au cabinet médical. Elle concerne environ un adulte sur trois en France, mais près de "
            "la moitié des personnes concernées l'ignorent, car elle ne provoque le plus souvent aucun "
            "symptôme. Non traitée, elle augmente le risque d'accident vasculaire cérébral, d'infarctus du "
            "myocarde, d'insuffisance cardiaque et de maladie rénale.",
            "Le diagnostic doit être confirmé en dehors du cabinet, par une automesure à domicile ou par "
            "une mesure ambulatoire sur vingt-quatre heures. Pour l'automesure, il est conseillé de "
            "prendre trois mesures le matin et trois le soir, pendant trois jours consécutifs, en position "
            "assise et après quelques minutes de repos, avec un appareil validé porté au bras. Votre "
            "médecin interprétera ensuite la moyenne de ces valeurs.",
            "Le traitement repose d'abord sur l'hygiène de vie : réduire la consommation de sel, pratiquer "
            "une activité physique régulière, limiter l'alcool, arrêter le tabac et perdre du poids en cas "
            "de surpoids. Si ces mesures ne suffisent pas, votre médecin vous proposera un médicament "
            "antihypertenseur, dont il adaptera la dose au fil des consultations. Ne l'arrêtez jamais de "
            "vous-même, même si vos chiffres se normalisent : c'est justement le signe qu'il est efficace.",
        ],
        "after": [SHARE_BUTTONS, NEWSLETTER],
        "transform": None,
        "check": True,
        "planted": [
            planted("license", "license_normalised",
                    "Free-text license 'Licence Ouverte / Open Licence 2.0' must become 'etalab-2.0'."),
            planted("passage_filter", "passage_too_short",
                    "Web boilerplate (cookie banner, navigation menu lines, 'Partager sur Facebook', "
                    "newsletter sign-up) forms short passages around the article."),
        ],
    },
    {
        "id": "ps-002",
        "title": "Grippe saisonnière : faut-il se faire vacciner ?",
        "license": "CC BY 4.0",
        "url": PORTAL_URL + "/prevention/vaccination/grippe-saisonniere",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [BREADCRUMB],
        "paragraphs": [
            "La grippe saisonnière est une infection respiratoire due aux virus influenza, qui circulent "
            "chaque hiver en France entre les mois de novembre et de mars. Elle se manifeste par une fièvre "
            "élevée d'apparition brutale, des courbatures, une grande fatigue, des maux de tête et une toux "
            "sèche. Si la plupart des personnes guérissent en une semaine environ, la grippe peut entraîner "
            "des complications graves, parfois mortelles, chez les personnes fragiles.",
            _FLU_WHO,
            "Le vaccin doit être renouvelé tous les ans, car les virus grippaux évoluent et la protection "
            "conférée diminue avec le temps. Il est possible de se faire vacciner chez son médecin, son "
            "pharmacien, une infirmière ou une sage-femme. La protection apparaît environ quinze jours "
            "après l'injection ; il est donc conseillé de se faire vacciner dès le début de la campagne, à "
            "la mi-octobre, avant que l'épidémie ne commence.",
            "Les gestes barrières complètent utilement la vaccination, en particulier pendant les périodes "
            "de forte circulation virale : se laver les mains régulièrement, tousser ou éternuer dans son "
            "coude, utiliser des mouchoirs à usage unique, porter un masque en cas de symptômes ou au "
            "contact de personnes fragiles, et aérer les pièces plusieurs fois par jour.",
            _FLU_WHO,
        ],
        "after": [SHARE_BAR],
        "transform": None,
        "check": True,
        "planted": [
            planted("license", "license_normalised", "Free-text license 'CC BY 4.0' must become 'CC-BY-4.0'."),
            planted("passage_filter", "passage_too_short",
                    "A breadcrumb line and a share bar form short boilerplate passages."),
            planted("window_dedup", "window_duplicate",
                    "The page repeats the 'who should be vaccinated' paragraph as a closing box, three "
                    "passages after its first occurrence."),
        ],
    },
    {
        "id": "ps-003",
        "title": "Maladie de Lyme : se protéger des tiques",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/maladies/maladie-de-lyme",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": _LYME,
        "after": [],
        "transform": "mojibake",
        "check": True,
        "planted": [
            planted("heuristic_extract", "mojibake_fixed",
                    "The whole text is mojibake (UTF-8 decoded as cp1252: 'mÃ©decin', 'Ã©tude', "
                    "'lâ€™automne') and must be repaired."),
        ],
    },
    {
        "id": "ps-004",
        "title": "Insuffisance cardiaque : reconnaître les signes d'alerte",
        "license": NO_LICENSE,
        "url": PORTAL_URL + "/maladies/insuffisance-cardiaque",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": _HEART,
        "after": [],
        "transform": None,
        "check": True,
        "planted": [],
    },
    {
        "id": "ps-005",
        "title": "Type 2 diabetes: what you need to know",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/en/diseases/type-2-diabetes",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": [
            "Cette page est une traduction en anglais de notre fiche consacrée au diabète de type 2, "
            "destinée aux patients non francophones et à leurs proches. Les informations qu'elle contient "
            "sont identiques à celles de la version française, qui reste la version de référence en cas de "
            "différence d'interprétation. Elle est mise à jour en même temps que la page française.",
            "Type 2 diabetes is a long-term condition in which the body does not use insulin properly, "
            "causing blood sugar levels to rise. It develops slowly, often over many years, and many "
            "people have no symptoms at first. Risk factors include being overweight, lack of physical "
            "activity, a family history of diabetes and increasing age. In France, more than three million "
            "people are treated for diabetes, and most of them have type 2.",
            "When symptoms do appear, they may include feeling very thirsty, passing urine more often, "
            "tiredness, blurred vision and cuts that heal slowly. Because the disease can remain silent, a "
            "simple blood test is recommended for people at risk, especially after the age of 45. Early "
            "diagnosis makes it possible to start treatment before complications affect the eyes, kidneys, "
            "nerves, heart or blood vessels.",
            "Treatment starts with healthy eating, regular physical activity and, when needed, weight "
            "loss. Many people also need medicines, usually starting with metformin, and some will "
            "eventually need insulin injections. Regular check-ups are important: your doctor will measure "
            "your HbA1c every three months, check your blood pressure and cholesterol, and arrange yearly "
            "eye and foot examinations. Do not hesitate to ask your pharmacist or nurse for advice.",
        ],
        "after": [],
        "transform": None,
        "check": True,
        "planted": [
            planted("fineweb2_french", "language_not_french",
                    "The page is mostly in English (an English translation with a one-paragraph French "
                    "notice)."),
        ],
    },
    {
        "id": "ps-006",
        "title": "Fermeture exceptionnelle du centre de vaccination",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/actualites/fermeture-centre-vaccination",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": [
            "Le centre de vaccination sera exceptionnellement fermé le lundi 15 août. Les rendez-vous "
            "prévus ce jour-là seront reportés par téléphone.",
        ],
        "after": [],
        "transform": None,
        "check": False,
        "planted": [
            planted("passage_filter", "passage_too_short",
                    "A two-sentence notice of about twenty words: too short to be a passage."),
        ],
    },
    {
        "id": "ps-007",
        "title": "Insuffisance cardiaque : les signes qui doivent alerter",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/actualites/2024/insuffisance-cardiaque-signes-alerte",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": _HEART_REPUBLISHED,
        "after": [],
        "transform": None,
        "check": True,
        "planted": [
            planted("minhash_dedup", "minhash_duplicate",
                    "Republication of ps-004 with about 5 % of the words changed (near-duplicate, word "
                    "5-gram Jaccard above 0.8)."),
        ],
    },
    {
        "id": "ps-008",
        "title": "Actualités santé",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/actualites",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": [
            "\n".join(["Actualités santé : les derniers articles de la rédaction"]
                      + [line for item in _NEWS_ITEMS for line in (item, "Lire la suite", "Partager sur Facebook")]),
        ],
        "after": [],
        "transform": None,
        "check": False,
        "planted": [
            planted("gopher_rep", None,
                    "News index page: the lines 'Lire la suite' and 'Partager sur Facebook' repeat after "
                    "every headline (high fraction of duplicated lines)."),
        ],
    },
    {
        "id": "ps-009",
        "title": "Plan du site",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/plan-du-site",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": ["\n".join(_SITEMAP)],
        "after": [],
        "transform": None,
        "check": False,
        "planted": [
            planted("fineweb_quality", None,
                    "Site map: dozens of short menu lines, none ending with punctuation."),
        ],
    },
    {
        "id": "ps-010",
        "title": "Canicule : les bons réflexes",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/prevention/canicule-bons-reflexes",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": ["\n".join(_HEATWAVE_BULLETS)],
        "after": [],
        "transform": None,
        "check": False,
        "planted": [
            planted("gopher_quality", None,
                    "List-like page: every line is a bullet point (bullet-line ratio above 0.9), although "
                    "each line is a full sentence."),
        ],
    },
]
"""Records of ``jsonl/portail-sante.jsonl``: a health-portal web dump."""


# =====================================================================================================
# JSONL: clinical cases and drug leaflets (cas-cliniques-notices.jsonl)
# =====================================================================================================

CASES_URL = "https://cas-cliniques.example"

NIR_DIGITS = "2460375114027"
"""Fictional NIR (woman born March 1946, Paris 14e); its key is computed and checked by the generator."""
NIR_KEY = "79"
"""97 - (2460375114027 mod 97)."""
NIR_TEXT = "2 46 03 75 114 027 " + NIR_KEY

_MENINGITIS = [
    "Un homme de 45 ans, splénectomisé à la suite d'un accident de la voie publique survenu dix ans plus "
    "tôt, est amené aux urgences pour une fièvre à 39,8 °C, des céphalées intenses et des vomissements "
    "apparus la veille. Son épouse signale une somnolence croissante depuis le matin. Il n'avait pas reçu "
    "de rappel de vaccination antipneumococcique depuis sa splénectomie et ne prenait pas "
    "d'antibioprophylaxie. À l'examen, le patient est confus, présente une raideur de nuque franche et un "
    "purpura pétéchial discret des membres inférieurs.",
    "Devant ce tableau de méningite bactérienne chez un patient asplénique, une antibiothérapie par "
    "céfotaxime à forte dose est débutée immédiatement après les hémocultures, associée à la "
    "dexaméthasone, sans attendre la ponction lombaire. Celle-ci, réalisée une heure plus tard en "
    "l'absence de contre-indication, ramène un liquide trouble contenant 3 200 éléments par millimètre "
    "cube, à prédominance de polynucléaires neutrophiles, avec une hypoglycorachie et une protéinorachie "
    "élevée. L'examen direct montre des cocci à Gram positif en diplocoques, et la culture identifie un "
    "Streptococcus pneumoniae de sensibilité diminuée à la pénicilline mais sensible au céfotaxime.",
    "L'évolution est favorable sous traitement, avec une apyrexie au troisième jour et une récupération "
    "neurologique complète, en dehors d'une hypoacousie droite modérée mise en évidence par l'audiogramme "
    "de contrôle. L'antibiothérapie est poursuivie dix jours. Avant la sortie, le patient reçoit une mise "
    "à jour de ses vaccinations contre le pneumocoque, le méningocoque et Haemophilus influenzae, ainsi "
    "qu'une information écrite sur les risques infectieux liés à l'asplénie et sur la conduite à tenir en "
    "cas de fièvre.",
]

CLINICAL_RECORDS = [
    {
        "id": "cc-001",
        "title": "Hyponatrémie sévère sous diurétique thiazidique chez une patiente de 78 ans",
        "license": "cc-by-sa-4.0",
        "url": CASES_URL + "/cas/hyponatremie-thiazidique",
        "authors": ["Léa Morin", "Paul Girard"],
        "doi": "10.5555/biomedfr.cc.2023.001",
        "before": [],
        "paragraphs": [
            "Mme Jeanne D., 78 ans, a été adressée aux urgences par son médecin traitant pour une confusion "
            "d'apparition progressive associée à des nausées et à une instabilité à la marche. Elle vivait "
            "seule à domicile et était autonome pour les gestes de la vie quotidienne. Ses antécédents "
            "comprenaient une hypertension artérielle traitée depuis trois semaines par une association "
            "fixe d'irbésartan et d'hydrochlorothiazide, une arthrose des genoux et une dépression ancienne "
            "traitée par sertraline. Sa fille, joignable au 06 12 34 56 78 ou par courriel à "
            "sophie.durand@example.com, rapportait une diminution des apports alimentaires et une "
            "consommation d'eau abondante pendant l'épisode de chaleur des jours précédents.",
            "À l'admission, la patiente était désorientée dans le temps, sans déficit moteur. La pression "
            "artérielle était de 118/64 mmHg, sans hypotension orthostatique, et l'examen ne retrouvait ni "
            "œdème ni signe de déshydratation. Le bilan biologique montrait une natrémie à 116 mmol/L, une "
            "kaliémie à 3,1 mmol/L, une osmolalité plasmatique basse à 242 mOsm/kg et une natriurèse "
            "élevée. La fonction rénale et le bilan thyroïdien étaient normaux, de même que la cortisolémie "
            "matinale.",
            "Le diagnostic d'hyponatrémie sévère symptomatique induite par le thiazidique, favorisée par "
            "l'inhibiteur de la recapture de la sérotonine et par des apports hydriques excessifs, a été "
            "retenu. Le diurétique et la sertraline ont été arrêtés, et une restriction hydrique a été "
            "instaurée, associée à une supplémentation potassique. La correction a été surveillée toutes "
            "les six heures afin de ne pas dépasser une augmentation de 8 mmol/L par vingt-quatre heures, "
            "pour prévenir le syndrome de démyélinisation osmotique. La confusion a régressé en quatre "
            "jours, et la natrémie était à 134 mmol/L à la sortie.",
            "Compte rendu rédigé par le service de médecine gériatrique. Patiente identifiée sous le numéro "
            "IPP 4027719583, numéro de sécurité sociale " + NIR_TEXT + ". Courrier adressé au médecin "
            "traitant et copie remise à la patiente avec l'accord de sa fille. Un rendez-vous de contrôle "
            "est prévu en consultation de gériatrie dans un mois, avec un ionogramme sanguin à réaliser "
            "trois jours avant. Ce cas rappelle que les diurétiques thiazidiques exposent le sujet âgé à "
            "des hyponatrémies parfois profondes, surtout dans les premières semaines de traitement.",
        ],
        "after": [],
        "transform": None,
        "check": True,
        "planted": [
            planted("license", "license_normalised",
                    "Lower-case license 'cc-by-sa-4.0' must become 'CC-BY-SA-4.0'."),
            planted("pii", "pii_email", "The daughter's e-mail address (sophie.durand@example.com)."),
            planted("pii", "pii_phone", "A French mobile phone number (06 12 34 56 78)."),
            planted("pii", "pii_nir",
                    "A French social security number (NIR) with a valid key: " + NIR_TEXT + "."),
            planted("pii", "pii_patient_id", "A hospital patient identifier (IPP 4027719583)."),
        ],
    },
    {
        "id": "cc-002",
        "title": "Amoxicilline 500 mg, gélule : notice d'information du patient",
        "license": "CC-BY-NC 4.0",
        "url": CASES_URL + "/notices/amoxicilline-500-mg-gelule",
        "authors": ["Comité de rédaction des notices"],
        "doi": None,
        "before": [],
        "paragraphs": [
            "Qu'est-ce que l'amoxicilline et dans quel cas est-elle utilisée ? L'amoxicilline est un "
            "antibiotique de la famille des pénicillines. Elle agit en empêchant la croissance des "
            "bactéries responsables de l'infection. Elle est utilisée pour traiter certaines infections des "
            "voies respiratoires, de la sphère ORL, des voies urinaires ou de la peau, ainsi que pour "
            "éradiquer Helicobacter pylori en association avec d'autres médicaments. Elle est sans effet "
            "sur les infections virales comme le rhume ou la grippe.",
            "Ne prenez jamais ce médicament si vous êtes allergique à l'amoxicilline, à une autre "
            "pénicilline ou à l'un des composants de la gélule. Prévenez votre médecin si vous avez déjà "
            "présenté une réaction allergique à un antibiotique, en particulier aux céphalosporines, si "
            "vous souffrez d'une mononucléose infectieuse ou d'une maladie des reins, ou si vous êtes "
            "enceinte ou allaitez. Informez-le également de tous les médicaments que vous prenez, notamment "
            "les anticoagulants oraux, le méthotrexate et l'allopurinol.",
            "Respectez toujours la posologie et la durée de traitement indiquées par votre médecin. Chez "
            "l'adulte, la dose habituelle varie de 500 mg à 1 g deux ou trois fois par jour, selon la "
            "nature et la gravité de l'infection. Avalez les gélules avec un verre d'eau, pendant ou en "
            "dehors des repas. N'arrêtez pas le traitement dès que vous vous sentez mieux : une "
            "interruption trop précoce favorise les rechutes et l'apparition de bactéries résistantes.",
            "Comme tous les médicaments, l'amoxicilline peut provoquer des effets indésirables, mais ils ne "
            "surviennent pas systématiquement chez tout le monde. Les plus fréquents sont la diarrhée, les "
            "nausées et les éruptions cutanées. Arrêtez le traitement et consultez immédiatement un médecin "
            "en cas de gonflement du visage, des lèvres ou de la gorge, de difficultés à respirer, "
            "d'éruption étendue avec décollement de la peau ou de diarrhée sévère et persistante.",
        ],
        "after": [],
        "transform": None,
        "check": True,
        "planted": [
            planted("license", "license_normalised",
                    "Free-text license 'CC-BY-NC 4.0' must become 'CC-BY-NC-4.0'."),
        ],
    },
    {
        "id": "cc-003",
        "title": "Zona ophtalmique avec signe de Hutchinson chez un homme de 67 ans",
        "license": "CC-BY-4.0",
        "url": CASES_URL + "/cas/zona-ophtalmique",
        "authors": ["Nora Benali", "Xavier Lemaire"],
        "doi": "10.5555/biomedfr.cc.2022.014",
        "before": [],
        "paragraphs": [
            "Un homme de 67 ans, sans antécédent notable en dehors d'un diabète de type 2 équilibré, "
            "consulte pour des douleurs à type de brûlure de l'hémiface droite évoluant depuis trois jours, "
            "suivies de l'apparition d'une éruption vésiculeuse du front et de la paupière supérieure "
            "droite. Il signale également une gêne oculaire et une sensibilité à la lumière. L'examen "
            "retrouve des vésicules groupées en bouquet sur un fond érythémateux, strictement limitées au "
            "territoire du nerf ophtalmique, avec une atteinte de l'aile du nez.",
            "L'atteinte de l'aile du nez, ou signe de Hutchinson, traduit l'atteinte de la branche "
            "nasociliaire et fait craindre une complication oculaire. L'examen ophtalmologique réalisé le "
            "jour même met en évidence une kératite ponctuée superficielle et une discrète réaction "
            "inflammatoire de la chambre antérieure, sans élévation de la pression intraoculaire. Un "
            "traitement par valaciclovir à la dose de 1 g trois fois par jour pendant sept jours est "
            "débuté, associé à un collyre corticoïde sous surveillance ophtalmologique et à un traitement "
            "antalgique adapté.",
            "L'évolution est favorable, avec une cicatrisation des lésions cutanées en deux semaines et une "
            "disparition de l'atteinte cornéenne. Le patient garde toutefois des douleurs "
            "post-zostériennes, qui nécessitent l'introduction d'un traitement par prégabaline. Ce cas "
            "souligne l'intérêt d'un traitement antiviral précoce, idéalement dans les soixante-douze "
            "heures suivant le début de l'éruption, et d'un examen ophtalmologique systématique dans le "
            "zona du nerf ophtalmique. La vaccination contre le zona, recommandée chez les adultes de "
            "65 ans et plus, réduit le risque de survenue de la maladie et de ses complications.",
        ],
        "insert": {
            1: "Figure 1. Éruption vésiculeuse de l'hémifront droit respectant la ligne médiane, avec "
               "œdème de la paupière supérieure.",
        },
        "after": [
            "Références\n"
            "1. Lambert C, Yilmaz D. Zona ophtalmique : complications oculaires et prise en charge. "
            "J Fr Ophtalmol Fict. 2018;41:512-519.\n"
            "2. Perrot S, Aubry N. Douleurs post-zostériennes du sujet âgé. Douleur Analg Fict. "
            "2020;33:87-94.",
        ],
        "transform": None,
        "check": True,
        "planted": [
            planted("heuristic_extract", "caption_removed",
                    "A figure caption ('Figure 1. Éruption vésiculeuse...') sits between two paragraphs "
                    "of the case."),
            planted("heuristic_extract", "references_removed",
                    "The text ends with a 'Références' list of two citations."),
        ],
    },
    {
        "id": "cc-004",
        "title": "Paracétamol 1 g, comprimé : fiche de bon usage",
        "license": "Usage interne CHU uniquement",
        "url": CASES_URL + "/notices/paracetamol-1-g-comprime",
        "authors": ["Pharmacie à usage intérieur"],
        "doi": None,
        "before": [],
        "paragraphs": [
            "Le paracétamol est un antalgique et un antipyrétique utilisé pour soulager les douleurs "
            "d'intensité légère à modérée et pour faire baisser la fièvre. Chez l'adulte et l'enfant de "
            "plus de 50 kg, la dose habituelle est de 1 g par prise, à renouveler si besoin au bout de "
            "quatre heures au minimum. La dose maximale est de 3 g par jour en automédication et de 4 g par "
            "jour sur prescription, en respectant toujours un intervalle d'au moins quatre heures entre "
            "deux prises.",
            "Le principal risque du paracétamol est l'atteinte du foie en cas de surdosage, qui peut "
            "survenir même avec des doses modérément supérieures à la dose maximale, en particulier chez "
            "les personnes qui consomment régulièrement de l'alcool, qui sont dénutries ou qui pèsent moins "
            "de 50 kg. Chez ces patients, la dose maximale doit être réduite à 3 g par jour. Attention : le "
            "paracétamol est présent dans de nombreux médicaments vendus sans ordonnance, notamment contre "
            "le rhume, et leur association peut conduire à un surdosage involontaire.",
            "En cas de prise excessive, même en l'absence de symptôme, contactez immédiatement le centre "
            "antipoison ou le 15 : un antidote, la N-acétylcystéine, est d'autant plus efficace qu'il est "
            "administré tôt. Si la douleur persiste plus de cinq jours ou la fièvre plus de trois jours, ou "
            "si elles s'aggravent, consultez un médecin. Dans le service, toute prescription de paracétamol "
            "injectable doit être réévaluée dès que la voie orale est possible.",
        ],
        "after": [],
        "transform": None,
        "check": True,
        "planted": [
            planted("license", "license_unknown",
                    "Custom license 'Usage interne CHU uniquement' has no SPDX id and becomes "
                    "'LicenseRef-unknown-usage-interne-chu-uniquement'."),
        ],
    },
    {
        "id": "cc-005",
        "title": "Relevé mensuel de bilans biologiques en hémodialyse",
        "license": "CC-BY-4.0",
        "url": CASES_URL + "/donnees/releve-hemodialyse",
        "authors": ["Unité d'hémodialyse"],
        "doi": None,
        "before": [],
        "paragraphs": [
            "\n".join([
                "Date | Hb g/dL | Ferritine µg/L | CST % | Ca mmol/L | P mmol/L | PTH pg/mL | Kt/V",
                "2023-01-09 | 10,8 | 412 | 24 | 2,21 | 1,68 | 388 | 1,42",
                "2023-02-06 | 11,2 | 455 | 27 | 2,18 | 1,74 | 402 | 1,39",
                "2023-03-06 | 11,5 | 501 | 29 | 2,25 | 1,59 | 365 | 1,45",
                "2023-04-03 | 11,1 | 478 | 26 | 2,30 | 1,81 | 421 | 1,37",
                "2023-05-02 | 10,6 | 433 | 22 | 2,27 | 1,77 | 446 | 1,40",
                "2023-06-05 | 10,9 | 468 | 25 | 2,19 | 1,62 | 398 | 1,44",
                "2023-07-03 | 11,4 | 512 | 30 | 2,24 | 1,55 | 371 | 1,48",
                "2023-08-07 | 11,7 | 536 | 31 | 2,22 | 1,49 | 352 | 1,51",
                "2023-09-04 | 11,3 | 497 | 28 | 2,28 | 1,66 | 380 | 1,46",
                "2023-10-02 | 11,0 | 481 | 26 | 2,31 | 1,70 | 407 | 1,43",
                "2023-11-06 | 10,7 | 459 | 23 | 2,26 | 1,79 | 432 | 1,38",
                "2023-12-04 | 11,2 | 490 | 27 | 2,23 | 1,64 | 393 | 1,47",
            ]),
        ],
        "after": [],
        "transform": None,
        "check": False,
        "planted": [
            planted("passage_filter", "passage_low_alpha",
                    "A table of monthly lab values: the passage is mostly digits and separators (low "
                    "alphabetic ratio)."),
        ],
    },
    {
        "id": "cc-006",
        "title": "Méningite à pneumocoque chez un adulte splénectomisé",
        "license": "CC-BY-4.0",
        "url": CASES_URL + "/cas/meningite-pneumocoque-asplenie",
        "authors": ["Hugo Marty", "Inès Cordier"],
        "doi": "10.5555/biomedfr.cc.2021.027",
        "before": [],
        "paragraphs": _MENINGITIS,
        "after": [],
        "transform": None,
        "check": True,
        "planted": [],
    },
    {
        "id": "cc-007",
        "title": "Méningite à pneumocoque chez un adulte splénectomisé",
        "license": "CC-BY-4.0",
        "url": "https://miroir.cas-cliniques.example/cas/meningite-pneumocoque-asplenie",
        "authors": ["Hugo Marty", "Inès Cordier"],
        "doi": "10.5555/biomedfr.cc.2021.027",
        "before": [],
        "paragraphs": _MENINGITIS,
        "after": [],
        "transform": None,
        "check": True,
        "planted": [
            planted("minhash_dedup", "minhash_duplicate",
                    "Exact copy of cc-006 (same text, mirror URL, different id)."),
        ],
    },
]
"""Records of ``jsonl/cas-cliniques-notices.jsonl``: clinical cases and drug leaflets."""


# =====================================================================================================
# JSONL: a file whose second line holds invalid UTF-8 bytes (invalid-utf8.jsonl)
# =====================================================================================================

INVALID_UTF8_RECORDS = [
    {
        "id": "iu-001",
        "title": "Migraine : quand consulter ?",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/maladies/migraine",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": [
            "La migraine est une maladie neurologique fréquente, qui touche environ une personne sur six, "
            "avec une nette prédominance féminine. Elle se manifeste par des crises de maux de tête souvent "
            "situées d'un seul côté, pulsatiles, aggravées par l'effort et accompagnées de nausées ou d'une "
            "gêne à la lumière et au bruit. Les crises durent de quelques heures à trois jours et peuvent "
            "être précédées de troubles visuels passagers.",
            "Un avis médical est nécessaire si les crises deviennent plus fréquentes, si les traitements "
            "habituels perdent leur efficacité ou si vous prenez des antalgiques plus de dix jours par "
            "mois, ce qui expose à des céphalées par abus médicamenteux. Un mal de tête brutal et très "
            "intense, inhabituel, ou accompagné de fièvre ou de troubles neurologiques impose en revanche "
            "un appel immédiat au 15.",
        ],
        "after": [],
        "transform": None,
        "check": True,
        "planted": [],
    },
    {
        "id": "iu-002",
        "title": "Apnée du sommeil : un trouble sous-diagnostiqué",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/maladies/apnee-du-sommeil",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": [
            "Le syndrome d'apnées obstructives du sommeil se caractérise par des arrêts répétés de la "
            "respiration pendant le sommeil, dus à un relâchement des tissus de la gorge. Il se traduit par "
            "un ronflement sonore, des réveils fréquents et une somnolence dans la journée "
            + BAD_BYTES_MARKER + " qui peut être à l'origine d'accidents de la route. Le diagnostic repose "
            "sur un enregistrement du sommeil, réalisé à domicile ou en laboratoire, et le traitement le "
            "plus efficace est la pression positive continue.",
        ],
        "after": [],
        "transform": None,
        "check": False,
        "planted": [
            planted("read", "invalid_utf8",
                    "The second line of the file contains the bytes 0xFF 0xFE inside the text, which are "
                    "not valid UTF-8."),
        ],
    },
    {
        "id": "iu-003",
        "title": "Psoriasis : une maladie inflammatoire chronique",
        "license": "CC-BY-4.0",
        "url": PORTAL_URL + "/maladies/psoriasis",
        "authors": [PORTAL_AUTHOR],
        "doi": None,
        "before": [],
        "paragraphs": [
            "Le psoriasis est une maladie inflammatoire chronique de la peau qui touche environ deux pour "
            "cent de la population. Il se manifeste par des plaques rouges recouvertes de squames blanches, "
            "siégeant surtout aux coudes, aux genoux, au cuir chevelu et dans la région lombaire. "
            "L'évolution se fait par poussées, favorisées par le stress, certaines infections ou certains "
            "médicaments.",
            "Le psoriasis n'est pas contagieux. Il peut toutefois s'accompagner d'atteintes articulaires et "
            "d'un risque cardiovasculaire accru, qui justifient un suivi médical régulier. Les traitements "
            "locaux suffisent dans les formes limitées ; les formes étendues relèvent de la photothérapie, "
            "de traitements généraux ou de biothérapies prescrites par le dermatologue. Un soutien psychologique "
            "peut aussi être utile, car la maladie pèse souvent sur la qualité de vie.",
        ],
        "after": [],
        "transform": None,
        "check": True,
        "planted": [],
    },
]
"""Records of ``jsonl/invalid-utf8.jsonl``, in line order; line 2 gets raw invalid bytes."""
