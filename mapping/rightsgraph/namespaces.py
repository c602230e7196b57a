"""The project's own vocabulary as strict namespaces.

A misspelt term is an error at import time (``_fail = True``), and
``tests/test_namespaces.py`` checks this list against ``ontology/rightsgraph.ttl``
so code and ontology cannot drift apart.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/rightsgraph/"
ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SDG = Namespace("http://metadata.un.org/sdg/")
VANN = Namespace("http://purl.org/vocab/vann/")
SCHEMA = Namespace("https://schema.org/")
#: The ontology document's IRI (owl:Ontology), distinct from the term namespace.
ONTOLOGY = URIRef(BASE + "ontology")


class RG(DefinedNamespace):
    """rightsgraph ontology terms (https://w3id.org/rightsgraph/ontology#)."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # Document structure
    ActionPlan: URIRef
    PlanElement: URIRef  # added: superclass of Introduction ... Commitment
    Introduction: URIRef
    IntroductionParagraph: URIRef
    Goal: URIRef
    Principle: URIRef
    Chapter: URIRef
    Section: URIRef
    Commitment: URIRef
    SourceDocument: URIRef
    TextAnchor: URIRef
    # Model of rights, actors and targets
    Right: URIRef
    BeneficiaryGroup: URIRef
    ResponsibleBody: URIRef
    Treaty: URIRef
    TreatyProvision: URIRef
    UNMechanism: URIRef
    TreatyBody: URIRef
    ReportingObligation: URIRef
    LegalInstrument: URIRef
    LegislativeAction: URIRef
    PolicyDocument: URIRef
    Indicator: URIRef
    Target: URIRef
    Unit: URIRef
    Mention: URIRef
    RightProvisionLink: URIRef
    BuildActivity: URIRef

    # Structure properties
    plan: URIRef
    chapter: URIRef
    section: URIRef
    introduction: URIRef
    hasChapter: URIRef
    hasSection: URIRef
    hasCommitment: URIRef
    hasGoal: URIRef
    hasPrinciple: URIRef
    hasParagraph: URIRef
    path: URIRef
    number: URIRef
    heading: URIRef
    text: URIRef
    statement: URIRef
    statementAnchor: URIRef  # added: the anchor of a lead statement
    anchor: URIRef
    # Plan metadata
    planId: URIRef
    jurisdiction: URIRef
    issuedBy: URIRef
    dateOfIssueAsStated: URIRef
    period: URIRef
    startYear: URIRef
    endYear: URIRef
    sourceDocument: URIRef
    # Source documents
    sha256: URIRef
    fileName: URIRef
    encoding: URIRef
    sourceFormat: URIRef
    characterCount: URIRef
    pageBreaksRepaired: URIRef
    # Links from commitments
    concernsRight: URIRef
    benefits: URIRef
    responsibleBody: URIRef
    hasTarget: URIRef
    hasLegislativeAction: URIRef
    mentionsTreaty: URIRef
    hasReportingObligation: URIRef
    mentionsPolicyDocument: URIRef
    hasMention: URIRef
    mentionOf: URIRef
    mentionedIn: URIRef
    linkMethod: URIRef
    treatyContext: URIRef
    # Targets
    indicator: URIRef
    value: URIRef
    valueMax: URIRef
    unit: URIRef
    comparator: URIRef
    targetKind: URIRef
    targetYear: URIRef
    targetYearImplied: URIRef
    baselineYear: URIRef
    sdgIndicator: URIRef
    # Legislation and documents
    instrument: URIRef
    legislativeAction: URIRef
    documentAction: URIRef
    instrumentKind: URIRef
    shortName: URIRef
    documentPeriod: URIRef
    # Treaties and reporting
    treaty: URIRef
    abbreviation: URIRef
    isCoreTreaty: URIRef  # added: core UN treaty flag (monitoring body expected)
    monitoringBody: URIRef
    adoptionDate: URIRef
    chinaStatus: URIRef
    chinaSignatureDate: URIRef
    chinaRatificationDate: URIRef
    provisionOf: URIRef
    article: URIRef
    protectedBy: URIRef
    right: URIRef
    provision: URIRef
    reportCycle: URIRef
    cycleStart: URIRef
    cycleEnd: URIRef
    reportingAction: URIRef
    # Bodies
    level: URIRef
    # Curation
    unverified: URIRef
