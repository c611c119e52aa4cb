"""French source texts of the sample corpus's born-digital and scanned PDFs.

All prose here is original, written for biomedfr and shipped under the project's license. Names of
authors, hospitals, journals and towns are fictional; figures and data are illustrative.

Conventions read by ``build_pdfs.py``:

- Whitespace inside a text is normalized (so paragraphs can be written as indented triple-quoted
  strings) and straight apostrophes become typographic ones (’).
- ```` inside a word marks a place where the word may be hyphenated across a line break. The
  builder breaks a marked word there when it reaches the end of a line, then lists the broken words
  in the ledger. Markers are removed everywhere else.
- A ``Plant`` attached to a block is a problem planted on purpose; the builder writes it to the
  ledger (``ledger_pdf.yaml``) with the page where the block landed. Problems the builder creates
  itself (running headers, page numbers, captions, references, hyphenation, ligatures, mojibake) are
  added to the ledger automatically.
"""

from __future__ import annotations

from typing import NamedTuple


class Plant(NamedTuple):
    """A planted problem: the curation step expected to deal with it, its reason, one sentence."""

    step: str
    reason: str | None
    problem: str


# --- block constructors ---------------------------------------------------------------------------


def heading(text: str) -> dict:
    """A section heading (bold, kept with the block that follows)."""
    return {"kind": "heading", "text": text}


def para(text: str, *plants: Plant, near_of: str | None = None, mojibake: bool = False) -> dict:
    """A body paragraph.

    ``near_of``: the paragraph this one nearly duplicates (the builder checks their similarity).
    ``mojibake``: print the paragraph as UTF-8 bytes wrongly decoded as Windows-1252.
    """
    return {"kind": "para", "text": text, "plants": list(plants), "near_of": near_of, "mojibake": mojibake}


def figure(caption: str) -> dict:
    """A text-free vector chart followed by its caption."""
    return {"kind": "figure", "caption": caption}


def table(caption: str, rows: list[tuple[str, ...]], *plants: Plant) -> dict:
    """A caption followed by a small ruled table (first row is the header)."""
    return {"kind": "table", "caption": caption, "rows": rows, "plants": list(plants)}


def references(title: str, entries: list[str]) -> dict:
    """A numbered reference list under its own heading."""
    return {"kind": "references", "title": title, "entries": entries}


def lines(rows: list[str], *plants: Plant) -> dict:
    """A block of short lines in small type (contact details, legal notices, lists)."""
    return {"kind": "lines", "rows": rows, "plants": list(plants)}


def page_break() -> dict:
    """Start a new page."""
    return {"kind": "page_break"}


def rewrite(text: str, *changes: tuple[str, str]) -> str:
    """A light rewrite of ``text``: each ``(old, new)`` replaces a phrase that occurs exactly once.

    Hyphenation markers are dropped and whitespace normalized first.
    """
    out = " ".join(text.replace("", "").split())
    for old, new in changes:
        count = out.count(old)
        if count != 1:
            raise ValueError(f"rewrite: {old!r} occurs {count} times, expected exactly once")
        out = out.replace(old, new)
    return out


# --- cardio-hta: hypertension (and its light rewrite, cardio-hta-synthese) ------------------------

HTA_ABSTRACT = """
    L'hypertension artérielle demeure le premier facteur de risque cardiovasculaire modifiable. Près
    d'un adulte sur trois est concerné, mais une proportion importante de patients ignore son
    diagnostic ou reste insuffisamment contrôlée sous traitement. Cette mise au point reprend les
    étapes essentielles de la prise en charge : confirmation du diagnostic par des mesures hors
    cabinet, recherche d'une atteinte des organes cibles, évaluation du risque global, puis choix
    d'une stratégie associant mesures hygiéno-diététiques et traitement médicamenteux. L'accent est
    mis sur les associations fixes à faible dose et sur le suivi de l'observance.
"""

HTA_INTRO = """
    L'hypertension artérielle se définit, en consultation, par une pression artérielle systolique
    supérieure ou égale à 140 mmHg ou une pression diastolique supérieure ou égale à 90 mmHg,
    confirmée lors de plusieurs visites. Sa prévalence augmente nettement avec l'âge et dépasse 60 %
    après 65 ans. Longtemps asymptomatique, elle expose pourtant à des complications graves :
    accident vasculaire cérébral, infarctus du myocarde, insuffisance cardiaque, fibrillation atriale
    et maladie rénale chronique. Le bénéfice du traitement est solidement établi : une baisse de
    10 mmHg de la pression systolique réduit d'environ un cinquième la survenue des événements
    cardiovasculaires majeurs. Malgré ces données, moins de la moitié des patients traités
    atteignent les objectifs tensionnels recommandés.
"""

HTA_DIAG = """
    Une mesure isolée au cabinet ne suffit pas à poser le diagnostic. L'effet « blouse blanche », qui
    concerne jusqu'à un quart des patients, conduit à surestimer la pression artérielle, tandis que
    l'hypertension masquée passe inaperçue lorsque seules les mesures de consultation sont prises en
    compte. Les recommandations privilégient donc l'automesure tensionnelle à domicile, selon la règle
    des trois : trois mesures le matin, trois mesures le soir, pendant trois jours consécutifs, en
    position assise et après cinq minutes de repos. La mesure ambulatoire sur 24 heures est une
    alternative utile, en particulier pour apprécier le profil nocturne. Le seuil diagnostique retenu
    en automesure est de 135/85 mmHg.
"""

HTA_BILAN = """
    Le bilan initial recherche une atteinte infraclinique des organes cibles et des facteurs de risque
    associés. Il comprend un ionogramme sanguin, une créatininémie avec estimation du débit de
    filtration glomérulaire, une recherche d'albuminurie, une glycémie à jeun, un bilan lipidique et
    un électrocardiogramme de repos. L'échographie cardiaque n'est pas systématique, mais elle est
    utile en cas de signes d'insuffisance cardiaque ou d'anomalie électrique évocatrice d'hypertrophie
    ventriculaire gauche. Une hypertension sévère, résistante ou d'apparition précoce doit faire
    rechercher une cause secondaire, au premier rang desquelles l'hyperaldostéronisme primaire, la
    sténose de l'artère rénale et le syndrome d'apnées obstructives du sommeil. Le risque
    cardiovasculaire global oriente ensuite l'intensité de la prise en charge.
"""

HTA_MHD = """
    Les mesures hygiéno-diététiques constituent le socle du traitement, quel que soit le niveau
    tensionnel. La réduction des apports en sel à moins de 5 à 6 grammes par jour, la perte de poids en
    cas de surcharge pondérale, une activité physique d'endurance régulière, la limitation de la
    consommation d'alcool et l'arrêt du tabac permettent chacune une baisse modeste mais réelle de la
    pression artérielle. Leur effet cumulé peut atteindre 10 mmHg chez les patients les plus motivés.
    Ces conseils doivent être personnalisés et réévalués à chaque consultation, car leur maintien à long
    terme reste difficile.
"""

HTA_TTT = """
    Lorsque le traitement médicamenteux est indiqué, cinq classes ont démontré un bénéfice sur la
    morbi-mortalité : les inhibiteurs de l'enzyme de conversion, les antagonistes des récepteurs de
    l'angiotensine II, les inhibiteurs calciques, les diurétiques thiazidiques et apparentés, et les
    bêtabloquants. La plupart des patients nécessitent d'emblée une bithérapie à faible dose, de
    préférence sous forme d'association fixe en un seul comprimé, ce qui simplifie le schéma et
    améliore l'observance. En l'absence de contrôle après quatre semaines, la trithérapie associe un
    bloqueur du système rénine-angiotensine, un inhibiteur calcique et un diurétique. La
    spironolactone est ensuite proposée en cas d'hypertension résistante, sous surveillance de la
    kaliémie et de la fonction rénale.
"""

HTA_SUIVI = """
    L'objectif est d'obtenir une pression artérielle inférieure à 140/90 mmHg en consultation dans un
    délai de six mois, puis, si le traitement est bien toléré, de viser une pression systolique comprise
    entre 120 et 130 mmHg chez la plupart des adultes. Chez le sujet très âgé ou fragile, l'objectif est
    adapté au cas par cas, en surveillant le risque d'hypotension orthostatique et de chute. L'éducation
    thérapeutique, l'automesure régulière et des consultations rapprochées pendant la phase d'ajustement
    favorisent l'adhésion au traitement, principal déterminant du contrôle tensionnel à long terme.
"""

HTA_CONCL = """
    L'hypertension artérielle est une maladie fréquente, silencieuse et accessible à un traitement
    efficace. Un diagnostic rigoureux, fondé sur les mesures hors cabinet, une évaluation soigneuse du
    risque et une stratégie médicamenteuse simple, reposant sur les associations fixes, permettent
    d'améliorer nettement le contrôle tensionnel. Le médecin généraliste occupe une place centrale dans
    ce parcours, en lien avec le cardiologue et le néphrologue lorsque la situation le justifie.
"""

CARDIO_HTA = {
    "slug": "cardio-hta",
    "hyphenate": True,
    "title": "Hypertension artérielle de l'adulte : du diagnostic à la stratégie thérapeutique",
    "authors": ["Claire Duval-Moreau", "Julien Ferrand", "Anaïs Lebrun"],
    "affiliation": "Service de cardiologie, Centre hospitalier de Valmont-sur-Loire",
    "subject": "Mise au point sur l'hypertension artérielle de l'adulte",
    "header": {
        "left": "Annales de médecine clinique francophone · 2024 ; 18 (3) : 211-218",
        "right": "Duval-Moreau C. et al.",
        "footer": "page_of",
    },
    "blocks": [
        heading("Résumé"),
        para(HTA_ABSTRACT),
        heading("Introduction"),
        para(HTA_INTRO),
        heading("Confirmer le diagnostic"),
        para(HTA_DIAG),
        heading("Bilan initial et évaluation du risque"),
        para(HTA_BILAN),
        figure(
            "Figure 1. Proportion de patients contrôlés (pression artérielle < 140/90 mmHg) selon le "
            "nombre de classes thérapeutiques prescrites, dans une cohorte de 1 240 patients suivis en "
            "médecine générale (données illustratives)."
        ),
        heading("Stratégie thérapeutique"),
        para(HTA_MHD),
        para(HTA_TTT),
        heading("Suivi au long cours"),
        para(HTA_SUIVI),
        heading("Conclusion"),
        para(HTA_CONCL),
        references("Références", [
            "Garnier P, Olivier S, Roux M. Prévalence et contrôle de l'hypertension artérielle chez "
            "l'adulte : résultats d'une enquête transversale. Ann Med Clin Francoph. 2021;15(4):301-9. "
            "doi:10.5555/amcf.2021.0412",
            "Bertin L, Camus A. Automesure tensionnelle et hypertension masquée en soins primaires. "
            "Rev Prat Gen Ouest. 2020;34(2):112-8. doi:10.5555/rpgo.2020.0219",
            "Nguyen T, Faure E, Dubreuil J, et al. Associations fixes et observance chez l'hypertendu : "
            "étude de cohorte. Cah Cardiol Prat. 2022;9(1):45-53. doi:10.5555/ccp.2022.0107",
            "Morel V, Laurent H. Hypertension résistante : place de la spironolactone. "
            "Ann Med Clin Francoph. 2023;17(6):522-30. doi:10.5555/amcf.2023.0631",
            "Société savante fictive d'hypertension. Recommandations pour la prise en charge de "
            "l'hypertension artérielle de l'adulte. Valmont : SSFH ; 2023.",
        ]),
    ],
}

CARDIO_HTA_SYNTHESE = {
    "slug": "cardio-hta-synthese",
    "title": "Hypertension artérielle de l'adulte : du diagnostic au traitement, synthèse pratique",
    "authors": ["Marc Vasseur", "Hélène Quintin"],
    "affiliation": "Maison de santé pluriprofessionnelle des Coteaux, Valmont",
    "subject": "Synthèse pratique sur l'hypertension artérielle",
    "header": {
        "left": "La Lettre du praticien de Valmont — n° 47 — novembre 2023",
        "right": "Synthèse",
        "footer": "bare",
    },
    "plants": [
        Plant(
            "minhash_dedup", "minhash_duplicate",
            "Every paragraph (abstract, six sections, conclusion) is a light rewrite of the matching "
            "paragraph of pdf/cardio-hta.pdf: 2 or 3 phrases changed, {changed} of the words; word 5-gram "
            "Jaccard {jaccard} per paragraph, {whole} for the eight paragraphs together.",
        ),
    ],
    "blocks": [
        heading("Résumé"),
        para(
            rewrite(
                HTA_ABSTRACT,
                ("L'hypertension artérielle demeure", "L'hypertension artérielle reste"),
                ("et sur le suivi de l'observance.", "et sur le suivi de l'adhésion au traitement."),
            ),
            near_of=HTA_ABSTRACT,
        ),
        heading("Introduction"),
        para(
            rewrite(
                HTA_INTRO,
                ("L'hypertension artérielle se définit,", "L'hypertension se définit,"),
                ("atteignent les objectifs tensionnels recommandés.", "atteignent les cibles tensionnelles fixées."),
            ),
            near_of=HTA_INTRO,
        ),
        heading("Confirmer le diagnostic"),
        para(
            rewrite(
                HTA_DIAG,
                ("Une mesure isolée au cabinet", "Une mesure unique au cabinet"),
                ("en automesure est de 135/85 mmHg.", "en automesure se situe à 135/85 mmHg."),
            ),
            near_of=HTA_DIAG,
        ),
        heading("Bilan initial et évaluation du risque"),
        para(
            rewrite(
                HTA_BILAN,
                ("Le bilan initial recherche", "Le premier bilan recherche"),
                ("l'intensité de la prise en charge.", "l'intensité du suivi."),
            ),
            near_of=HTA_BILAN,
        ),
        heading("Stratégie thérapeutique"),
        para(
            rewrite(
                HTA_MHD,
                ("Les mesures hygiéno-diététiques constituent", "Les règles hygiéno-diététiques constituent"),
                ("à long terme reste difficile.", "durable est difficile."),
            ),
            near_of=HTA_MHD,
        ),
        para(
            rewrite(
                HTA_TTT,
                ("Lorsque le traitement médicamenteux", "Quand le traitement médicamenteux"),
                ("de la kaliémie et de la fonction rénale.", "de la kaliémie et de la créatininémie."),
            ),
            near_of=HTA_TTT,
        ),
        heading("Objectifs et suivi"),
        para(
            rewrite(
                HTA_SUIVI,
                ("L'objectif est d'obtenir", "Le but est d'obtenir"),
                ("du contrôle tensionnel à long terme.", "du contrôle tensionnel durable."),
            ),
            near_of=HTA_SUIVI,
        ),
        heading("Conclusion"),
        para(
            rewrite(
                HTA_CONCL,
                ("L'hypertension artérielle est une maladie", "L'HTA est une maladie"),
                ("lorsque la situation le justifie.", "lorsque la situation l'exige."),
            ),
            near_of=HTA_CONCL,
        ),
        references("Bibliographie", [
            "Garnier P, Olivier S, Roux M. Prévalence et contrôle de l'hypertension artérielle chez "
            "l'adulte. Ann Med Clin Francoph. 2021;15(4):301-9. doi:10.5555/amcf.2021.0412",
            "Duval-Moreau C, Ferrand J, Lebrun A. Hypertension artérielle de l'adulte. "
            "Ann Med Clin Francoph. 2024;18(3):211-8. doi:10.5555/amcf.2024.0305",
            "Morel V, Laurent H. Hypertension résistante : place de la spironolactone. "
            "Ann Med Clin Francoph. 2023;17(6):522-30. doi:10.5555/amcf.2023.0631",
        ]),
    ],
}

# --- infectio-antibioresistance: ligatures, numeric table ----------------------------------------

INFECTIO_ANTIBIO = {
    "slug": "infectio-antibioresistance",
    "title": "Bon usage des antibiotiques en ville : enjeux et leviers face à l'antibiorésistance",
    "authors": ["Thomas Leroux", "Nadia Benali", "Pierre-Yves Cordier"],
    "affiliation": "Unité mobile d'infectiologie, Hôpital Saint-Éloi de Valmont",
    "subject": "Antibiorésistance et prescription des antibiotiques en soins primaires",
    "ligatures": True,
    "header": {
        "left": "Cahiers d'infectiologie pratique — vol. 9, n° 2, 2023",
        "right": "Leroux T. et al.",
        "footer": "bare",
    },
    "blocks": [
        heading("Résumé"),
        para("""
            La résistance bactérienne aux antibiotiques progresse et menace l'efficacité de traitements
            devenus indispensables à la médecine moderne. La majorité des antibiotiques étant prescrits
            en ville, le médecin généraliste joue un rôle décisif dans la maîtrise de ce phénomène. Cet
            article rappelle les situations où l'antibiothérapie n'est pas justifiée, les outils d'aide au
            diagnostic disponibles au cabinet et les principes d'une prescription raisonnée : bonne
            molécule, bonne dose, durée la plus courte possible. Il souligne enfin l'importance de la
            communication avec les patients et de la coordination avec les pharmaciens.
        """),
        heading("Un enjeu de santé publique"),
        para("""
            L'antibiorésistance est aujourd'hui considérée comme l'une des principales menaces sanitaires
            mondiales. Chaque année, plusieurs milliers de décès sont attribués en France à des infections
            causées par des bactéries multirésistantes, et ce chiffre pourrait fortement augmenter au
            cours des prochaines décennies. Le mécanisme est bien connu : toute exposition aux
            antibiotiques sélectionne, au sein de la flore digestive, cutanée ou respiratoire, les souches
            porteuses de gènes de résistance. Ces gènes peuvent ensuite diffuser d'une bactérie à l'autre
            et d'un individu à l'autre. La consommation d'antibiotiques reste élevée dans notre pays par
            rapport à la moyenne européenne, ce qui justifie des efforts soutenus de la part de tous les
            prescripteurs.
        """),
        heading("Des prescriptions souvent évitables"),
        para("""
            Environ les trois quarts des antibiotiques sont prescrits en soins de ville, et une part
            notable de ces prescriptions concerne des infections respiratoires d'origine virale. La
            rhinopharyngite, la bronchite aiguë du sujet sain et la plupart des otites congestives
            guérissent spontanément, sans bénéfice significatif d'un traitement antibiotique. Dans ces
            situations, la prescription expose le patient à des effets indésirables, digestifs ou
            allergiques, sans modifier la durée des symptômes. La demande supposée du patient est souvent
            citée par les médecins pour expliquer ces prescriptions, alors que les enquêtes montrent que
            les patients attendent surtout une explication claire et un soulagement de leurs symptômes.
        """),
        heading("Les outils d'aide à la décision"),
        para("""
            Le test de diagnostic rapide du streptocoque du groupe A illustre l'intérêt d'un outil simple
            utilisé au cabinet. Réalisé chez l'adulte présentant une angine avec un score clinique
            suffisant, et chez l'enfant à partir de trois ans, il permet de réserver l'antibiothérapie aux
            seules angines streptococciques. Un test négatif dispense d'antibiotique, ce qui concerne la
            majorité des angines. D'autres outils, comme la mesure de la protéine C réactive au cabinet,
            sont en cours d'évaluation en soins primaires pour les infections respiratoires basses. Leur
            place dépendra de leur capacité à modifier réellement les décisions de prescription sans
            retarder la prise en charge des infections bactériennes graves.
        """),
        table(
            "Tableau 1 : Souches urinaires d'Escherichia coli résistantes (%) chez les patients de ville, "
            "réseau de laboratoires sentinelles, 2015 à 2023 (données illustratives).",
            [
                ("Antibiotique", "2015", "2017", "2019", "2021", "2023"),
                ("Amoxicilline", "52,1", "51,3", "50,4", "49,6", "48,9"),
                ("Amox.-ac. clav.", "31,0", "29,8", "28,7", "27,9", "27,2"),
                ("Pivmécillinam", "9,8", "10,2", "10,6", "10,9", "11,3"),
                ("Cotrimoxazole", "21,4", "20,7", "19,9", "19,2", "18,8"),
                ("Fluoroquinolones", "17,8", "16,4", "15,2", "14,5", "13,9"),
                ("C3G", "7,4", "7,8", "8,1", "8,4", "8,6"),
                ("Fosfomycine", "1,2", "1,2", "1,1", "1,2", "1,3"),
                ("Nitrofurantoïne", "1,9", "1,7", "1,6", "1,6", "1,5"),
            ],
            Plant(
                "passage_filter", "passage_low_alpha",
                "Table 1 is a grid of about fifty percentages with a few drug names: mostly digits and "
                "commas, few letters.",
            ),
        ),
        heading("Prescrire mieux"),
        para("""
            Lorsque l'antibiothérapie est justifiée, le choix doit privilégier la molécule au spectre le
            plus étroit possible, à la posologie adaptée et pour la durée la plus courte validée. Les
            durées de traitement ont été nettement raccourcies ces dernières années : cinq jours suffisent
            pour une pneumonie aiguë communautaire d'évolution favorable chez l'adulte, et une dose unique
            de fosfomycine-trométamol reste le traitement de première intention de la cystite aiguë simple.
            L'amoxicilline demeure la molécule de référence de nombreuses infections respiratoires. Les
            fluoroquinolones et les céphalosporines de troisième génération, particulièrement
            sélectionnantes, doivent être réservées aux situations où aucune alternative n'est possible.
        """),
        heading("Informer et coordonner"),
        para("""
            La prescription différée, qui consiste à remettre une ordonnance à n'utiliser qu'en cas
            d'aggravation ou d'absence d'amélioration après quelques jours, réduit la consommation
            d'antibiotiques sans augmenter les complications. L'ordonnance de non-prescription, document
            remis au patient pour expliquer pourquoi un antibiotique n'est pas nécessaire, facilite le
            dialogue et rassure. Le pharmacien d'officine participe également à cet effort en délivrant
            certains antibiotiques à l'unité et en rappelant l'importance de ne pas conserver les
            comprimés restants. Enfin, la vaccination contre le pneumocoque et la grippe contribue à
            limiter les prescriptions en prévenant des infections et leurs surinfections bactériennes.
        """),
        references("Références", [
            "Leclerc M, Aubry F. Consommation d'antibiotiques en ville : tendances 2012-2022. "
            "Cah Infectiol Prat. 2023;9(1):12-20. doi:10.5555/cip.2023.0102",
            "Benali N, Roussel G, Ferry O. Test de diagnostic rapide de l'angine en médecine générale : "
            "une étude de pratiques. Rev Prat Gen Ouest. 2021;35(5):388-94. doi:10.5555/rpgo.2021.0517",
            "Masson E, Chauvin R, Paquet L, et al. Prescription différée d'antibiotiques : essai "
            "randomisé en cabinet. Cah Infectiol Prat. 2022;8(3):201-10. doi:10.5555/cip.2022.0309",
            "Cordier PY, Leroux T. Durées courtes d'antibiothérapie : quelles preuves ? "
            "Ann Med Clin Francoph. 2022;16(2):140-7. doi:10.5555/amcf.2022.0218",
            "Réseau fictif de surveillance. Résistance aux antibiotiques des entérobactéries urinaires "
            "en ville : rapport annuel 2023. Valmont ; 2024.",
        ]),
    ],
}

# --- diabeto-type2: one page entirely in English -------------------------------------------------

DIABETO_T2 = {
    "slug": "diabeto-type2",
    "title": "Diabète de type 2 : place des nouvelles classes thérapeutiques après la metformine",
    "authors": ["Élodie Marchetti", "Karim Haddad"],
    "affiliation": "Service d'endocrinologie-diabétologie, CHU de Valmont",
    "subject": "Stratégie thérapeutique du diabète de type 2",
    "header": {
        "left": "Revue de diabétologie et métabolisme · 2024 · 31 : 77-84",
        "right": "Marchetti É., Haddad K.",
        "footer": "page_of",
    },
    "blocks": [
        heading("Résumé"),
        para("""
            Le diabète de type 2 touche plus de quatre millions de personnes en France. Si la metformine
            reste le traitement de première intention, l'arrivée des inhibiteurs du cotransporteur
            sodium-glucose de type 2 et des agonistes du récepteur du GLP-1 a profondément modifié la
            stratégie thérapeutique. Ces molécules ne se contentent pas d'abaisser la glycémie : elles
            réduisent les événements cardiovasculaires, la progression de l'atteinte rénale et, pour
            certaines, le poids. Nous proposons une lecture pratique de leur place, en fonction du profil
            de chaque patient.
        """),
        heading("Introduction"),
        para("""
            Le diabète de type 2 associe une résistance à l'insuline et un déficit progressif de
            l'insulinosécrétion. Sa fréquence augmente avec le vieillissement de la population, la
            sédentarité et le surpoids. Longtemps centrée sur la seule baisse de l'hémoglobine glyquée, la
            prise en charge vise désormais à prévenir les complications macrovasculaires et
            microvasculaires, qui font toute la gravité de la maladie. L'objectif glycémique est
            individualisé : une HbA1c inférieure ou égale à 7 % convient à la plupart des patients, mais
            une cible plus stricte peut être proposée à un patient jeune, récemment diagnostiqué, alors
            qu'une cible plus souple est préférable chez le sujet âgé fragile.
        """),
        heading("La metformine, toujours en première ligne"),
        para("""
            En l'absence de contre-indication, la metformine reste le premier médicament prescrit,
            associée aux mesures hygiéno-diététiques. Peu coûteuse, elle n'entraîne pas d'hypoglycémie et
            son recul d'utilisation est considérable. Ses effets indésirables digestifs, fréquents à
            l'instauration, sont limités par une augmentation progressive de la dose et une prise au cours
            des repas. La posologie doit être réduite lorsque le débit de filtration glomérulaire descend
            sous 45 mL/min/1,73 m² et le traitement interrompu sous 30 mL/min/1,73 m². Un dosage de la
            vitamine B12 est utile en cas de traitement prolongé, en particulier devant une neuropathie.
        """),
        figure(
            "Figure 1. Variation moyenne de l'HbA1c (en points) après six mois de traitement, selon la "
            "classe ajoutée à la metformine (données illustratives)."
        ),
        page_break(),
        heading("Type 2 diabetes: where do the new drug classes fit after metformin?"),
        para(
            """
            Type 2 diabetes affects more than four million people in France and remains a leading cause
            of cardiovascular disease, chronic kidney disease and lower-limb amputation. Metformin is still
            recommended as the first-line drug, together with lifestyle changes. Over the past decade,
            however, large outcome trials have shown that sodium-glucose cotransporter 2 inhibitors and
            glucagon-like peptide-1 receptor agonists do more than lower blood glucose. Both classes reduce
            major cardiovascular events in patients with established atherosclerotic disease, and
            sodium-glucose cotransporter 2 inhibitors also slow the decline of kidney function and prevent
            hospital admissions for heart failure.
            """,
            Plant(
                "fineweb2_french", "language_not_french",
                "The whole page is an English abstract (title, two paragraphs and key points) inside a "
                "French article.",
            ),
        ),
        para("""
            In this review, we summarise the evidence supporting each class and propose a practical
            approach for general practitioners. The choice of a second drug should no longer depend only on
            the glycated haemoglobin level, but on the presence of cardiovascular disease, heart failure or
            chronic kidney disease, on body weight and on the risk of hypoglycaemia. Basal insulin keeps an
            important place when glucose levels remain high despite oral and injectable treatments, or when
            symptoms of marked insulin deficiency are present.
        """),
        heading("Key points"),
        para("""
            Metformin remains the first-line drug for most patients. In patients with heart failure or
            chronic kidney disease, a sodium-glucose cotransporter 2 inhibitor should be started whatever
            the glycated haemoglobin level. In patients with obesity or established atherosclerotic
            disease, a glucagon-like peptide-1 receptor agonist is a sensible option. Treatment targets and
            drug choices should be reviewed at least once a year with the patient, taking into account
            their priorities, the burden of treatment and the cost of each drug.
        """),
        page_break(),
        heading("Les inhibiteurs du SGLT2"),
        para("""
            Les gliflozines favorisent l'élimination urinaire du glucose en inhibant sa réabsorption au
            niveau du tubule proximal. Leur effet sur l'HbA1c est modéré, de l'ordre de 0,5 à 0,8 point,
            mais les grands essais ont montré une réduction des hospitalisations pour insuffisance
            cardiaque et un ralentissement de la dégradation de la fonction rénale, y compris chez des
            patients non diabétiques. Ces bénéfices justifient leur prescription précoce chez les patients
            atteints d'insuffisance cardiaque ou de maladie rénale chronique. Les principaux effets
            indésirables sont les infections génitales mycosiques, la déplétion volémique chez le sujet âgé
            et, plus rarement, l'acidocétose euglycémique, qui impose une suspension temporaire du
            traitement en cas de chirurgie ou de jeûne prolongé.
        """),
        heading("Les agonistes du récepteur du GLP-1"),
        para("""
            Administrés par voie sous-cutanée, une fois par jour ou une fois par semaine, les agonistes du
            récepteur du GLP-1 stimulent la sécrétion d'insuline de façon glucose-dépendante, freinent la
            sécrétion de glucagon et ralentissent la vidange gastrique. Ils abaissent l'HbA1c d'environ un
            point et entraînent une perte de poids souvent marquée. Plusieurs molécules ont démontré une
            réduction des événements cardiovasculaires majeurs chez les patients en prévention secondaire.
            Les nausées et les vomissements, fréquents en début de traitement, s'atténuent habituellement
            avec une titration lente. Ces médicaments sont particulièrement indiqués chez les patients en
            situation d'obésité ou présentant une maladie athéromateuse avérée.
        """),
        heading("Et l'insuline ?"),
        para("""
            L'insulinothérapie basale reste indiquée lorsque l'objectif glycémique n'est pas atteint malgré
            une association de traitements bien conduite, ou d'emblée en cas d'hyperglycémie majeure avec
            amaigrissement et syndrome polyuro-polydipsique. Une injection quotidienne d'insuline basale est
            instaurée à faible dose, puis adaptée par le patient lui-même selon les glycémies capillaires
            du matin. L'éducation thérapeutique est indispensable : reconnaissance et correction des
            hypoglycémies, technique d'injection, rotation des sites et conduite à tenir en cas de maladie
            intercurrente. Les capteurs de glucose en continu facilitent l'ajustement des doses.
        """),
        references("Références", [
            "Haddad K, Roche B. Inhibiteurs du SGLT2 et protection rénale : revue des essais. "
            "Rev Diabetol Metab. 2023;30:201-9. doi:10.5555/rdm.2023.0214",
            "Marchetti É, Simon A, Petit G. Agonistes du récepteur du GLP-1 en médecine générale. "
            "Rev Prat Gen Ouest. 2022;36(4):301-7. doi:10.5555/rpgo.2022.0406",
            "Lambert C, Haddad K. Insulinothérapie basale : titration par le patient. "
            "Rev Diabetol Metab. 2021;28:55-61. doi:10.5555/rdm.2021.0058",
            "Groupe de travail fictif. Stratégie thérapeutique du diabète de type 2 : prise de position. "
            "Valmont ; 2023.",
        ]),
    ],
}

# --- onco-colorectal: a verbatim and a near-duplicate paragraph inside the document --------------

ONCO_PARTICIPATION = """
    La participation au programme reste pourtant nettement inférieure à l'objectif européen de 45 %. Au
    cours des dernières campagnes, à peine un tiers de la population invitée a réalisé le test, avec de
    fortes disparités territoriales et sociales. Les hommes, les personnes les plus jeunes de la tranche
    d'âge ciblée et les habitants des quartiers défavorisés participent moins que les autres. Cette
    faible adhésion limite l'impact du dépistage sur la mortalité, alors même que son efficacité est
    démontrée à l'échelle de la population lorsque la participation est suffisante et que les
    coloscopies sont réalisées dans des délais raisonnables.
"""

ONCO_COLOSCOPIE = """
    Le délai entre un test positif et la coloscopie constitue un autre point faible du parcours. Une
    part non négligeable des personnes dont le test est positif ne réalise pas la coloscopie dans les
    six mois, soit par crainte de l'examen, soit en raison de délais de rendez-vous prolongés dans
    certains territoires. Or le risque de découvrir un cancer à un stade avancé augmente lorsque ce
    délai s'allonge. Le médecin traitant doit donc être informé rapidement du résultat, contacter le
    patient, expliquer l'intérêt de l'examen et organiser la consultation avec le gastro-entérologue. La
    coloscopie est réalisée sous anesthésie générale dans la plupart des cas, après une préparation
    colique dont la qualité conditionne la fiabilité de l'examen. Les complications graves, perforation
    ou hémorragie, restent rares et surviennent surtout après l'ablation de polypes volumineux. Un
    accompagnement personnalisé, assuré par des infirmiers coordinateurs dans certains départements,
    améliore significativement le taux de coloscopies réalisées après un test positif.
"""

ONCO_COLOSCOPIE_NEAR = rewrite(
    ONCO_COLOSCOPIE,
    ("constitue un autre point faible", "représente un autre point faible"),
    ("améliore significativement le taux", "améliore nettement le taux"),
)

ONCO_COLORECTAL = {
    "slug": "onco-colorectal",
    "title": "Dépistage organisé du cancer colorectal : freins à la participation et pistes d'amélioration",
    "authors": ["Isabelle Fournier", "Antoine Delmas", "Léa Girard"],
    "affiliation": "Centre régional de coordination des dépistages des cancers, Valmont",
    "subject": "Dépistage organisé du cancer colorectal",
    "header": {
        "left": "Bulletin d'oncologie et de prévention — 2024, tome 12",
        "right": "Fournier I. et al.",
        "footer": "page_of",
    },
    "blocks": [
        heading("Introduction"),
        para("""
            Le cancer colorectal est l'un des cancers les plus fréquents en France, avec plus de 40 000
            nouveaux cas chaque année, et il reste la deuxième cause de décès par cancer. Son pronostic
            dépend étroitement du stade au diagnostic : la survie à cinq ans dépasse 90 % pour les formes
            localisées, mais chute nettement en cas de métastases. La plupart de ces cancers se développent
            lentement à partir d'un adénome, ce qui offre une fenêtre de plusieurs années pendant laquelle
            une lésion précancéreuse peut être détectée et retirée. C'est tout l'enjeu du programme de
            dépistage organisé proposé aux personnes de 50 à 74 ans.
        """),
        heading("Le test immunochimique"),
        para("""
            Depuis 2015, le dépistage repose sur un test immunochimique de recherche de sang occulte dans
            les selles. Plus sensible que l'ancien test au gaïac, il ne nécessite qu'un seul prélèvement,
            réalisé à domicile, sans régime alimentaire préalable. Le kit est remis par le médecin traitant
            ou par le pharmacien, ou envoyé au domicile sur commande en ligne. Le test est renouvelé tous
            les deux ans lorsqu'il est négatif. Un résultat positif, observé chez environ 4 % des
            participants, impose la réalisation d'une coloscopie, seul examen permettant de confirmer ou
            d'écarter la présence d'un polype ou d'un cancer.
        """),
        heading("Une participation insuffisante"),
        para(ONCO_PARTICIPATION),
        para("""
            Les raisons de cette faible participation sont multiples. Certaines personnes ne se sentent pas
            concernées en l'absence de symptômes, d'autres redoutent le résultat ou jugent le prélèvement
            désagréable. Le manque d'information, la méconnaissance de la gratuité du test et l'absence de
            rappel par un professionnel de santé jouent également un rôle important. Chez les personnes en
            situation de précarité, les difficultés de lecture, la barrière de la langue et l'éloignement
            du système de soins s'ajoutent à ces freins. Les enquêtes qualitatives montrent enfin que la
            crainte de la coloscopie, perçue comme invasive, dissuade certains patients de faire le test.
        """),
        para("""
            Le médecin traitant reste l'acteur le plus influent dans la décision de participer. Une
            recommandation explicite, formulée au cours d'une consultation, augmente nettement la
            probabilité de réaliser le test. Remettre le kit en main propre, expliquer simplement les
            modalités du prélèvement et rappeler que la grande majorité des résultats sont négatifs sont
            des gestes efficaces et peu chronophages. Le repérage des patients à risque élevé, qui relèvent
            d'emblée d'une coloscopie en raison d'antécédents personnels ou familiaux, fait également
            partie de ce rôle et doit précéder toute proposition du test immunochimique.
        """),
        para(
            ONCO_PARTICIPATION,
            Plant(
                "window_dedup", "window_duplicate",
                "Verbatim repeat of the paragraph 'La participation au programme reste pourtant…' printed "
                "two paragraphs earlier.",
            ),
        ),
        heading("Après un test positif"),
        para(ONCO_COLOSCOPIE),
        para("""
            Plusieurs pistes ont été expérimentées pour augmenter la participation. L'envoi direct du kit
            au domicile des personnes n'ayant pas répondu à l'invitation initiale, sans passage préalable
            par le médecin, a permis des gains de participation significatifs dans plusieurs pays
            européens. La remise du test par les pharmaciens, désormais possible en France, élargit l'offre
            de proximité. Des actions de médiation en santé, menées auprès des populations les plus
            éloignées du soin, et des supports d'information traduits ou illustrés contribuent à réduire
            les inégalités. Enfin, les relances personnalisées par courrier ou par message téléphonique
            sont simples à mettre en œuvre et peu coûteuses.
        """),
        para(
            ONCO_COLOSCOPIE_NEAR,
            Plant(
                "window_dedup", "window_duplicate",
                "Near-duplicate (two words changed, word 5-gram Jaccard {jaccard}) of the paragraph 'Le délai "
                "entre un test positif et la coloscopie…' printed two paragraphs earlier.",
            ),
            near_of=ONCO_COLOSCOPIE,
        ),
        heading("Conclusion"),
        para("""
            Le dépistage organisé du cancer colorectal est un programme efficace, simple et gratuit, dont
            le bénéfice reste limité par une participation insuffisante. Les médecins traitants, les
            pharmaciens et les structures de coordination disposent de leviers concrets pour mobiliser les
            personnes éligibles et garantir la réalisation rapide de la coloscopie en cas de test positif.
            La réduction des inégalités d'accès au dépistage doit rester une priorité des prochaines
            campagnes, en lien étroit avec les collectivités territoriales et les associations.
        """),
        references("Références", [
            "Delmas A, Fournier I. Participation au dépistage organisé du cancer colorectal : analyse "
            "de trois campagnes. Bull Oncol Prev. 2023;11:88-96. doi:10.5555/bop.2023.0088",
            "Perrin S, Wagner J, Colin M. Envoi postal du test immunochimique aux non-répondants. "
            "Rev Sante Publ Valmont. 2022;7(2):45-52. doi:10.5555/rspv.2022.0203",
            "Girard L, Besson T. Délais de coloscopie après un test positif. Bull Oncol Prev. "
            "2022;10:150-7. doi:10.5555/bop.2022.0150",
            "Chevalier R, Mercier D, Fournier I, et al. Inégalités sociales et dépistage des cancers. "
            "Cah Sante Publ. 2021;14(1):5-13. doi:10.5555/csp.2021.0105",
        ]),
        lines(
            [
                "Reçu le 9 janvier 2024 ; accepté le 27 mars 2024",
                "Conflits d'intérêts : aucun",
                "Financement : aucun financement spécifique pour ce travail",
                "© 2024 Association francophone d'oncologie digestive et de prévention",
                "Publié par les Éditions Médiane, Valmont",
                "Tous droits réservés pour tous pays, y compris ceux de traduction et d'adaptation",
                "Aucune partie de cette publication ne peut être reproduite ou transmise",
                "sous quelque forme que ce soit sans l'autorisation écrite préalable de l'éditeur",
            ],
            Plant(
                "fineweb_quality", None,
                "Copyright and legal block (received/accepted dates, conflicts of interest, © notice, "
                "all rights reserved) made of short lines without final punctuation.",
            ),
        ),
    ],
}

# --- pediatrie-bronchiolite: contact block, legal block, hyphenation ------------------------------

PEDIATRIE_BRONCHIOLITE = {
    "slug": "pediatrie-bronchiolite",
    "hyphenate": True,
    "title": "Bronchiolite aiguë du nourrisson : une prise en charge avant tout symptomatique",
    "authors": ["Sophie Marchal", "Vincent Aubert"],
    "affiliation": "Service de pédiatrie générale, Hôpital des Tilleuls, Valmont",
    "subject": "Bronchiolite aiguë du nourrisson",
    "header": {
        "left": "Pédiatrie pratique en ville · n° 58 · hiver 2023-2024",
        "right": "Marchal S., Aubert V.",
        "footer": "page_of",
    },
    "contact": lines(
        [
            "Correspondance :",
            "Dr Sophie Marchal",
            "Service de pédiatrie générale",
            "Hôpital des Tilleuls",
            "4, allée des Tilleuls",
            "99100 Valmont",
            "s.marchal@example.org",
        ],
        Plant(
            "passage_filter", "passage_too_short",
            "Seven-line contact block (name, service, postal address, e-mail) of about fifteen words.",
        ),
    ),
    "blocks": [
        heading("Introduction"),
        para("""
            La bronchiolite aiguë est une infection virale des voies respiratoires basses qui touche
            chaque hiver près d'un tiers des nourrissons de moins de deux ans. Le virus respiratoire
            syncytial en est la cause principale, mais d'autres virus, comme le rhinovirus ou le
            métapneumovirus, peuvent être impliqués. La maladie débute par une rhinite et une toux, puis
            apparaissent en quelques jours une polypnée, des signes de lutte respiratoire et, à
            l'auscultation, des sibilants ou des crépitants. L'évolution est le plus souvent favorable en
            une dizaine de jours, mais la toux peut persister plusieurs semaines. Chaque épidémie entraîne
            néanmoins un afflux important de nourrissons aux urgences pédiatriques.
        """),
        heading("Évaluer la gravité"),
        para("""
            L'enjeu principal de la consultation est d'identifier les nourrissons qui nécessitent une
            hospitalisation. L'âge inférieur à deux mois, la prématurité, une cardiopathie congénitale ou
            une pathologie pulmonaire chronique constituent des facteurs de risque de forme grave. L'examen
            recherche des signes de détresse respiratoire : fréquence respiratoire supérieure à 60 par
            minute, tirage intercostal marqué, battement des ailes du nez, geignement expiratoire. Une
            saturation en oxygène inférieure à 92 % en air ambiant, des apnées, une altération de l'état
            général ou des apports alimentaires inférieurs à la moitié des apports habituels justifient une
            hospitalisation.
        """),
        heading("Une prise en charge symptomatique"),
        para("""
            Le traitement repose sur des mesures simples. Le lavage du nez au sérum physiologique avant les
            repas facilite l'alimentation, qui peut être fractionnée en repas plus petits et plus
            fréquents. Le couchage sur le dos, la tête légèrement surélevée, et l'aération de la chambre
            sont conseillés. L'exposition au tabac doit être strictement évitée. Aucun traitement
            médicamenteux n'a fait la preuve de son efficacité : les bronchodilatateurs, les
            corticoïdes, les antibiotiques en l'absence de surinfection et les mucolytiques ne sont pas
            recommandés. La kinésithérapie respiratoire par technique d'accélération du flux expiratoire
            n'est plus indiquée de manière systématique.
        """),
        para("""
            À l'hôpital, la prise en charge reste également symptomatique. L'oxygénothérapie est instaurée
            lorsque la saturation est inférieure à 92 %, éventuellement à haut débit en cas de détresse
            respiratoire persistante. Une alimentation par sonde nasogastrique ou une hydratation
            intraveineuse est proposée lorsque les apports oraux sont insuffisants. Les nourrissons les plus
            graves, en particulier les plus jeunes, peuvent nécessiter une ventilation non invasive en unité
            de soins continus ou de réanimation. La durée moyenne d'hospitalisation est de trois à cinq
            jours, et la grande majorité des enfants rentrent à domicile sans séquelle.
        """),
        heading("Prévention"),
        para("""
            La prévention repose d'abord sur les mesures d'hygiène : lavage des mains, port du masque par
            l'entourage enrhumé, limitation des contacts avec les lieux très fréquentés pendant l'épidémie.
            Depuis peu, un anticorps monoclonal à longue durée d'action, le nirsévimab, est proposé à tous
            les nourrissons au cours de leur première saison épidémique. Administré en une injection
            unique, il réduit fortement le risque d'hospitalisation pour bronchiolite liée au virus
            respiratoire syncytial. La vaccination des femmes enceintes au cours du troisième trimestre
            constitue une autre stratégie, qui protège le nouveau-né grâce au passage transplacentaire
            des anticorps maternels.
        """),
        para("""
            L'information des parents est essentielle. Ils doivent savoir reconnaître les signes qui
            imposent une nouvelle consultation : gêne respiratoire croissante, difficultés à boire,
            somnolence inhabituelle ou fièvre élevée et persistante. Une fiche écrite remise à la sortie de
            la consultation, reprenant ces signes d'alerte et les coordonnées des services d'urgence,
            rassure les familles et limite les passages répétés aux urgences pour des formes bénignes. Les
            manœuvres de désobstruction du nez peuvent être montrées aux parents pendant la consultation.
        """),
        references("Références", [
            "Aubert V, Morin C. Épidémiologie de la bronchiolite aiguë du nourrisson : dix saisons "
            "d'observation. Pediatr Prat Ville. 2022;55:14-21. doi:10.5555/ppv.2022.0014",
            "Marchal S, Lefort D, Barbier A. Critères d'hospitalisation de la bronchiolite : étude "
            "multicentrique. Arch Pediatr Valmont. 2021;28(6):410-6. doi:10.5555/apv.2021.0610",
            "Renaud P, Marchal S. Nirsévimab : premiers retours d'une saison d'utilisation. "
            "Pediatr Prat Ville. 2024;58:3-9. doi:10.5555/ppv.2024.0003",
            "Groupe de pédiatrie ambulatoire fictif. Bronchiolite : recommandations de prise en charge. "
            "Valmont ; 2023.",
        ]),
        lines(
            [
                "Article reçu le 14 septembre 2023 ; accepté le 8 janvier 2024",
                "Liens d'intérêts : les auteurs déclarent ne pas avoir de liens d'intérêts",
                "Financement : aucun",
                "© 2024 Collège francophone de pédiatrie ambulatoire",
                "Tous droits réservés, y compris ceux de traduction, de reproduction et d'adaptation",
                "Toute représentation ou reproduction intégrale ou partielle faite sans le consentement",
                "de l'éditeur est illicite et constitue une contrefaçon",
            ],
            Plant(
                "fineweb_quality", None,
                "Legal block (received/accepted dates, conflicts of interest, © notice, reproduction "
                "prohibited) made of short lines without final punctuation.",
            ),
        ),
    ],
}

# --- pharmaco-aod: ligatures, hyphenation, criteria table ----------------------------------------

PHARMACO_AOD = {
    "slug": "pharmaco-aod",
    "hyphenate": True,
    "title": "Anticoagulants oraux directs chez le sujet âgé : prescrire, adapter, surveiller",
    "authors": ["Mathilde Rousseau", "Olivier Chanel", "Farid Mansouri"],
    "affiliation": "Pharmacie à usage intérieur et service de gériatrie, CHU de Valmont",
    "subject": "Anticoagulants oraux directs chez le sujet âgé",
    "ligatures": True,
    "header": {
        "left": "Journal de pharmacologie clinique appliquée · 2023 ; 41 : 305-312",
        "right": "Rousseau M. et al.",
        "footer": "page_of",
    },
    "blocks": [
        heading("Résumé"),
        para("""
            Les anticoagulants oraux directs ont largement remplacé les antivitamines K dans la
            fibrillation atriale non valvulaire et la maladie thromboembolique veineuse. Leur maniement
            paraît simple, mais le sujet âgé cumule les situations à risque : altération de la fonction
            rénale, faible poids, polymédication et risque de chute. Cette revue rappelle les règles de
            choix et d'adaptation posologique, les principales interactions médicamenteuses et la conduite
            à tenir en cas d'hémorragie, afin de concilier efficacité et sécurité chez ces patients.
        """),
        heading("Des médicaments efficaces et pratiques"),
        para("""
            Les anticoagulants oraux directs regroupent un inhibiteur direct de la thrombine, le
            dabigatran, et des inhibiteurs du facteur Xa, l'apixaban, le rivaroxaban et l'édoxaban. Dans
            les grands essais de la fibrillation atriale, ils se sont montrés au moins aussi efficaces que
            la warfarine pour prévenir les accidents vasculaires cérébraux, avec une réduction
            significative des hémorragies intracrâniennes. Leur pharmacocinétique prévisible dispense de
            la surveillance biologique régulière qu'impose l'INR, ce qui représente un avantage
            considérable pour les patients âgés. Cette simplicité apparente ne doit toutefois pas faire
            oublier que leur demi-vie est courte et qu'un oubli de prise expose rapidement à une perte de
            l'effet anticoagulant.
        """),
        heading("Adapter la dose à la fonction rénale"),
        para("""
            L'élimination rénale, très importante pour le dabigatran et plus modeste pour les inhibiteurs
            du facteur Xa, impose d'estimer la clairance de la créatinine avant toute prescription, puis
            au moins une fois par an, et plus souvent en cas d'insuffisance rénale ou de situation
            intercurrente. La formule de Cockcroft et Gault, qui intègre l'âge et le poids, reste la
            référence pour adapter les posologies. Le dabigatran est contre-indiqué lorsque la clairance
            est inférieure à 30 mL/min. Pour l'apixaban, la dose est réduite à 2,5 mg deux fois par jour en
            présence d'au moins deux des critères du tableau 1. Un sous-dosage injustifié, fréquent en
            pratique, expose à un risque accru d'accident vasculaire cérébral.
        """),
        table(
            "Tableau 1 : Critères de réduction de dose de l'apixaban dans la fibrillation atriale (au "
            "moins deux critères requis).",
            [
                ("Critère", "Seuil"),
                ("Âge", "≥ 80 ans"),
                ("Poids", "≤ 60 kg"),
                ("Créatininémie", "≥ 133 µmol/L"),
            ],
            Plant(
                "passage_filter", "passage_too_short",
                "Table 1 (three dose-reduction criteria with their thresholds) is a few short cells, about "
                "ten words.",
            ),
        ),
        heading("Interactions médicamenteuses"),
        para("""
            Les interactions médicamenteuses représentent un piège fréquent chez le patient polymédiqué.
            Les inhibiteurs puissants de la glycoprotéine P ou du cytochrome CYP3A4, comme certains
            antifongiques azolés ou la clarithromycine, augmentent les concentrations plasmatiques des
            anticoagulants oraux directs et le risque hémorragique. À l'inverse, les inducteurs
            enzymatiques tels que la rifampicine, la carbamazépine ou le millepertuis exposent à une perte
            d'efficacité. L'association à un antiagrégant plaquettaire ou à un anti-inflammatoire non
            stéroïdien majore le risque de saignement digestif et doit être évitée, sauf indication
            formelle et temporaire après un syndrome coronarien ou une angioplastie.
        """),
        heading("Gérer le risque hémorragique"),
        para("""
            Le risque de chute, souvent invoqué pour renoncer à l'anticoagulation, ne constitue pas à lui
            seul une contre-indication : le bénéfice de la prévention des accidents vasculaires cérébraux
            l'emporte dans la plupart des cas. En cas d'hémorragie grave, le traitement est interrompu et
            le patient orienté vers une structure d'urgence. L'idarucizumab neutralise spécifiquement le
            dabigatran, tandis que l'andexanet alfa ou les concentrés de complexes prothrombiniques
            peuvent être utilisés pour les inhibiteurs du facteur Xa. Avant une chirurgie programmée, la
            durée d'interruption dépend de la molécule, de la fonction rénale et du risque hémorragique de
            l'intervention ; un relais par héparine n'est habituellement pas nécessaire.
        """),
        heading("Favoriser l'observance"),
        para("""
            L'éducation du patient et de son entourage conditionne la sécurité du traitement. Le patient
            doit connaître le nom de son anticoagulant, la conduite à tenir en cas d'oubli, les signes
            hémorragiques qui imposent une consultation et la nécessité de signaler son traitement à tout
            professionnel de santé. La carte de porteur d'anticoagulant, un pilulier préparé chaque semaine
            et la revue régulière de l'ordonnance par le médecin et le pharmacien limitent les erreurs. Chez
            le patient présentant des troubles cognitifs, l'intervention d'une infirmière à domicile pour
            l'administration quotidienne doit être envisagée.
        """),
        references("Références", [
            "Chanel O, Rousseau M. Anticoagulants oraux directs après 80 ans : données de vie réelle. "
            "J Pharmacol Clin Appl. 2022;40:118-26. doi:10.5555/jpca.2022.0118",
            "Mansouri F, Berger L, Tissot E. Sous-dosage des anticoagulants oraux directs et risque "
            "d'accident vasculaire cérébral. Rev Geriatr Valmont. 2021;19(3):201-8. "
            "doi:10.5555/rgv.2021.0301",
            "Rousseau M, Picard N. Interactions médicamenteuses des anticoagulants oraux directs : "
            "revue pratique. J Pharmacol Clin Appl. 2023;41:45-53. doi:10.5555/jpca.2023.0045",
            "Collectif fictif de gériatrie. Anticoagulation et chutes chez le sujet âgé : avis "
            "d'experts. Valmont ; 2022.",
        ]),
    ],
}

# --- sante-publique-vaccination: repetitive calendar list, contact block -------------------------

SANTE_PUBLIQUE_VACCINATION = {
    "slug": "sante-publique-vaccination",
    "title": "Couverture vaccinale de l'adulte : constats et leviers en soins primaires",
    "authors": ["Laurent Giraud", "Camille Perret"],
    "affiliation": "Département de santé publique, Faculté de médecine de Valmont",
    "subject": "Vaccination de l'adulte en soins primaires",
    "header": {
        "left": "Cahiers de santé publique du Val-de-Loire — 2024 — n° 3",
        "right": "Giraud L., Perret C.",
        "footer": "dash",
    },
    "contact": lines(
        [
            "Auteur correspondant :",
            "Pr Laurent Giraud",
            "Département de santé publique",
            "Faculté de médecine de Valmont",
            "l.giraud@example.org",
        ],
        Plant(
            "passage_filter", "passage_too_short",
            "Five-line corresponding-author block (name, department, e-mail) of about fifteen words.",
        ),
    ),
    "blocks": [
        heading("Des couvertures insuffisantes chez l'adulte"),
        para("""
            Si les couvertures vaccinales de l'enfant ont nettement progressé depuis l'extension des
            obligations vaccinales, celles de l'adulte demeurent insuffisantes. Moins de la moitié des
            personnes âgées de 65 ans et plus sont vaccinées chaque année contre la grippe, loin de
            l'objectif de 75 % fixé par l'Organisation mondiale de la santé. Les rappels contre la
            diphtérie, le tétanos et la poliomyélite sont souvent oubliés passé l'âge de 25 ans, et la
            vaccination contre le pneumocoque reste marginale chez les patients atteints de maladies
            chroniques qui y sont pourtant éligibles. Ces retards exposent à des hospitalisations et à des
            décès évitables.
        """),
        figure(
            "Figure 1. Couverture vaccinale antigrippale des personnes âgées de 65 ans et plus, saisons "
            "2015-2016 à 2023-2024 (données illustratives)."
        ),
        heading("L'hésitation vaccinale"),
        para("""
            L'hésitation vaccinale désigne le retard ou le refus d'une vaccination malgré sa disponibilité.
            Elle recouvre des attitudes très diverses, allant du simple doute à l'opposition résolue. La
            crainte des effets indésirables, la méfiance envers les autorités sanitaires et l'industrie
            pharmaceutique, ainsi que la perception d'un faible risque face à des maladies devenues rares,
            en sont les principaux ressorts. Les réseaux sociaux amplifient la circulation d'informations
            inexactes, souvent plus visibles que les messages institutionnels. Les professionnels de santé
            eux-mêmes ne sont pas épargnés, ce qui pèse sur leur capacité à recommander les vaccins avec
            conviction.
        """),
        heading("Le rôle des soignants de premier recours"),
        para("""
            La recommandation d'un professionnel de santé demeure le facteur le plus déterminant de la
            décision vaccinale. L'entretien motivationnel, qui consiste à explorer les préoccupations du
            patient sans jugement, à reconnaître ses doutes et à apporter une information adaptée, se
            montre plus efficace que la simple transmission de faits. Vérifier le statut vaccinal à chaque
            occasion, notamment lors des consultations de renouvellement d'ordonnance, permet de repérer les
            rattrapages nécessaires. L'extension des compétences vaccinales aux pharmaciens, aux infirmiers
            et aux sages-femmes a multiplié les points d'accès et simplifié le parcours des patients.
        """),
        heading("Rappels et vaccinations de l'adulte"),
        lines(
            [
                "Rappel diphtérie, tétanos, poliomyélite et coqueluche à 25 ans.",
                "Rappel diphtérie, tétanos et poliomyélite à 45 ans.",
                "Rappel diphtérie, tétanos et poliomyélite à 65 ans.",
                "Rappel diphtérie, tétanos et poliomyélite à 75 ans.",
                "Rappel diphtérie, tétanos et poliomyélite à 85 ans.",
                "Rappel diphtérie, tétanos et poliomyélite à 95 ans.",
                "Vaccination contre la grippe chaque année à partir de 65 ans.",
                "Vaccination contre le Covid-19 chaque année à partir de 65 ans.",
                "Vaccination contre le zona à partir de 65 ans.",
                "Vaccination contre le pneumocoque à partir de 65 ans.",
            ],
            Plant(
                "gopher_rep", None,
                "List of adult boosters where the same phrases ('Rappel diphtérie, tétanos et "
                "poliomyélite à … ans', 'à partir de 65 ans') repeat line after line.",
            ),
        ),
        heading("Outils et organisation"),
        para("""
            Le carnet de vaccination électronique, intégré au dossier médical partagé, facilite le suivi des
            vaccinations et l'envoi de rappels. Les campagnes d'« aller vers », qui proposent la
            vaccination sur les lieux de vie, dans les établissements pour personnes âgées ou lors
            d'événements de quartier, touchent des populations éloignées du système de soins. Les maisons de
            santé pluriprofessionnelles peuvent organiser des séances dédiées au moment de l'épidémie de
            grippe et coordonner les relances entre médecins, infirmiers et pharmaciens. Les données de
            couverture produites localement permettent enfin de cibler les efforts sur les groupes les moins
            bien protégés.
        """),
        para("""
            Améliorer la couverture vaccinale de l'adulte suppose d'agir simultanément sur l'information du
            public, sur la formation des professionnels et sur l'organisation des soins. La vaccination ne
            doit plus être considérée comme un acte ponctuel, mais comme une composante à part entière du
            suivi de chaque patient, régulièrement réévaluée au fil des âges de la vie et de l'apparition
            de maladies chroniques. Les outils numériques et la coopération entre professionnels rendent
            cet objectif accessible dans la plupart des territoires.
        """),
        references("Bibliographie", [
            "Perret C, Giraud L. Hésitation vaccinale chez les soignants : enquête régionale. "
            "Cah Sante Publ Val Loire. 2023;2:33-41. doi:10.5555/cspvl.2023.0233",
            "Hamon B, Lefèvre J, Giraud L. Vaccination antigrippale des plus de 65 ans : dix saisons de "
            "données. Rev Sante Publ Valmont. 2022;7(4):210-8. doi:10.5555/rspv.2022.0410",
            "Roy E, Dumas F. Entretien motivationnel et vaccination : revue systématique. "
            "Cah Sante Publ. 2021;14(3):150-9. doi:10.5555/csp.2021.0315",
            "Comité technique fictif des vaccinations. Calendrier vaccinal de l'adulte. Valmont ; 2024.",
        ]),
    ],
}

# --- neuro-avc: hyphenation, no reference list ----------------------------------------------------

NEURO_AVC = {
    "slug": "neuro-avc",
    "hyphenate": True,
    "title": "Accident vasculaire cérébral ischémique : chaque minute compte",
    "authors": ["Hugo Lemaire", "Sarah Kessler", "Benoît Tanguy"],
    "affiliation": "Unité neurovasculaire, Centre hospitalier de Valmont-sur-Loire",
    "subject": "Prise en charge de l'accident vasculaire cérébral ischémique",
    "header": {
        "left": "Neurologie et urgences — vol. 22 — 2024",
        "right": "Lemaire H. et al.",
        "footer": "dash",
    },
    "blocks": [
        heading("Reconnaître l'urgence"),
        para("""
            L'accident vasculaire cérébral est la première cause de handicap acquis de l'adulte et l'une
            des premières causes de mortalité en France. Dans huit cas sur dix, il est de nature
            ischémique, lié à l'occlusion d'une artère cérébrale par un thrombus ou un embole. Le
            pronostic dépend directement de la rapidité de la reperfusion : chaque minute d'ischémie
            entraîne la destruction de près de deux millions de neurones. La reconnaissance des
            symptômes par le public est donc essentielle. Une déformation de la bouche, une faiblesse
            d'un bras ou d'une jambe et un trouble de la parole, d'apparition brutale, doivent conduire à
            appeler immédiatement le 15, sans attendre une éventuelle régression.
        """),
        heading("Imagerie et thrombolyse"),
        para("""
            À l'arrivée, l'imagerie cérébrale, de préférence par résonance magnétique, permet d'éliminer
            une hémorragie, de confirmer l'ischémie et de rechercher une occlusion artérielle proximale.
            La thrombolyse intraveineuse peut être administrée jusqu'à quatre heures et demie après le
            début des symptômes, en l'absence de contre-indication. Au-delà, ou lorsque l'heure de début
            est inconnue, notamment pour les accidents constatés au réveil, l'imagerie de perfusion ou la
            discordance entre les séquences de diffusion et FLAIR peut permettre de sélectionner les
            patients susceptibles d'en bénéficier. Le délai entre l'arrivée et le début du traitement doit
            être aussi court que possible, idéalement inférieur à une heure.
        """),
        figure(
            "Figure 1. Délai médian entre l'arrivée aux urgences et le début de la thrombolyse, en "
            "minutes, avant et après la réorganisation de la filière neurovasculaire (données "
            "illustratives)."
        ),
        heading("La thrombectomie mécanique"),
        para("""
            En cas d'occlusion d'une grosse artère intracrânienne, la thrombectomie mécanique, réalisée par
            voie endovasculaire, améliore considérablement le pronostic fonctionnel. Elle est indiquée
            jusqu'à six heures après le début des symptômes et peut être proposée jusqu'à vingt-quatre
            heures chez certains patients sélectionnés par l'imagerie. Cette technique n'est disponible que
            dans les centres de neuroradiologie interventionnelle, ce qui impose une organisation régionale
            rigoureuse : thrombolyse dans l'établissement le plus proche lorsqu'elle est indiquée, puis
            transfert rapide vers le centre de référence. La télémédecine permet aux hôpitaux dépourvus de
            neurologue de garde de bénéficier d'une expertise à distance.
        """),
        heading("L'unité neurovasculaire"),
        para("""
            L'hospitalisation en unité neurovasculaire réduit la mortalité et la dépendance,
            indépendamment des traitements de reperfusion. Ces unités assurent une surveillance
            rapprochée de la pression artérielle, de la glycémie, de la température et de la déglutition,
            ainsi qu'une mobilisation précoce. Le bilan étiologique y est conduit sans délai : échographie
            des troncs supra-aortiques ou angiographie, enregistrement prolongé du rythme cardiaque à la
            recherche d'une fibrillation atriale, échocardiographie. La rééducation débute dès les
            premiers jours, avec l'intervention coordonnée des kinésithérapeutes, des orthophonistes et
            des ergothérapeutes.
        """),
        heading("Prévenir la récidive"),
        para("""
            Le risque de récidive est élevé au cours des premières semaines. La prévention secondaire
            repose sur un antiagrégant plaquettaire ou, en cas de fibrillation atriale, sur une
            anticoagulation orale, sur le contrôle strict de la pression artérielle et sur une statine à
            forte dose pour la plupart des patients. Une sténose carotidienne symptomatique serrée relève
            d'une revascularisation chirurgicale rapide. L'arrêt du tabac, l'activité physique adaptée et
            la prise en charge du diabète complètent ce dispositif. Un suivi neurologique à trois mois
            permet d'évaluer la récupération, l'observance et les éventuelles complications, comme la
            dépression ou la spasticité.
        """),
        lines(
            [
                "Reçu le 2 février 2024 ; accepté le 19 avril 2024",
                "Conflits d'intérêts : aucun",
                "© 2024 Les auteurs. Publié par la Société des neurosciences cliniques de l'Est",
                "Tous droits réservés",
            ],
            Plant(
                "passage_filter", "passage_too_short",
                "Four-line legal block (received/accepted dates, conflicts of interest: none, © notice, "
                "all rights reserved) of about thirty words.",
            ),
        ),
    ],
}

# --- pneumo-bpco: ligatures ----------------------------------------------------------------------

PNEUMO_BPCO = {
    "slug": "pneumo-bpco",
    "title": "Réhabilitation respiratoire dans la BPCO : un traitement à part entière",
    "authors": ["Nathalie Berthier", "Yann Le Goff"],
    "affiliation": "Service de pneumologie et centre de réhabilitation, Hôpital du Parc, Valmont",
    "subject": "Réhabilitation respiratoire et bronchopneumopathie chronique obstructive",
    "ligatures": True,
    "header": {
        "left": "Revue des maladies respiratoires de l'Ouest · 2024 · 15 (1)",
        "right": "Berthier N., Le Goff Y.",
        "footer": "page_of",
    },
    "blocks": [
        heading("Résumé"),
        para("""
            La bronchopneumopathie chronique obstructive est une maladie fréquente, sous-diagnostiquée, dont
            la dyspnée d'effort constitue le symptôme le plus invalidant. La réhabilitation respiratoire,
            qui associe réentraînement à l'effort, éducation thérapeutique et accompagnement psychosocial,
            améliore la tolérance à l'effort et la qualité de vie. Son accès reste pourtant limité. Cet
            article en rappelle les indications, le contenu et les modalités d'organisation, y compris au
            domicile, et discute les moyens d'en faire bénéficier un plus grand nombre de patients.
        """),
        heading("Le cercle vicieux du déconditionnement"),
        para("""
            La bronchopneumopathie chronique obstructive se caractérise par une obstruction bronchique
            persistante et progressive, le plus souvent liée au tabagisme. La dyspnée, d'abord ressentie
            lors des efforts importants, conduit le patient à réduire spontanément son activité physique.
            Cette inactivité entraîne une dysfonction des muscles squelettiques, en particulier des membres
            inférieurs, qui aggrave à son tour l'essoufflement pour des efforts de plus en plus modestes.
            Ce cercle vicieux du déconditionnement s'accompagne fréquemment d'un isolement social, d'une
            anxiété et de symptômes dépressifs. Rompre ce cercle est précisément l'objectif de la
            réhabilitation respiratoire.
        """),
        heading("Les composantes du programme"),
        para("""
            Un programme de réhabilitation respiratoire dure habituellement de six à douze semaines, à
            raison de trois séances hebdomadaires. Le réentraînement à l'effort en constitue le cœur :
            exercices d'endurance sur cycloergomètre ou tapis de marche, à une intensité fixée à partir
            d'une épreuve d'effort initiale, complétés par un renforcement des muscles des membres.
            L'éducation thérapeutique aborde la maladie, les traitements inhalés et leur technique
            d'utilisation, la gestion de l'essoufflement et la reconnaissance précoce des exacerbations.
            Le programme comprend aussi une aide au sevrage tabagique, une évaluation nutritionnelle et, si
            nécessaire, un soutien psychologique.
        """),
        figure(
            "Figure 1. Distance parcourue au test de marche de six minutes avant et après un programme de "
            "huit semaines, chez 86 patients atteints de BPCO (données illustratives)."
        ),
        heading("Des bénéfices démontrés"),
        para("""
            Les bénéfices de la réhabilitation respiratoire figurent parmi les mieux établis de la prise en
            charge de la BPCO. Elle réduit la dyspnée, augmente la distance parcourue au test de marche de
            six minutes et améliore significativement la qualité de vie, avec des effets supérieurs à ceux
            de la plupart des traitements médicamenteux. Réalisée dans les semaines qui suivent une
            exacerbation ayant conduit à une hospitalisation, elle diminue le risque de réadmission. Ces
            effets s'atténuent toutefois avec le temps si le patient ne maintient pas une activité physique
            régulière, d'où l'importance d'un relais à long terme, par exemple au sein d'associations de
            patients ou de structures de sport adapté.
        """),
        heading("Améliorer l'accès"),
        para("""
            Moins d'un patient éligible sur dix bénéficie d'un programme de réhabilitation respiratoire. Le
            nombre de places en centre spécialisé est insuffisant, leur répartition territoriale inégale et
            les déplacements répétés difficiles pour des patients essoufflés. Les programmes réalisés au
            domicile, encadrés par des kinésithérapeutes ou des enseignants en activité physique adaptée,
            offrent une alternative dont l'efficacité paraît comparable pour les patients stables. La
            télé-réhabilitation, associant séances supervisées à distance et objets connectés, fait l'objet
            d'évaluations encourageantes. Le médecin généraliste et le pneumologue doivent proposer la
            réhabilitation dès que la dyspnée limite les activités quotidiennes.
        """),
        para("""
            La réhabilitation respiratoire est un traitement à part entière de la BPCO, au même titre que
            les bronchodilatateurs. Sa prescription devrait être aussi naturelle que celle d'un traitement
            inhalé, en particulier après une exacerbation sévère. Développer l'offre de proximité et
            soutenir le maintien de l'activité physique à long terme sont les deux grands défis des années
            à venir, qui supposent une collaboration étroite entre soignants, patients et associations.
        """),
        references("Références", [
            "Le Goff Y, Prigent M. Réhabilitation respiratoire après exacerbation de BPCO : étude de "
            "cohorte. Rev Mal Respir Ouest. 2022;13(2):88-95. doi:10.5555/rmro.2022.0208",
            "Berthier N, Caron S, Lemoine T. Réhabilitation à domicile versus en centre : essai "
            "contrôlé. Rev Mal Respir Ouest. 2023;14(4):240-9. doi:10.5555/rmro.2023.0410",
            "Fabre J, Berthier N. Accès à la réhabilitation respiratoire en région : état des lieux. "
            "Cah Sante Publ. 2022;15(2):70-7. doi:10.5555/csp.2022.0207",
        ]),
    ],
}

# --- nephro-mrc: a mojibake paragraph ------------------------------------------------------------

NEPHRO_MRC = {
    "slug": "nephro-mrc",
    "title": "Maladie rénale chronique : dépister tôt pour ralentir la progression",
    "authors": ["Agnès Cariou", "Romain Villeneuve"],
    "affiliation": "Service de néphrologie et dialyse, CHU de Valmont",
    "subject": "Dépistage et néphroprotection dans la maladie rénale chronique",
    "header": {
        "left": "Néphrologie au quotidien · 2024 ; 6 (2) : 95-101",
        "right": "Cariou A., Villeneuve R.",
        "footer": "page_of",
    },
    "blocks": [
        heading("Résumé"),
        para("""
            La maladie rénale chronique concerne environ un adulte sur dix, le plus souvent sans symptôme
            jusqu'à un stade avancé. Son dépistage repose sur deux examens simples, l'estimation du débit
            de filtration glomérulaire et la mesure du rapport albuminurie sur créatininurie. Nous
            rappelons les populations à dépister, les principes de la néphroprotection et les situations
            qui justifient un avis néphrologique, en insistant sur le rôle central du médecin généraliste
            dans ce parcours.
        """),
        heading("Une maladie silencieuse"),
        para("""
            La maladie rénale chronique est définie par une diminution du débit de filtration glomérulaire
            en dessous de 60 mL/min/1,73 m², ou par la présence d'un marqueur d'atteinte rénale, comme une
            albuminurie, persistant plus de trois mois. Elle évolue longtemps sans symptôme, et les signes
            cliniques, fatigue, œdèmes ou troubles digestifs, n'apparaissent qu'à un stade avancé. Le
            diabète et l'hypertension artérielle en sont les deux principales causes, loin devant les
            glomérulopathies, les maladies héréditaires et les néphropathies interstitielles. Outre le
            risque d'évolution vers l'insuffisance rénale terminale, la maladie multiplie le risque
            d'événements cardiovasculaires, première cause de décès de ces patients.
        """),
        heading("Qui dépister ?"),
        para(
            """
            Le dépistage est recommandé chez les personnes à risque : patients diabétiques ou hypertendus,
            personnes âgées de plus de 60 ans, patients obèses, porteurs d'une maladie cardiovasculaire ou
            ayant des antécédents familiaux de maladie rénale. Il repose sur le dosage de la créatinine
            sanguine, avec estimation du débit de filtration glomérulaire par l'équation CKD-EPI, et sur la
            mesure du rapport albuminurie sur créatininurie sur un échantillon d'urine. Ces deux examens
            doivent être répétés au moins une fois par an chez les patients concernés. Une anomalie isolée
            doit être confirmée à distance, car une déshydratation ou une infection peuvent fausser
            transitoirement les résultats.
            """,
            mojibake=True,
        ),
        figure(
            "Figure 1. Répartition des patients dépistés selon le stade de la maladie rénale chronique, "
            "chez des patients diabétiques suivis en médecine générale (données illustratives)."
        ),
        heading("Ralentir la progression"),
        para("""
            La néphroprotection repose sur le contrôle de la pression artérielle, avec un objectif inférieur
            à 130/80 mmHg en présence d'une albuminurie, et sur le blocage du système rénine-angiotensine par
            un inhibiteur de l'enzyme de conversion ou un antagoniste des récepteurs de l'angiotensine II.
            Les inhibiteurs du SGLT2 ont démontré un effet protecteur important, chez les patients
            diabétiques comme non diabétiques. L'équilibre du diabète, l'arrêt du tabac, la réduction des
            apports en sel et la prévention de la néphrotoxicité, en évitant notamment les
            anti-inflammatoires non stéroïdiens et en adaptant la posologie des médicaments à élimination
            rénale, complètent cette stratégie.
        """),
        heading("Quand adresser au néphrologue ?"),
        para("""
            Un avis néphrologique est recommandé lorsque le débit de filtration glomérulaire est inférieur
            à 30 mL/min/1,73 m², en cas de déclin rapide de la fonction rénale, d'albuminurie importante ou
            d'hématurie associée, ou lorsque l'hypertension reste mal contrôlée malgré une trithérapie. Aux
            stades avancés, le néphrologue prend en charge les complications, anémie, troubles
            phosphocalciques et acidose métabolique, et prépare le patient au traitement de suppléance.
            L'information sur les différentes options, hémodialyse, dialyse péritonéale, transplantation ou
            traitement conservateur, doit être délivrée suffisamment tôt pour permettre un choix éclairé.
        """),
        para("""
            Dépister précocement la maladie rénale chronique chez les patients à risque est simple et peu
            coûteux. Les traitements néphroprotecteurs disponibles permettent aujourd'hui de ralentir
            nettement la progression vers l'insuffisance rénale terminale, à condition d'être instaurés tôt.
            Une coordination étroite entre médecin généraliste, néphrologue et pharmacien est indispensable
            pour garantir la continuité de ce suivi au long cours et l'adaptation des traitements.
        """),
        references("Références", [
            "Villeneuve R, Cariou A. Dépistage de la maladie rénale chronique chez le patient diabétique "
            "en médecine générale. Nephrol Quotid. 2023;5(1):12-9. doi:10.5555/nq.2023.0112",
            "Lopez M, Guérin F, Cariou A. Inhibiteurs du SGLT2 et néphroprotection : au-delà du diabète. "
            "Nephrol Quotid. 2023;5(4):201-8. doi:10.5555/nq.2023.0420",
            "Schmitt A, Noël P. Information prédialyse et choix de la technique de suppléance. "
            "Rev Nephrol Valmont. 2021;9(2):77-84. doi:10.5555/rnv.2021.0207",
        ]),
    ],
}

ARTICLES = [
    CARDIO_HTA,
    CARDIO_HTA_SYNTHESE,
    INFECTIO_ANTIBIO,
    DIABETO_T2,
    ONCO_COLORECTAL,
    PEDIATRIE_BRONCHIOLITE,
    PHARMACO_AOD,
    SANTE_PUBLIQUE_VACCINATION,
    NEURO_AVC,
    PNEUMO_BPCO,
    NEPHRO_MRC,
]
"""The born-digital articles, written to ``corpus/pdf/<slug>.pdf``."""

CORRUPT_SOURCE = "neuro-avc"
"""The article whose re-saved copy is truncated into ``pdf/corrupt-truncated.pdf``."""

# --- scanned documents (image-only PDFs) ---------------------------------------------------------
#
# Each scan lists its pages; a page is a list of blocks (``heading`` = document title, ``para``),
# with an optional running header and page label printed on the page itself. The builder renders
# each page to a noisy grayscale image; the PDF holds only that image.

SCANS = [
    {
        "slug": "scan-cardio-insuffisance",
        "title": "Insuffisance cardiaque : l'éducation du patient au cœur du suivi",
        "authors": ["Réseau Cardio-Valmont"],
        "seed": 1101,
        "angle": 0.45,
        "header": "Bulletin du réseau Cardio-Valmont — n° 12 — mars 2023",
        "page_label": "Page {n} / {count}",
        "plants": [
            Plant(
                "heuristic_extract", "running_header_removed",
                "Both scanned pages carry the bulletin's running header 'Bulletin du réseau Cardio-Valmont "
                "— n° 12 — mars 2023' above the text.",
            ),
            Plant(
                "heuristic_extract", "page_number_removed",
                "Both scanned pages carry a printed page number ('Page 1 / 2', 'Page 2 / 2') at the bottom.",
            ),
        ],
        "pages": [
            [
                heading("Insuffisance cardiaque : l'éducation du patient au cœur du suivi"),
                para("""
                    L'insuffisance cardiaque touche plus d'un million de personnes en France et représente
                    l'une des premières causes d'hospitalisation après 65 ans. Chaque hospitalisation pour
                    décompensation aggrave le pronostic et altère durablement la qualité de vie. Une grande
                    partie de ces épisodes pourrait être évitée par une meilleure connaissance de la maladie
                    par les patients et leur entourage.
                """),
                para("""
                    Le premier message concerne la surveillance du poids. Le patient doit se peser chaque
                    matin, à jeun, après avoir uriné, sur la même balance. Une prise de poids de deux
                    kilogrammes en trois jours traduit le plus souvent une rétention hydrosodée et doit
                    conduire à contacter rapidement le médecin traitant ou l'infirmière du réseau.
                    L'apparition d'un essoufflement inhabituel, d'œdèmes des chevilles ou d'une toux nocturne
                    constitue également un signal d'alerte.
                """),
                para("""
                    Le deuxième message porte sur l'alimentation. Une consommation modérée de sel, de l'ordre
                    de six grammes par jour, est recommandée. Les régimes trop stricts sont à éviter, car ils
                    favorisent la dénutrition chez les patients âgés. Les apports en liquides n'ont pas à
                    être limités de façon systématique, sauf en cas d'hyponatrémie ou d'insuffisance
                    cardiaque sévère.
                """),
            ],
            [
                para("""
                    Le troisième message concerne les médicaments. Les inhibiteurs du système
                    rénine-angiotensine, les bêtabloquants, les antagonistes des récepteurs des
                    minéralocorticoïdes et les inhibiteurs du SGLT2 améliorent la survie des patients dont la
                    fraction d'éjection est altérée. Ils doivent être pris régulièrement, même en l'absence
                    de symptômes, et leur posologie est augmentée progressivement jusqu'à la dose cible. Les
                    diurétiques de l'anse, en revanche, soulagent les symptômes congestifs et leur dose peut
                    être adaptée selon le poids.
                """),
                para("""
                    Enfin, l'activité physique adaptée est vivement encouragée. La marche quotidienne, à un
                    rythme permettant de parler sans essoufflement excessif, améliore la capacité d'effort et
                    la qualité de vie. Un programme de réadaptation cardiaque est proposé après chaque
                    hospitalisation, dans un centre spécialisé ou en ambulatoire.
                """),
                para("""
                    Les infirmières du réseau assurent un suivi téléphonique pendant les trois mois qui
                    suivent la sortie. Elles vérifient la compréhension des consignes, recueillent le poids
                    et les symptômes, et transmettent au médecin traitant toute anomalie qui justifie une
                    adaptation du traitement ou une consultation rapide.
                """),
            ],
        ],
    },
    {
        "slug": "scan-infectio-tuberculose",
        "title": "Tuberculose pulmonaire : savoir y penser",
        "authors": ["Comité de lutte antituberculeuse de Valmont"],
        "seed": 1202,
        "angle": -0.6,
        "pages": [
            [
                heading("Tuberculose pulmonaire : savoir y penser"),
                para("""
                    La tuberculose reste une maladie d'actualité. En France, environ cinq mille cas sont
                    déclarés chaque année, principalement chez des personnes nées dans des pays de forte
                    endémie, des personnes sans domicile ou en situation de précarité, et des patients
                    immunodéprimés. Le diagnostic est souvent retardé, car les symptômes sont progressifs et
                    peu spécifiques.
                """),
                para("""
                    Il faut évoquer une tuberculose devant une toux persistant plus de trois semaines, surtout
                    si elle s'accompagne de fièvre vespérale, de sueurs nocturnes, d'un amaigrissement ou
                    d'hémoptysies. La radiographie thoracique montre typiquement des infiltrats ou des
                    cavernes des sommets. Le diagnostic repose sur la recherche de bacilles dans les
                    expectorations, par examen direct, culture et amplification génique, qui permet aussi de
                    détecter une résistance à la rifampicine.
                """),
                para("""
                    Le traitement standard associe quatre antibiotiques pendant deux mois, isoniazide,
                    rifampicine, pyrazinamide et éthambutol, puis deux antibiotiques pendant quatre mois.
                    L'observance est essentielle pour guérir le patient et éviter l'émergence de résistances.
                    Tout cas doit être déclaré à l'agence régionale de santé, qui organise le dépistage des
                    personnes ayant été en contact étroit avec le malade.
                """),
            ],
        ],
    },
    {
        "slug": "scan-diabeto-pied",
        "title": "Le pied du patient diabétique : prévenir plutôt que soigner",
        "authors": ["Équipe de podologie du CHU de Valmont"],
        "seed": 1303,
        "angle": 0.3,
        "pages": [
            [
                heading("Le pied du patient diabétique : prévenir plutôt que soigner"),
                para(
                    """
                    Les plaies du pied représentent une complication grave du d1abète. Elles sont la
                    première cause d'amputation non traumatique et motivent de nombreuses hospitalisations.
                    Leur apparition résulte le plus souvent de l'association d'une neuropathie, qui supprime
                    la sensation de douleur, et d'une artériopathie, qui retarde la cicatrisation.
                    """,
                    Plant(
                        "llm_extract", None,
                        "Digit-for-letter errors printed on the scanned page itself: 'd1abète', '1e patient', "
                        "'infect1on', 'h0pital', 'p1ed' (for diabète, le patient, infection, hôpital, pied); "
                        "OCR returns most of them as printed or garbled further, and may silently fix a few.",
                    ),
                ),
                para("""
                    Lorsque 1e patient ne ressent plus la douleur, une chaussure trop serrée, un corps
                    étranger ou une brûlure passent inaperçus. Une simple ampoule peut alors évoluer vers une
                    plaie profonde, puis vers une infect1on de l'os. Chez les patients à risque, une prise en
                    charge en urgence à l'h0pital est nécessaire dès qu'une plaie s'accompagne de fièvre ou
                    d'une rougeur étendue.
                """),
                para("""
                    L'examen des pieds doit être réalisé au moins une fois par an chez tout patient
                    diabétique. Il comprend l'inspection, la recherche de déformations, la palpation des
                    pouls et le test au monofilament, qui explore la sensibilité de la plante du p1ed. Ce
                    bilan permet de classer le patient selon son niveau de risque et d'adapter la fréquence
                    du suivi par le pédicure-podologue.
                """),
            ],
            [
                para("""
                    Les conseils d'hygiène sont simples mais doivent être répétés. Le patient inspecte ses
                    pieds chaque jour, si besoin à l'aide d'un miroir, les lave à l'eau tiède et les sèche
                    soigneusement, en particulier entre les orteils. Il évite de marcher pieds nus, vérifie
                    l'intérieur de ses chaussures avant de les enfiler et ne coupe pas ses ongles trop
                    court. Les callosités doivent être traitées par un professionnel, jamais à l'aide
                    d'instruments tranchants ou de produits coricides.
                """),
                para("""
                    Toute plaie, même minime, justifie une consultation rapide. La prise en charge repose
                    sur la mise en décharge du pied, le traitement de l'infection et, si nécessaire, la
                    revascularisation. Elle est idéalement assurée par une équipe pluridisciplinaire
                    associant diabétologue, infirmier, podologue, chirurgien vasculaire et orthopédiste. Un
                    chaussage adapté, éventuellement complété par des orthèses plantaires, réduit nettement
                    le risque de récidive après la cicatrisation.
                """),
            ],
        ],
    },
    {
        "slug": "scan-pediatrie-fievre",
        "title": "Fièvre du nourrisson de moins de trois mois",
        "authors": ["Urgences pédiatriques de Valmont"],
        "seed": 1404,
        "angle": -0.35,
        "pages": [
            [
                heading("Fièvre du nourrisson de moins de trois mois"),
                para("""
                    Chez le nourrisson de moins de trois mois, la fièvre, définie par une température
                    rectale supérieure ou égale à 38 °C, doit toujours être prise au sérieux. À cet âge, le
                    système immunitaire est encore immature et les signes cliniques d'une infection
                    bactérienne grave sont souvent discrets. Une méningite, une pyélonéphrite ou une
                    bactériémie peuvent se manifester uniquement par de la fièvre.
                """),
                para("""
                    Tout nourrisson fébrile de moins d'un mois doit être adressé aux urgences pédiatriques,
                    où un bilan comprenant un examen des urines, une numération formule sanguine, un dosage
                    de la procalcitonine et des hémocultures sera réalisé, souvent complété par une
                    ponction lombaire. Entre un et trois mois, la conduite à tenir dépend de l'état général,
                    des résultats biologiques et du contexte.
                """),
                para("""
                    Certains signes doivent alerter immédiatement : teint gris ou marbré, hypotonie, cri
                    plaintif, refus de boire, troubles de la conscience ou éruption purpurique. Leur
                    présence impose une prise en charge sans délai. Les parents doivent connaître ces signes
                    et savoir qu'une fièvre chez un nourrisson de cet âge justifie toujours un avis médical
                    le jour même.
                """),
            ],
        ],
    },
    {
        "slug": "scan-geriatrie-chutes",
        "title": "Prévenir les chutes de la personne âgée à domicile",
        "authors": ["Équipe mobile de gériatrie de Valmont"],
        "seed": 1505,
        "angle": 0.7,
        "pages": [
            [
                heading("Prévenir les chutes de la personne âgée à domicile"),
                para("""
                    Chaque année, environ un tiers des personnes de plus de 65 ans vivant à domicile font au
                    moins une chute. Les conséquences peuvent être graves : fractures, en particulier du col
                    du fémur, traumatismes crâniens, mais aussi perte de confiance et restriction des
                    activités, qui accélèrent la perte d'autonomie. Rester au sol plus d'une heure après une
                    chute est un facteur de mauvais pronostic.
                """),
                para("""
                    L'évaluation du risque de chute repose sur l'interrogatoire, la recherche de chutes
                    antérieures et des tests simples, comme le test de lever de chaise ou la mesure de la
                    vitesse de marche. Il faut rechercher une hypotension orthostatique, des troubles
                    visuels et une dénutrition, et revoir systématiquement l'ordonnance, car les
                    psychotropes, les antihypertenseurs et la polymédication augmentent le risque.
                """),
                para("""
                    Les interventions efficaces sont multifactorielles. Les exercices d'équilibre et de
                    renforcement musculaire, pratiqués régulièrement, réduisent le nombre de chutes.
                    L'aménagement du logement, avec un éclairage suffisant, des barres d'appui et la
                    suppression des tapis, complète cette prévention. La téléassistance permet enfin
                    d'alerter rapidement les secours en cas de chute.
                """),
            ],
        ],
    },
    {
        "slug": "scan-onco-douleur",
        "title": "Douleur du patient atteint de cancer : principes du traitement",
        "authors": ["Équipe de soins de support de Valmont"],
        "seed": 1606,
        "angle": -0.5,
        "pages": [
            [
                heading("Douleur du patient atteint de cancer : principes du traitement"),
                para("""
                    La douleur concerne plus de la moitié des patients atteints de cancer et jusqu'aux trois
                    quarts aux stades avancés. Elle reste encore insuffisamment évaluée et traitée. Son
                    évaluation régulière, à l'aide d'une échelle numérique ou visuelle analogique, est
                    indispensable pour adapter le traitement et mesurer son efficacité.
                """),
                para("""
                    Le traitement suit une logique progressive, en fonction de l'intensité de la douleur.
                    Les antalgiques non opioïdes, comme le paracétamol, suffisent pour les douleurs faibles.
                    Les douleurs modérées à intenses relèvent des opioïdes forts, au premier rang desquels
                    la morphine. La dose est adaptée individuellement, sans dose maximale, en associant un
                    traitement de fond à libération prolongée et des interdoses à libération immédiate pour
                    les accès douloureux.
                """),
                para("""
                    Les effets indésirables doivent être anticipés. La constipation, quasi constante, impose
                    la prescription systématique d'un laxatif. Les nausées et la somnolence sont souvent
                    transitoires. Les douleurs neuropathiques nécessitent des traitements spécifiques, et
                    certaines douleurs osseuses bénéficient d'une radiothérapie antalgique. Le recours à une
                    équipe de soins palliatifs doit être envisagé précocement.
                """),
            ],
        ],
    },
]
"""The scanned documents, written to ``corpus/scans/<slug>.pdf`` (8 pages in all)."""
