"""The fields of every table the build writes, with provenance and use class.

Use classes (the reasons are in docs/data.md):
- show: a fact SmartPick may display, with its citation.
- derive: used only to fit parameters; individual values are never displayed or exported.
- build: used during the build, not shipped.

Each table is written as rows of (name, description, what the build did), under one origin;
a row may name its own origin where it differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartpick.build.catalogue import CURATION
from smartpick.build.sources import SOURCES, Source
from smartpick.build.tables import Field, Use

_P = SOURCES["couples_match_builder"]
_R = SOURCES["signal_interview_rates"]
_FR = SOURCES["freida_im_2025"]
_N = SOURCES["nrmp_program_results_2026"]
_W = SOURCES["wavegate_nrmp_codes"]
_FL = SOURCES["nrmp_florida_dashboard"]
_T = SOURCES["tyler_acgme_obgyn"]
PER_ROW = "per row"


@dataclass(frozen=True)
class Origin:
    """Where a group of fields comes from: a source, its year and its confidence."""

    source: str
    year: str
    confidence: str


BUILD = Origin("SmartPick build", "2026", "primary")
CURATED = Origin(CURATION, "2026", "secondary")


def _origin(source: Source, also: Source | None = None) -> Origin:
    text = source.citation if also is None else f"{source.citation}; {also.citation}"
    return Origin(text, source.year, source.confidence)


def _cited(ref: str) -> Origin:
    return Origin(f"reference/{ref} (source column, per row)", PER_ROW, PER_ROW)


Row = tuple[str, str, str] | tuple[str, str, str, Origin]


def _fields(origin: Origin, use: Use, rows: list[Row]) -> list[Field]:
    out = []
    for name, description, transform, *own in rows:
        o = own[0] if own else origin
        out.append(Field(name, description, o.source, o.year, o.confidence, transform, use))
    return out


def _reference(ref: str, use: Use, columns: list[tuple[str, ...]]) -> list[Field]:
    """A reference table copied row by row, with a fact id and each row's citation.
    A column is (name, description) when copied as is, or (name, description, transform)."""
    return _fields(
        _cited(ref),
        use,
        [
            *[(c[0], c[1], c[2] if len(c) > 2 else "copied") for c in columns],
            ("fact_id", "stable id of the cited fact (hash of its content)", "computed", BUILD),
            ("source", "where the row's figure comes from", "copied"),
            ("confidence", "primary, secondary or unverified", "copied"),
        ],
    )


def names(fields: list[Field]) -> list[str]:
    """Column names of a reference copy, without the per-row source and confidence."""
    return [f.name for f in fields if f.name not in ("source", "confidence")]


_CENTROIDS = "city centroid where the list has no coordinates"
PROGRAMS = _fields(_origin(_P), "show", [
    ("acgme_id", "ACGME program id (10 digits)", "leading zero restored for 9-digit ids"),
    ("name", "program name", "trimmed"),
    ("specialty_key", "SmartPick specialty key", "mapped from the source's specialty label",
     CURATED),
    ("city", "city",
     "from the interview-rate row where the list has none, or where they disagree and "
     "evidence supports the rate file (location_note says so)", _origin(_P, _R)),
    ("state", "two-letter state or territory", "normalized to USPS codes", _origin(_P, _R)),
    ("latitude", "latitude (city level)", _CENTROIDS, _origin(_P, _T)),
    ("longitude", "longitude (city level)", _CENTROIDS, _origin(_P, _T)),
    ("location_source", "which source gave the location", "recorded by the build", BUILD),
    ("location_note", "where sources disagree on the location: both places and which is used",
     "checked against the interview-rate file; see docs/data.md", BUILD),
    ("census_division", "census division number (1-9); empty for territories",
     "looked up by state", Origin("reference/census_divisions.csv", "2026", "secondary")),
    ("division_note", "why a division is missing", "rule", BUILD),
    ("entry_level", "categorical, advanced or independent",
     "from the program's joined NRMP tracks, else the specialty's usual level (an estimate)",
     Origin(f"{_N.citation}; {CURATION}", "2026", "secondary")),
    ("entry_level_basis", "whether entry_level is sourced or an estimate",
     "recorded by the build", BUILD),
])  # fmt: skip

_RATE_GROUPS = {
    "signal": "applicants who signaled the program",
    "gold_signal": "applicants who sent a gold signal",
    "silver_signal": "applicants who sent a silver signal",
    "no_signal": "applicants who did not signal",
    "in_state": "applicants from a school in the program's state",
    "out_of_state": "applicants from a school outside the program's state",
    "md": "U.S. MD applicants",
    "do": "U.S. DO applicants",
}
# The two IMG rates are shown, one program at a time with their source and season (the
# reason is in docs/data.md); every other rate of the file stays derive.
_IMG_RATE_GROUPS = {
    "us_img_interview_rate": "U.S.-citizen IMGs",
    "non_us_img_interview_rate": "non-U.S.-citizen IMGs",
}
_RATE_COPIED = "copied; '-' (not reported) left empty"
RATES = [
    *_fields(_origin(_R), "derive", [
        ("acgme_id", "program the row joined to",
         "name + city/state join; see reports/data-build.md", BUILD),
        ("specialty_key", "specialty", "from the file name", CURATED),
        *[(k, f"share of {d} offered an interview", _RATE_COPIED)
          for k, d in _RATE_GROUPS.items()],
    ]),
    *_fields(_origin(_R), "show", [
        (k, f"share of {d} who applied that the program offered an interview", _RATE_COPIED)
        for k, d in _IMG_RATE_GROUPS.items()
    ]),
    *_fields(_origin(_R), "derive", [
        ("join_score", "name similarity of the join (0-103)",
         "rapidfuzz token sort ratio + 3 for the same city", BUILD),
        ("join_doubtful", "why the join is doubtful (empty when sure)", "recorded", BUILD),
    ]),
]  # fmt: skip

FREIDA = [
    *_fields(_origin(_FR), "show", [
        ("acgme_id", "ACGME program id", "copied"),
        ("first_year_positions", "first-year positions (all tracks)",
         "copied; 0 read as not reported and left empty"),
    ]),
    *_fields(_origin(_FR), "derive", [
        ("interviews_conducted", "interviews conducted last year",
         "copied; 0 read as not reported and left empty"),
        ("pct_usmd", "% of current residents who are U.S. MD graduates", "copied"),
        ("pct_do", "% of current residents who are DO graduates", "copied"),
    ]),
    # Shown, like FREIDA's page for the program shows it (the reason is in docs/data.md).
    *_fields(_origin(_FR), "show", [
        ("pct_img", "% of current residents who are IMGs", "copied"),
    ]),
    *_fields(_origin(_FR), "show", [
        ("setting", "setting the program reports", "FREIDA label shortened"),
        ("visa_j1", "sponsors J-1: yes, no or unknown",
         "from the list of accepted visa statuses; an empty list is unknown"),
        ("visa_h1b", "sponsors H-1B: yes, no or unknown",
         "from the list of accepted visa statuses; an empty list is unknown"),
        ("participates_in_eras", "takes applications through ERAS", "copied"),
    ]),
]  # fmt: skip

TRACKS = [
    *_fields(_origin(_N), "show", [
        ("program_code", "NRMP program (track) code", "copied"),
        ("institution_code", "NRMP institution code", "first 4 characters of the code"),
        ("institution", "institution name", "looked up by institution code; state suffix removed",
         _origin(_W)),
        ("state", "institution state",
         "from the institution name's suffix; the results file's state is unreliable",
         _origin(_W)),
        ("state_source", "which source gave the state", "recorded by the build", BUILD),
        ("specialty_code", "NRMP specialty code", "characters 5-7 of the code"),
        ("track_type", "categorical, preliminary, advanced, reserved or primary care",
         "from the track letter"),
        ("track_name", "NRMP track label", "copied"),
    ]),
    *_fields(_origin(_N), "derive", [
        ("quota_2026", "positions offered in the 2026 Match", "copied"),
        ("filled_2026", "positions filled in the 2026 Match", "copied"),
    ]),
    *_fields(BUILD, "show", [
        ("acgme_id", "ACGME program of the track, where joined with confidence",
         "institution name + state + specialty code join"),
        ("join_note", "why the track has no program", "recorded by the build"),
    ]),
]  # fmt: skip

PGY1 = [
    *_fields(_origin(_N), "show", [
        ("program_code", "NRMP program (track) code: the id of a PGY-1 track, which has no "
         "ACGME id", "copied"),
        ("kind", "transitional_year, internal_medicine_preliminary or surgery_preliminary",
         "from the code's specialty (999, 140, 440) and track letter P"),
        ("institution_code", "NRMP institution code", "first 4 characters of the code"),
        ("institution", "institution name", "looked up by institution code", _origin(_W)),
        ("track_name", "NRMP track label", "copied"),
        ("state", "institution state",
         "from the institution code list; else the results file's state (state_source says)",
         _origin(_W, _N)),
        ("state_source", "which source gave the state", "recorded by the build", BUILD),
    ]),
    *_fields(_origin(_P), "show", [
        ("city", "city of an ACGME program of the same institution", "sure joins only"),
        ("latitude", "latitude (city level)", "from that program"),
        ("longitude", "longitude (city level)", "from that program"),
    ]),
    *_fields(BUILD, "show", [
        ("location_source", "which ACGME program gave the location, or 'state only'",
         "recorded by the build"),
        ("anchor_acgme_id", "the same institution's Internal Medicine program, read by the "
         "chance prior", "sure joins only"),
    ]),
]  # fmt: skip

POSITIONS = _fields(BUILD, "derive", [
    ("acgme_id", "ACGME program id", "one row per program"),
    ("positions", "positions the program offers entering applicants",
     "NRMP quota of the joined C/A/M tracks, else FREIDA first-year positions, else the "
     "specialty's median (an estimate); empty when no source covers the specialty",
     Origin(f"{_N.citation}; {_FR.citation}", "2026", "secondary")),
    ("basis", "sourced, estimate or missing", "recorded"),
    ("method", "how the number was made", "recorded"),
])  # fmt: skip

HISTORY = _fields(_origin(_FL), "derive", [
    ("program_code", "NRMP program code", "copied"),
    ("year", "Match year", "from the column name"),
    ("quota", "positions offered", "copied"),
    ("matched", "positions filled", "copied"),
    ("in_2026_results", "the code is also in the national 2026 results", "looked up", BUILD),
])  # fmt: skip

SPECIALTIES = _fields(CURATED, "show", [
    ("key", "SmartPick specialty key (reference data slugs)", "curated"),
    ("name", "canonical name", "curated"),
    ("aliases", "other names users type, ';'-separated", "curated"),
    ("acgme_code", "ACGME specialty code",
     "checked against the first 3 digits of the specialty's ACGME ids"),
    ("nrmp_code", "NRMP specialty code where the specialty has 2026 Main Match tracks",
     "present in the NRMP 2026 program results"),
    ("match", "the match: NRMP, AUA (Urology), SF Match (Ophthalmology); empty if none",
     "curated from ../shared/data/reference/README.md and signals.csv"),
    ("entry_level", "usual entry level: categorical, advanced, independent",
     "curated from the NRMP 2026 track letters; unverified where the notes say so"),
    ("notes", "what the curation rests on", "curated"),
])  # fmt: skip

SIGNALS = _reference(
    "signals.csv, then SmartPick's build/signals_added.csv",
    "show",
    [
        ("season", "ERAS season (Match year)"),
        (
            "specialty_key",
            "SmartPick key; '*' = all other specialties",
            "combined groups expanded to each specialty",
        ),
        ("service", "application service named by the source"),
        ("gold", "gold signals"),
        ("silver", "silver signals"),
        ("single_tier", "signals in a single-tier design"),
        ("signal_statement", "a signal statement is required"),
        ("source_specialty", "the source's specialty wording"),
        (
            "from_group",
            "true when the row names a group of specialties (e.g. DR and IR)",
            "set by the build from the combined key",
        ),
        ("notes", "source notes"),
    ],
)
FEES = _reference(
    "fees.csv",
    "show",
    [
        ("season", "ERAS season (Match year); empty if not stated"),
        ("service", "ERAS, ResidencyCAS or NRMP"),
        ("item", "what the fee is for"),
        ("from_count", "first program (or rank) of the tier"),
        ("to_count", "last program of the tier; empty = no limit"),
        ("amount_usd", "amount in US dollars"),
        ("unit", "flat, per_program, per_rank, per_transcript, per_partner, total"),
        ("per_specialty", "tiers reset for each specialty"),
        ("notes", "source notes"),
    ],
)
CALENDAR = _reference(
    "calendar.csv",
    "show",
    [
        ("match_year", "Match year"),
        ("service", "ERAS, ResidencyCAS or NRMP"),
        ("event", "what happens"),
        ("date", "ISO date; empty for season-level changes"),
        ("time_et", "US Eastern time"),
        ("projected", "true when the date is a projection"),
        ("notes", "source notes"),
        (
            "event_key",
            "SmartPick's key for events it looks up (review_opens, ...)",
            "derived from the event text by keywords",
        ),
    ],
)
EXAMS = _reference(
    "exams.csv, then SmartPick's build/exams_added.csv",
    "show",
    [
        ("exam", "exam"),
        ("fact_key", "lookup key"),
        ("fact", "the fact in words"),
        ("value", "value"),
        ("value_high", "upper value of a range"),
        ("unit", "unit"),
        ("effective_date", "date from which it applies"),
        ("notes", "source notes"),
    ],
)
DIVISIONS = _reference(
    "census_divisions.csv",
    "show",
    [
        ("division_number", "1-9"),
        ("division", "division name"),
        ("region", "census region"),
        ("state_code", "USPS state code"),
    ],
)
_EVIDENCE_COLUMNS: list[tuple[str, ...]] = [
    ("quantity", "what was measured"),
    ("specialty", "specialty as the study names it"),
    ("value_low", "value or low end"),
    ("value_high", "high end"),
    ("unit", "odds_ratio, rate, share, ..."),
    ("population", "who was studied"),
    ("year", "year"),
    ("notes", "source notes"),
    ("citation", "the publication"),
]
_EVIDENCE = "evidence.csv, then SmartPick's build/evidence_added.csv"
EVIDENCE = _reference(_EVIDENCE, "show", _EVIDENCE_COLUMNS)
EVIDENCE_RESTRICTED = _reference(_EVIDENCE, "derive", _EVIDENCE_COLUMNS)

_RESHAPED = "reshaped to one cited figure per row"
FIGURES = _fields(
    _cited(
        "charting_outcomes_*.csv, fill_by_specialty_2025.csv, match_totals.csv, "
        "applications_per_applicant.csv, rank_lists_and_interviews.csv"
    ),
    "derive",
    [
        ("year", "Match year; empty where the source does not state it", _RESHAPED),
        ("specialty_key", "SmartPick key, or 'all'", _RESHAPED),
        (
            "applicant_type",
            "md, do, us-img, non-us-img, img (ERAS pools U.S. and non-U.S. IMGs), all, or unstated",
            _RESHAPED,
        ),
        ("metric", "what the figure is", _RESHAPED),
        ("value", "the figure", _RESHAPED),
        ("report", "the NRMP report it comes from", _RESHAPED),
        ("source", "who transcribed it", _RESHAPED),
        ("confidence", "primary, secondary or unverified", _RESHAPED),
    ],
)

BUILD_INPUTS = {
    "tyler_acgme_obgyn/city_state_latlong.csv": {
        **_T.as_dict(),
        "use": "build",
        "what": "city centroids to geocode programs that had no coordinates",
    },
    "maction_program_geo/program_geo_2019.csv": {
        "source": "nmacklin/MactionCreations app/static/data/programDatabase.js @ 2a5955aa",
        "year": "2019",
        "confidence": "unverified",
        "use": "build",
        "what": "evidence when the program list and the interview-rate file disagree on a place",
    },
    "wavegate_nrmp_codes/institutions.csv": {
        **_W.as_dict(),
        "use": "build",
        "what": "institution names and states to join NRMP tracks to programs",
    },
    "labels/*.csv": {
        "source": "SmartPick, hand-labelled",
        "year": "2026",
        "confidence": "primary",
        "use": "build",
        "what": "ground truth to measure the precision of the interview-rate join",
    },
}
