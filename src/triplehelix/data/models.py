"""The record models: one pydantic model per record kind.

Records are what people write (YAML, JSON, JSON Lines, CSV) and what importers
produce. They refer to each other by ``id`` (unique in a dataset) or by full IRI.
Every model is frozen and forbids unknown fields; the ``kind`` field tells them
apart where one file mixes kinds.

>>> org = Organisation(kind="organisation", id="ektu", name={"en": "EKTU"},
...                    types=["university"], country="kz")
>>> org.country, org.sphere_hint
('KZ', 'academia')
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import (
    BaseModel,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from triplehelix.data.types import (
    STRICT,
    CountryCode,
    LangMap,
    LangTag,
    LangText,
    LocalId,
    Money,
    PartialDate,
    Ref,
    RefTo,
    Text,
    Year,
)

__all__ = [
    "KINDS",
    "MODELS",
    "Cluster",
    "Contribution",
    "Document",
    "Event",
    "Grant",
    "Idea",
    "Organisation",
    "Participation",
    "Person",
    "Programme",
    "Project",
    "Record",
    "Sector",
    "SourceRecord",
    "record_key",
]

OrgType = Literal[
    "university",
    "research-organisation",
    "company",
    "government-body",
    "development-agency",
    "funding-body",
    "technology-transfer-centre",
    "other",
]
SPHERE_OF_TYPE: dict[str, str] = {
    "university": "academia",
    "research-organisation": "academia",
    "company": "industry",
    "government-body": "government",
    "development-agency": "intermediary",
    "technology-transfer-centre": "intermediary",
    "funding-body": "funder",
    "other": "other",
}
Role = Literal[
    "coordinator",
    "partner",
    "industry-partner",
    "associated-partner",
    "third-party",
    "funder",
    "implementer",
    "sponsor",
    "in-kind-contributor",
    "beneficiary",
    "host",
    "organiser",
    "speaker",
    "participant",
]
ProjectType = Literal[
    "tandem",
    "capacity-building",
    "joint-research",
    "contract-research",
    "dual-study",
    "curriculum-development",
    "needs-analysis",
]
EventType = Literal[
    "conference",
    "session",
    "master-class",
    "workshop",
    "foresight-workshop",
    "summer-school",
    "study-visit",
]
ContributionType = Literal[
    "cash", "in-kind", "staff-time", "equipment", "venue", "expertise", "internships"
]
Stage = Literal["why", "what", "how"]
HORIZON_YEARS = (2025, 2030, 2035, 2040, 2045, 2050)
BUILTIN_SECTORS = (
    "food-industry",
    "agriculture",
    "logistics",
    "construction",
    "eco-products",
    "education",
)
"""Sector concepts the vocabulary ships; datasets may define more with ``kind: sector``."""

RorId = Annotated[str, StringConstraints(pattern=r"^(https://ror\.org/)?0[a-z0-9]{6}[0-9]{2}$")]
WikidataId = Annotated[
    str, StringConstraints(pattern=r"^(http://www\.wikidata\.org/entity/)?Q[1-9][0-9]*$")
]
Pic = Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")]
Orcid = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$")]

AgentRef = Annotated[Ref, RefTo("organisation", "person")]
OrgRef = Annotated[Ref, RefTo("organisation")]
ActivityRef = Annotated[Ref, RefTo("project", "event")]
ProjectRef = Annotated[Ref, RefTo("project")]
ProgrammeRef = Annotated[Ref, RefTo("programme")]
GrantRef = Annotated[Ref, RefTo("grant")]
EventRef = Annotated[Ref, RefTo("event")]
SectorRef = Annotated[Ref, RefTo("sector")]
ClusterRef = Annotated[Ref, RefTo("cluster")]
SourceRef = Annotated[Ref, RefTo("record")]
DocumentRef = Annotated[Ref, RefTo("document")]


class Record(BaseModel):
    """Fields every record has.

    Attributes:
        id: key of the record in its dataset; other records refer to it by this.
        iri: an explicit IRI, overriding the minted one (use for merges and external nodes).
        sources: ids of the source records (``kind: record``) that state this record;
            empty means "the input row itself", which the loader records as the source.
        description: free text per language.
    """

    model_config = STRICT

    id: LocalId
    iri: HttpUrl | None = None
    sources: list[SourceRef] = Field(default_factory=list)
    description: LangText | None = None


class _Dated(Record):
    start: PartialDate | None = None
    end: PartialDate | None = None

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, end: str | None, info: ValidationInfo) -> str | None:
        start = info.data.get("start")
        if start and end:
            n = min(len(start), len(end))
            if end[:n] < start[:n]:
                raise ValueError(f"a date not before start ({start})")
        return end


class Organisation(Record):
    """A university, company, ministry, agency, funder, centre… (several types allowed)."""

    kind: Literal["organisation"] = "organisation"
    name: LangMap
    alt_names: dict[Text, list[Text]] = Field(default_factory=dict)
    acronym: Text | None = None
    types: list[OrgType] = Field(min_length=1)
    country: CountryCode | None = None
    city: Text | None = None
    part_of: OrgRef | None = None
    sectors: list[SectorRef] = Field(default_factory=list)
    ror: RorId | None = None
    wikidata: WikidataId | None = None
    pic: Pic | None = None
    website: HttpUrl | None = None
    # Optional details importers fill from registries (ROR, CORDIS); all additive.
    aliases: dict[LangTag, list[Text]] = Field(default_factory=dict)
    status: Literal["active", "inactive", "withdrawn"] | None = None
    established: Year | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    identifiers: dict[Text, list[Text]] = Field(default_factory=dict)
    classification: list[Text] = Field(default_factory=list)
    parents: list[OrgRef] = Field(default_factory=list)
    children: list[OrgRef] = Field(default_factory=list)
    related: list[OrgRef] = Field(default_factory=list)
    replaces: list[OrgRef] = Field(default_factory=list)
    replaced_by: list[OrgRef] = Field(default_factory=list)

    @property
    def sphere_hint(self) -> str:
        """Helix sphere of the first type (the store derives it from the ontology)."""
        return SPHERE_OF_TYPE[self.types[0]]


class Person(Record):
    """A person (optional in datasets; never put personal names in IRIs)."""

    kind: Literal["person"] = "person"
    name: Text = Field(min_length=1)
    orcid: Orcid | None = None
    affiliations: list[OrgRef] = Field(default_factory=list)


class Programme(_Dated):
    """A funding programme (PECA, Erasmus+): not an agent; funders and implementers are."""

    kind: Literal["programme"] = "programme"
    name: LangMap
    acronym: Text | None = None
    part_of: ProgrammeRef | None = None
    funders: list[AgentRef] = Field(default_factory=list)
    implementers: list[AgentRef] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)
    sectors: list[SectorRef] = Field(default_factory=list)
    website: HttpUrl | None = None


class Grant(_Dated):
    """A grant or award: money, funder, programme, what it funds and who holds it."""

    kind: Literal["grant"] = "grant"
    name: LangMap | None = None
    number: Text | None = None
    funders: list[AgentRef] = Field(default_factory=list)
    programme: ProgrammeRef | None = None
    projects: list[ProjectRef] = Field(default_factory=list)
    awardees: list[AgentRef] = Field(default_factory=list)
    amount: Money | None = None


class Project(_Dated):
    """A project: tandem, capacity building, joint research…"""

    kind: Literal["project"] = "project"
    name: LangMap
    acronym: Text | None = None
    type: ProjectType | None = None
    programme: ProgrammeRef | None = None
    part_of: ProjectRef | None = None
    sectors: list[SectorRef] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)
    website: HttpUrl | None = None
    total_cost: Money | None = None


class Event(_Dated):
    """An event: conference, session, master class, (foresight) workshop…"""

    kind: Literal["event"] = "event"
    name: LangMap
    type: EventType | None = None
    country: CountryCode | None = None
    place: LangMap | None = None
    part_of: list[ActivityRef] = Field(default_factory=list)
    sectors: list[SectorRef] = Field(default_factory=list)


class Contribution(BaseModel):
    """What a participant brings: a type, a description, an amount."""

    model_config = STRICT

    type: ContributionType | None = None
    description: LangText | None = None
    amount: Money | None = None


class Participation(_Dated):
    """Who took part in what, in which role, when, with what money (one role per record)."""

    kind: Literal["participation"] = "participation"
    id: LocalId | None = None  # type: ignore[assignment]
    agent: AgentRef
    activity: ActivityRef
    role: Role
    grant: GrantRef | None = None
    contributions: list[Contribution] = Field(default_factory=list)


class Sector(Record):
    """An economic sector concept (in addition to those the vocabulary ships)."""

    kind: Literal["sector"] = "sector"
    name: LangMap
    broader: SectorRef | None = None
    close_match: list[HttpUrl] = Field(default_factory=list)


class Cluster(Record):
    """A thematic cluster of foresight ideas, defined at a workshop."""

    kind: Literal["cluster"] = "cluster"
    name: LangMap
    workshop: EventRef | None = None
    broader: ClusterRef | None = None


class Idea(Record):
    """A foresight idea (sticker note): text, time horizon, clusters, WHY/WHAT/HOW stage."""

    kind: Literal["idea"] = "idea"
    id: LocalId | None = None  # type: ignore[assignment]
    text: LangText
    horizon: int
    clusters: list[ClusterRef] = Field(default_factory=list)
    stage: Stage | None = None
    workshop: EventRef | None = None

    @model_validator(mode="after")
    def _known_horizon(self) -> Idea:
        if self.horizon not in HORIZON_YEARS:
            raise ValueError(f"horizon must be one of {', '.join(map(str, HORIZON_YEARS))}")
        return self


class Document(Record):
    """A source document: a news item, a spreadsheet, a report, a data dump."""

    kind: Literal["document"] = "document"
    title: LangMap
    url: HttpUrl | None = None
    publisher: Text | None = None
    issued: PartialDate | None = None
    license: Text | None = None
    language: LangTag | None = None
    primary: bool = False


class SourceRecord(Record):
    """One citable part of a document (a paragraph, a row); it is also a named graph."""

    kind: Literal["record"] = "record"
    document: DocumentRef
    locator: Text | None = None
    text: LangText | None = None


MODELS: dict[str, type[Record]] = {
    m.model_fields["kind"].default: m
    for m in (
        Organisation,
        Person,
        Programme,
        Grant,
        Project,
        Event,
        Participation,
        Sector,
        Cluster,
        Idea,
        Document,
        SourceRecord,
    )
}
KINDS: tuple[str, ...] = tuple(MODELS)

ROLES: tuple[str, ...] = get_args(Role)


def record_key(record: Record) -> str:
    """The key a record is known by in its dataset (participations: agent|activity|role).

    >>> record_key(Participation(agent="a", activity="p", role="partner"))
    'a|p|partner'
    """
    if isinstance(record, Participation) and record.id is None:
        return f"{record.agent}|{record.activity}|{record.role}"
    if isinstance(record, Idea) and record.id is None:
        return "idea|" + "|".join(f"{k}:{v}" for k, v in sorted(record.text.items()))
    return str(record.id)
