"""The CSV template: one row per role, so an organisation with a spreadsheet can validate its
roles without knowing RDF. ``COLUMNS`` documents every column; ``read_csv`` turns the rows into
the same triples a Turtle description would give.

Controlled columns take a value's name (``ReferredFreeToDecline``) or its English label
(``referred, free to decline``), case-insensitively; list columns separate values with ``;``;
yes/no columns take yes, no, true or false. An empty cell states nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from peersupport.vocabulary.graph import ORG, PS, load_ontology

BASE = Namespace("https://example.org/")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_YES, _NO = {"yes", "y", "true"}, {"no", "n", "false"}


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
_BY_NAME = {column.name: column for column in COLUMNS}

_ORGANISATION_KINDS = {
    "user-led": PS.UserLedOrganisation, "voluntary-sector": PS.VoluntarySectorOrganisation,
    "statutory": PS.StatutoryService, "self-organised": PS.SelfOrganisedGroup,
    "community-led": PS.CommunityLedOrganisation,
}
_AUTHORITY_SHORT = {"none": PS.NoDecisionAuthority, "limited": PS.LimitedDecisionAuthority, "full": PS.FullDecisionAuthority}


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().casefold())


@lru_cache(maxsize=1)
def allowed_values() -> dict[URIRef, dict[str, URIRef]]:
    """For each value scheme: accepted spellings (name, English label) -> value IRI."""
    ontology = load_ontology()
    table: dict[URIRef, dict[str, URIRef]] = {}
    for column in COLUMNS:
        if column.values is None or column.values == PS.OrganisationKinds:
            continue
        spellings = {}
        for concept in ontology.subjects(SKOS.inScheme, column.values):
            spellings[_key(str(concept)[len(str(PS)):])] = concept
            for label in ontology.objects(concept, SKOS.prefLabel):
                if label.language == "en":
                    spellings[_key(str(label))] = concept
        table[column.values] = spellings
    table[PS.DecisionAuthorityScheme].update(_AUTHORITY_SHORT)
    kinds = dict(_ORGANISATION_KINDS)
    for cls in _ORGANISATION_KINDS.values():
        kinds[_key(str(cls)[len(str(PS)):])] = cls
        kinds.update({_key(str(l)): cls for l in ontology.objects(cls, RDFS.label) if l.language == "en"})
    table[PS.OrganisationKinds] = kinds
    return table


def _error(line: int, column: str, message: str):
    from peersupport.errors import InputError

    return InputError(f"column {column}: {message}", line=line)


def _value(column: Column, cell: str, line: int) -> URIRef:
    spellings = allowed_values()[column.values]
    found = spellings.get(_key(cell))
    if found is None:
        names = sorted({str(v)[len(str(PS)):] for v in spellings.values()})
        raise _error(line, column.name, f"unknown value {cell!r}; allowed: {', '.join(names)}")
    return found


def _add_cell(graph: Graph, subject: URIRef, column: Column, cell: str, line: int) -> None:
    if column.kind == "text":
        graph.add((subject, column.predicate, Literal(cell)))
    elif column.kind == "yes/no":
        answer = cell.casefold()
        if answer not in _YES | _NO:
            raise _error(line, column.name, f"{cell!r} is not yes or no")
        graph.add((subject, column.predicate, Literal(answer in _YES)))
    elif column.kind == "share":
        graph.add((subject, column.predicate, _share(cell, line, column.name)))
    elif column.kind == "parent":
        graph.add((subject, column.predicate, _iri("organisations", cell, line, column.name)))
    else:
        cells = [c.strip() for c in cell.split(";") if c.strip()] if column.kind == "many" else [cell]
        for item in cells:
            graph.add((subject, column.predicate, _value(column, item, line)))


def _share(cell: str, line: int, column: str) -> Literal:
    """A share from 0 to 1, written as a decimal (0.6) or a percentage (60%)."""
    from decimal import Decimal, InvalidOperation

    text = cell.replace(",", ".").strip()
    try:
        value = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise _error(line, column, f"{cell!r} is not a share (write 0.6 or 60%)") from None
    if not 0 <= value <= 1:
        raise _error(line, column, f"{cell!r} is not between 0 and 1 (0% and 100%)")
    return Literal(value.normalize() if value != 0 else Decimal(0), datatype=XSD.decimal)


def _iri(kind: str, identifier: str, line: int, column: str) -> URIRef:
    if not _ID.match(identifier):
        raise _error(line, column, f"{identifier!r} is not a valid identifier (letters, digits, - _ . only)")
    return BASE[f"{kind}/{identifier}"]


def read_csv(text: str) -> Graph:
    """The triples the rows describe: each role an org:Post in its organisation. A row with an
    organisation_id and no role_id describes an organisation alone (one with no roles, or one
    that others are part_of)."""
    reader = csv.reader(io.StringIO(text))
    try:
        return _read_rows(reader)
    except csv.Error as error:
        raise _error(reader.line_num or 1, "(row)", f"not valid CSV: {error}") from None


def _read_rows(reader) -> Graph:
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise _error(1, "(header)", "the first row must name the columns; see the template")
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in _BY_NAME]
    if unknown:
        raise _error(1, unknown[0], f"unknown column; the template's columns are: {', '.join(COLUMN_NAMES)}")
    if "role_id" not in header and "organisation_id" not in header:
        raise _error(1, "role_id", "the role_id column is required")

    graph = Graph()
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise _error(line, "(row)", f"{len(row)} cells but the header has {len(header)} columns")
        cells = {name: cell.strip() for name, cell in zip(header, row)}
        if not cells.get("role_id") and not cells.get("organisation_id"):
            raise _error(line, "role_id", "every row needs a role_id (or, for an organisation alone, an organisation_id)")
        organisation = None
        if cells.get("organisation_id"):
            organisation = _iri("organisations", cells["organisation_id"], line, "organisation_id")
            graph.add((organisation, RDF.type, ORG.Organization))
        role = None
        if cells.get("role_id"):
            role = _iri("roles", cells["role_id"], line, "role_id")
            graph.add((role, RDF.type, ORG.Post))
            if organisation is not None:
                graph.add((role, ORG.postIn, organisation))
        for name, cell in cells.items():
            column = _BY_NAME[name]
            if not cell or column.kind == "id":
                continue
            subject = organisation if column.subject == "organisation" else role
            if subject is None:
                needed = "organisation_id" if column.subject == "organisation" else "role_id"
                raise _error(line, name, f"this column needs a {needed} in the same row")
            _add_cell(graph, subject, column, cell, line)
    return graph


def columns_markdown() -> str:
    """The template's documentation (``data/templates/README.md``), made from ``COLUMNS``."""
    lines = [
        "# The roles spreadsheet template",
        "",
        "`roles.csv` has one row per role (a row with only organisation columns describes an organisation",
        "with no roles, or one that another is `part_of`). Check it with",
        "`peersupport validate roles.csv`. Leave a cell empty when you do not know: the report then says",
        "what is missing and why it matters.",
        "",
        "Controlled columns take a value's name or its English label, in any case; list columns take",
        "several values separated by `;`; yes/no columns take yes, no, true or false.",
        "",
        "| column | describes | what to write | allowed values |",
        "|---|---|---|---|",
    ]
    table = allowed_values()
    for column in COLUMNS:
        if column.values is not None:
            names = sorted({str(v)[len(str(PS)):] for v in table[column.values].values()})
            allowed = ", ".join(names)
        else:
            allowed = {"id": "letters, digits, - _ .", "text": "any text", "yes/no": "yes, no",
                       "parent": "an organisation_id", "share": "0 to 1, or 0% to 100%"}[column.kind]
        lines.append(f"| `{column.name}` | {column.subject} | {column.meaning} | {allowed} |")
    return "\n".join(lines) + "\n"
