"""The roles spreadsheet template: one row per role, so an organisation with a spreadsheet can
validate its roles without knowing RDF. ``COLUMNS`` describes every column once; the Table
Schema, the ``.xlsx`` template and ``data/templates/README.md`` are made from it
(``peersupport.validation.template``), and ``peersupport.validation.sheet`` reads the rows.

Column names are matched whatever their case and accents, in English (``can_decline``) or French
(``peut_refuser``, from ``FRENCH_HEADERS``, or the property's French label, ``peut être refusé``). Controlled columns take a value's name
(``ReferredFreeToDecline``), its English or its French label, whatever the case and accents; list
columns separate values with ``;``; yes/no columns take yes, no, true, false, oui, non, vrai or
faux. An empty cell states nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from peersupport.vocabulary.graph import ORG, PS, load_ontology

YES = ("yes", "y", "true", "oui", "o", "vrai")
NO = ("no", "n", "false", "non", "faux")


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    kind: str  # "id", "text", "yes/no", "one", "many", "parent", "share"
    predicate: URIRef | None = None
    values: URIRef | None = None  # the concept scheme (or class) whose members are allowed
    subject: str = "role"  # "role" or "organisation"


COLUMNS = (
    Column("organisation_id", "short identifier of the organisation (letters, digits, - _ .)", "id", subject="organisation"),
    Column("organisation_name", "the organisation's name", "text", RDFS.label, subject="organisation"),
    Column("organisation_kind", "user-led organisation, voluntary-sector organisation, statutory service, community-led organisation or self-organised group", "one", RDF.type, PS.OrganisationKinds, subject="organisation"),
    Column("peer_board_share", "share of the board or committee with lived experience: 0 to 1, or a percentage", "share", PS.peerBoardShare, subject="organisation"),
    Column("part_of", "organisation_id of the organisation this one is based within", "parent", ORG.subOrganizationOf, subject="organisation"),
    Column("funding_sources", "kinds of funding source of the organisation", "many", PS.fundingSource, PS.FundingScheme, subject="organisation"),
    Column("role_id", "short identifier of the role (letters, digits, - _ .)", "id"),
    Column("role_title", "the role's title as it appears in job descriptions", "text", RDFS.label),
    Column("role_kind", "kind of role", "one", ORG.role, PS.RoleKindScheme),
    Column("declared_practice", "the practice the organisation says the role offers", "one", PS.declaredPractice, PS.PracticeScheme),
    Column("remuneration", "paid, volunteer (unpaid) or mutual member", "one", PS.remunerationBasis, PS.RemunerationScheme),
    Column("role_holder_receives_support", "is the role-holder also an intended recipient of support (two-way help)?", "yes/no", PS.roleHolderReceivesSupport),
    Column("shared_decision_making", "are decisions about the support shared with the people supported?", "yes/no", PS.sharedDecisionMaking),
    Column("mutual_agreement", "do the peers agree between them what is helpful?", "yes/no", PS.mutualAgreement),
    Column("collaborative_learning", "do the peers learn together from each other?", "yes/no", PS.collaborativeLearning),
    Column("rotates_among_members", "do members take the role in turn?", "yes/no", PS.rotatesAmongMembers),
    Column("relationship_focused", "is the support focused on the relationship between the peers (trauma-informed)?", "yes/no", PS.relationshipFocused),
    Column("participation_mode", "how people come to the support: freely chosen, referred, free to decline, assigned, mandated", "one", PS.participationMode, PS.ParticipationModeScheme),
    Column("can_decline", "can people turn the support down?", "yes/no", PS.canDecline),
    Column("consent_asked", "are people asked for consent before they see the role-holder?", "yes/no", PS.consentAsked),
    Column("imposed_by", "what makes people take part without being free to refuse: treatment order, court order, tenancy condition, employment or benefit condition", "many", PS.imposedBy, PS.ImposingAuthorityScheme),
    Column("imposed_at", "the point of care at which taking part is required: at admission, during detention, at discharge, in community care", "many", PS.imposedAt, PS.CarePathwayPointScheme),
    Column("lived_experience_required", "must the role-holder have lived experience of mental distress?", "yes/no", PS.livedExperienceRequired),
    Column("non_clinical", "is the support non-clinical (no one takes part in a clinical capacity)?", "yes/no", PS.nonClinical),
    Column("guides_others_learning", "does the role-holder guide the learning of the people supported, as a mentor or coach does?", "yes/no", PS.guidesOthersLearning),
    Column("decision_authority", "the role's decision-making authority: none, limited or full", "one", PS.decisionAuthority, PS.DecisionAuthorityScheme),
    Column("pay_band", "the post's pay band (NHS Agenda for Change band 2 to 7)", "one", PS.payBand, PS.PayBandScheme),
    Column("duties", "duties: control and restraint; risk assessment; moderation; rule enforcement", "many", PS.hasDuty, PS.DutyScheme),
    Column("peer_supervision", "does the role-holder have peer supervision or support from other peer supporters?", "yes/no", PS.peerSupervision),
    Column("settings", "where the support takes place", "many", PS.setting, PS.SettingScheme),
    Column("formats", "one-to-one, group, virtual", "many", PS["format"], PS.FormatScheme),
    Column("communities_served", "communities of shared identity or experience served", "many", PS.communityServed, PS.CommunityScheme),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
BY_NAME = {column.name: column for column in COLUMNS}

# The French header of each column: accepted in place of the English one, and shown in the .xlsx template.
FRENCH_HEADERS = {
    "organisation_id": "identifiant_organisation", "organisation_name": "nom_organisation",
    "organisation_kind": "type_organisation", "peer_board_share": "part_pairs_conseil", "part_of": "fait_partie_de",
    "funding_sources": "sources_financement", "role_id": "identifiant_role", "role_title": "intitule_role",
    "role_kind": "type_role", "declared_practice": "pratique_declaree", "remuneration": "remuneration",
    "role_holder_receives_support": "titulaire_recoit_soutien", "shared_decision_making": "decision_partagee",
    "mutual_agreement": "accord_mutuel", "collaborative_learning": "apprentissage_collaboratif",
    "rotates_among_members": "tournant_entre_membres", "relationship_focused": "centre_sur_la_relation",
    "participation_mode": "mode_participation", "can_decline": "peut_refuser", "consent_asked": "consentement_demande",
    "imposed_by": "impose_par", "imposed_at": "impose_a_l_etape", "lived_experience_required": "experience_vecue_requise",
    "non_clinical": "non_clinique", "guides_others_learning": "guide_apprentissage_autrui",
    "decision_authority": "pouvoir_decision", "pay_band": "echelon_remuneration", "duties": "obligations",
    "peer_supervision": "supervision_par_les_pairs", "settings": "cadres", "formats": "formats",
    "communities_served": "communautes_servies",
}

_ORGANISATION_KINDS = {
    "user-led": PS.UserLedOrganisation, "voluntary-sector": PS.VoluntarySectorOrganisation,
    "statutory": PS.StatutoryService, "self-organised": PS.SelfOrganisedGroup,
    "community-led": PS.CommunityLedOrganisation,
}
_SHORT_FORMS = {
    PS.OrganisationKinds: _ORGANISATION_KINDS,
    PS.DecisionAuthorityScheme: {"none": PS.NoDecisionAuthority, "limited": PS.LimitedDecisionAuthority,
                                 "full": PS.FullDecisionAuthority},
}


def key(text: str) -> str:
    """A spelling as it is compared: no accents, any case, spaces, underscores and hyphens alike."""
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s_\-'’]+", " ", text).strip()


def _value_key(text: str) -> str:
    """Values keep their hyphens (``one-to-one``) but not their accents or case."""
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return re.sub(r"[\s_]+", " ", "".join(c for c in text if not unicodedata.combining(c)))


@lru_cache(maxsize=1)
def headers() -> dict[str, str]:
    """Accepted header spellings (compared by ``key``) -> the template's column name."""
    ontology = load_ontology()
    table = {}
    for column in COLUMNS:  # the predicate's French label too ("mode de participation")
        if column.predicate is not None and column.predicate.startswith(str(PS)):
            table.update({key(str(l)): column.name for l in ontology.objects(column.predicate, RDFS.label) if l.language == "fr"})
    table.update({key(french): name for name, french in FRENCH_HEADERS.items()})
    table.update({key(name): name for name in COLUMN_NAMES})
    return table


@dataclass(frozen=True)
class Value:
    """An allowed value of a controlled column: the vocabulary term, its name and labels."""

    iri: URIRef
    name: str
    en: str
    fr: str
    short: tuple[str, ...] = ()

    def spellings(self) -> tuple[str, ...]:
        return (self.name, self.en, self.fr, *self.short)


def _name(iri: URIRef) -> str:
    return str(iri)[len(str(PS)):]


@lru_cache(maxsize=1)
def scheme_values() -> dict[URIRef, tuple[Value, ...]]:
    """For each value scheme (or class list) of a column: its allowed values, sorted by name."""
    ontology = load_ontology()
    table: dict[URIRef, tuple[Value, ...]] = {}
    for column in COLUMNS:
        if column.values is None or column.values in table:
            continue
        if column.values == PS.OrganisationKinds:
            members, label = set(_ORGANISATION_KINDS.values()), RDFS.label
        else:
            members, label = set(ontology.subjects(SKOS.inScheme, column.values)), SKOS.prefLabel
        short = {}
        for spelling, iri in _SHORT_FORMS.get(column.values, {}).items():
            short.setdefault(iri, []).append(spelling)
        values = []
        for iri in members:
            labels = {l.language: str(l) for l in ontology.objects(iri, label)}
            values.append(Value(iri, _name(iri), labels.get("en", _name(iri)), labels.get("fr", labels.get("en", _name(iri))),
                                tuple(short.get(iri, ()))))
        table[column.values] = tuple(sorted(values, key=lambda v: v.name))
    return table


@lru_cache(maxsize=1)
def allowed_values() -> dict[URIRef, dict[str, URIRef]]:
    """For each value scheme: accepted spellings (compared without case or accents) -> value IRI."""
    return {scheme: {_value_key(s): v.iri for v in values for s in v.spellings()}
            for scheme, values in scheme_values().items()}


def value_key(text: str) -> str:
    return _value_key(text)


def columns_markdown() -> str:
    """The template's documentation (``data/templates/README.md``), made from ``COLUMNS``."""
    lines = [
        "# The roles spreadsheet template",
        "",
        "`roles.xlsx` and `roles.ods` (for LibreOffice; both with a drop-down list in every controlled column",
        "and a sheet explaining each column) and `roles.csv` have one row per role (a row with only organisation columns describes an organisation",
        "with no roles, or one that another is `part_of`). Check it with",
        "`peersupport validate roles.xlsx` (or `roles.csv`). Leave a cell empty when you do not know: the report",
        "then says what is missing and why it matters. `roles.schema.json` describes the same columns as a",
        "Frictionless Table Schema; `peersupport template` (`make template`) writes the files again",
        "from the vocabulary.",
        "",
        "`peersupport convert roles.xlsx` (or `.csv`, `.ods`) writes the rows as the Turtle the checks read, to",
        "reuse them with any RDF tool; the validator's report offers the same download (\"Your data converted to Turtle\").",
        "There is no CSVW metadata file for this mapping: a cell may hold a value's name, its English or its",
        "French label in any case, and yes/no in either language, which a CSVW `valueUrl` template cannot turn",
        "into the vocabulary's IRIs.",
        "",
        "CSV may be separated by commas, semicolons or tabs, in UTF-8 (with or without BOM), UTF-16 or",
        "Windows-1252/Latin-1: the separator and the encoding are detected. Column names are matched",
        "whatever their case and accents, in English or in French (the second name below). Every",
        "problem is reported at once, with its row and column as a spreadsheet program shows them.",
        "",
        "Controlled columns take a value's name, its English or its French label, in any case; list columns take",
        "several values separated by `;`; yes/no columns take yes, no, true, false, oui, non, vrai or faux.",
        "",
        "| column | en français | describes | what to write | allowed values |",
        "|---|---|---|---|---|",
    ]
    table = scheme_values()
    for column in COLUMNS:
        if column.values is not None:
            allowed = ", ".join(v.name for v in table[column.values])
        else:
            allowed = {"id": "letters, digits, - _ .", "text": "any text", "yes/no": "yes, no",
                       "parent": "an organisation_id", "share": "0 to 1, or 0% to 100%"}[column.kind]
        lines.append(f"| `{column.name}` | `{FRENCH_HEADERS[column.name]}` | {column.subject} | {column.meaning} | {allowed} |")
    return "\n".join(lines) + "\n"
