"""The fields of every table the build writes, with provenance and use class.

Use classes (the reasons are in docs/data.md):
- show: a fact SmartPick may display, with its citation.
- derive: used only to fit parameters; individual values are never displayed or exported.
- build: used during the build, not shipped.
"""

from __future__ import annotations

from smartpick.build.catalogue import CURATION
from smartpick.build.sources import SOURCES
from smartpick.build.tables import Field

_P = SOURCES["couples_match_builder"]
_R = SOURCES["signal_interview_rates"]
_FR = SOURCES["freida_im_2025"]
_N = SOURCES["nrmp_program_results_2026"]
_W = SOURCES["wavegate_nrmp_codes"]
_FL = SOURCES["nrmp_florida_dashboard"]
_T = SOURCES["tyler_acgme_obgyn"]
PER_ROW = "per row"
BUILD = "SmartPick build"


def names(fields: list[Field]) -> list[str]:
    """Column names of a reference copy, without the per-row source and confidence."""
    return [f.name for f in fields if f.name not in ("source", "confidence")]


def _f(name: str, desc: str, src: str, year: str, conf: str, how: str, use: str) -> Field:
    return Field(name, desc, src, year, conf, how, use)  # type: ignore[arg-type]


def _cited(name: str, desc: str, ref: str, use: str, how: str = "copied") -> Field:
    return _f(name, desc, f"reference/{ref} (source column, per row)", PER_ROW, PER_ROW, how, use)


def _row_source(ref: str, use: str) -> list[Field]:
    return [
        _f(
            "fact_id",
            "stable id of the cited fact (hash of its content)",
            BUILD,
            "2026",
            "primary",
            "computed by the build",
            use,
        ),
        _cited("source", "where the row's figure comes from", ref, use),
        _cited("confidence", "primary, secondary or unverified", ref, use),
    ]


PROGRAMS = [
    _f(
        "acgme_id",
        "ACGME program id (10 digits)",
        _P.citation,
        _P.year,
        _P.confidence,
        "leading zero restored for 9-digit ids",
        "show",
    ),
    _f("name", "program name", _P.citation, _P.year, _P.confidence, "trimmed", "show"),
    _f(
        "specialty_key",
        "SmartPick specialty key",
        CURATION,
        "2026",
        "secondary",
        "mapped from the source's specialty label",
        "show",
    ),
    _f(
        "city",
        "city",
        f"{_P.citation}; for programs without one: {_R.citation}",
        _P.year,
        _P.confidence,
        "from the joined interview-rate row where the list has none",
        "show",
    ),
    _f(
        "state",
        "two-letter state or territory",
        f"{_P.citation}; {_R.citation}",
        _P.year,
        _P.confidence,
        "normalized to USPS codes",
        "show",
    ),
    _f(
        "latitude",
        "latitude (city level)",
        f"{_P.citation}; {_T.citation}",
        _P.year,
        _P.confidence,
        "city centroid where the list has no coordinates",
        "show",
    ),
    _f(
        "longitude",
        "longitude (city level)",
        f"{_P.citation}; {_T.citation}",
        _P.year,
        _P.confidence,
        "city centroid where the list has no coordinates",
        "show",
    ),
    _f(
        "location_source",
        "which source gave the location",
        BUILD,
        "2026",
        "primary",
        "recorded by the build",
        "show",
    ),
    _f(
        "census_division",
        "census division number (1-9); empty for territories",
        "../shared/data/reference/census_divisions.csv",
        "2026",
        "secondary",
        "looked up by state",
        "show",
    ),
    _f("division_note", "why a division is missing", BUILD, "2026", "primary", "rule", "show"),
    _f(
        "entry_level",
        "categorical, advanced or independent",
        f"{_N.citation}; {CURATION}",
        "2026",
        "secondary",
        "from the program's joined NRMP tracks, else the specialty's usual level (an estimate)",
        "show",
    ),
    _f(
        "entry_level_basis",
        "whether entry_level is sourced or an estimate",
        BUILD,
        "2026",
        "primary",
        "recorded by the build",
        "show",
    ),
]

_RATE_DESC = {
    "signal": "applicants who signaled the program",
    "gold_signal": "applicants who sent a gold signal",
    "silver_signal": "applicants who sent a silver signal",
    "no_signal": "applicants who did not signal",
    "in_state": "applicants from a school in the program's state",
    "out_of_state": "applicants from a school outside the program's state",
    "md": "U.S. MD applicants",
    "do": "U.S. DO applicants",
    "us_img": "U.S.-citizen IMGs",
    "non_us_img": "non-U.S.-citizen IMGs",
}
RATES = [
    _f(
        "acgme_id",
        "program the row joined to",
        BUILD,
        "2026",
        "primary",
        "name + city/state join; see reports/data-build.md",
        "derive",
    ),
    _f("specialty_key", "specialty", CURATION, "2026", "secondary", "from the file name", "derive"),
    *[
        _f(
            k,
            f"share of {d} offered an interview",
            _R.citation,
            _R.year,
            _R.confidence,
            "copied; '-' (not reported) left empty",
            "derive",
        )
        for k, d in _RATE_DESC.items()
    ],
    _f(
        "join_score",
        "name similarity of the join (0-103)",
        BUILD,
        "2026",
        "primary",
        "rapidfuzz token sort ratio + 3 for the same city",
        "derive",
    ),
    _f(
        "join_doubtful",
        "why the join is doubtful (empty when sure)",
        BUILD,
        "2026",
        "primary",
        "recorded by the build",
        "derive",
    ),
]

FREIDA = [
    _f("acgme_id", "ACGME program id", _FR.citation, _FR.year, _FR.confidence, "copied", "show"),
    _f(
        "first_year_positions",
        "first-year positions (all tracks)",
        _FR.citation,
        _FR.year,
        _FR.confidence,
        "copied",
        "show",
    ),
    _f(
        "interviews_conducted",
        "interviews conducted last year",
        _FR.citation,
        _FR.year,
        _FR.confidence,
        "copied",
        "derive",
    ),
    _f(
        "pct_usmd",
        "% of current residents who are U.S. MD graduates",
        _FR.citation,
        _FR.year,
        _FR.confidence,
        "copied",
        "derive",
    ),
    _f(
        "pct_do",
        "% of current residents who are DO graduates",
        _FR.citation,
        _FR.year,
        _FR.confidence,
        "copied",
        "derive",
    ),
    _f(
        "pct_img",
        "% of current residents who are IMGs",
        _FR.citation,
        _FR.year,
        _FR.confidence,
        "copied",
        "derive",
    ),
    _f(
        "setting",
        "setting the program reports",
        _FR.citation,
        _FR.year,
        _FR.confidence,
        "FREIDA label shortened",
        "show",
    ),
    _f(
        "visa_j1",
        "sponsors J-1: yes, no or unknown",
        _FR.citation,
        _FR.year,
        _FR.confidence,
        "from the list of accepted visa statuses; an empty list is unknown",
        "show",
    ),
    _f(
        "visa_h1b",
        "sponsors H-1B: yes, no or unknown",
        _FR.citation,
        _FR.year,
        _FR.confidence,
        "from the list of accepted visa statuses; an empty list is unknown",
        "show",
    ),
    _f(
        "participates_in_eras",
        "takes applications through ERAS",
        _FR.citation,
        _FR.year,
        _FR.confidence,
        "copied",
        "show",
    ),
]

TRACKS = [
    _f(
        "program_code",
        "NRMP program (track) code",
        _N.citation,
        _N.year,
        _N.confidence,
        "copied",
        "show",
    ),
    _f(
        "institution_code",
        "NRMP institution code",
        _N.citation,
        _N.year,
        _N.confidence,
        "first 4 characters of the code",
        "show",
    ),
    _f(
        "institution",
        "institution name",
        _W.citation,
        _W.year,
        _W.confidence,
        "looked up by institution code; state suffix removed",
        "show",
    ),
    _f(
        "state",
        "institution state",
        _W.citation,
        _W.year,
        _W.confidence,
        "from the institution name's suffix; the results file's state is unreliable",
        "show",
    ),
    _f(
        "state_source",
        "which source gave the state",
        BUILD,
        "2026",
        "primary",
        "recorded by the build",
        "show",
    ),
    _f(
        "specialty_code",
        "NRMP specialty code",
        _N.citation,
        _N.year,
        _N.confidence,
        "characters 5-7 of the code",
        "show",
    ),
    _f(
        "track_type",
        "categorical, preliminary, advanced, reserved or primary care",
        _N.citation,
        _N.year,
        _N.confidence,
        "from the track letter",
        "show",
    ),
    _f("track_name", "NRMP track label", _N.citation, _N.year, _N.confidence, "copied", "show"),
    _f(
        "quota_2026",
        "positions offered in the 2026 Match",
        _N.citation,
        _N.year,
        _N.confidence,
        "copied",
        "derive",
    ),
    _f(
        "filled_2026",
        "positions filled in the 2026 Match",
        _N.citation,
        _N.year,
        _N.confidence,
        "copied",
        "derive",
    ),
    _f(
        "acgme_id",
        "ACGME program of the track, where joined with confidence",
        BUILD,
        "2026",
        "primary",
        "institution name + state + specialty code join",
        "show",
    ),
    _f(
        "join_note",
        "why the track has no program",
        BUILD,
        "2026",
        "primary",
        "recorded by the build",
        "show",
    ),
]

POSITIONS = [
    _f("acgme_id", "ACGME program id", BUILD, "2026", "primary", "one row per program", "derive"),
    _f(
        "positions",
        "positions the program offers entering applicants",
        f"{_N.citation}; {_FR.citation}",
        "2026",
        "secondary",
        "NRMP quota of the joined C/A/M tracks, else FREIDA first-year positions, else the "
        "specialty's median (an estimate); empty when no source covers the specialty",
        "derive",
    ),
    _f("basis", "sourced, estimate or missing", BUILD, "2026", "primary", "recorded", "derive"),
    _f("method", "how the number was made", BUILD, "2026", "primary", "recorded", "derive"),
]

HISTORY = [
    _f(
        "program_code",
        "NRMP program code",
        _FL.citation,
        _FL.year,
        _FL.confidence,
        "copied",
        "derive",
    ),
    _f(
        "year",
        "Match year",
        _FL.citation,
        _FL.year,
        _FL.confidence,
        "from the column name",
        "derive",
    ),
    _f("quota", "positions offered", _FL.citation, _FL.year, _FL.confidence, "copied", "derive"),
    _f("matched", "positions filled", _FL.citation, _FL.year, _FL.confidence, "copied", "derive"),
    _f(
        "in_2026_results",
        "the code is also in the national 2026 results",
        BUILD,
        "2026",
        "primary",
        "looked up",
        "derive",
    ),
]

SPECIALTIES = [
    _f(name, desc, CURATION, "2026", conf, how, "show")
    for name, desc, conf, how in [
        ("key", "SmartPick specialty key (reference data slugs)", "secondary", "curated"),
        ("name", "canonical name", "secondary", "curated"),
        ("aliases", "other names users type, ';'-separated", "secondary", "curated"),
        (
            "acgme_code",
            "ACGME specialty code",
            "secondary",
            "checked against the first 3 digits of the specialty's ACGME ids",
        ),
        (
            "nrmp_code",
            "NRMP specialty code where the specialty has 2026 Main Match tracks",
            "secondary",
            "present in the NRMP 2026 program results",
        ),
        (
            "match",
            "the match: NRMP, AUA (Urology), SF Match (Ophthalmology); empty if none",
            "secondary",
            "curated from ../shared/data/reference/README.md and signals.csv",
        ),
        (
            "entry_level",
            "usual entry level: categorical, advanced, independent",
            "secondary",
            "curated from the NRMP 2026 track letters; unverified where the notes say so",
        ),
        ("notes", "what the curation rests on", "secondary", "curated"),
    ]
]

SIGNALS = [
    _cited("season", "ERAS season (Match year)", "signals.csv", "show"),
    _cited(
        "specialty_key",
        "SmartPick key; '*' = all other specialties",
        "signals.csv",
        "show",
        "combined groups expanded to each specialty",
    ),
    _cited("service", "application service named by the source", "signals.csv", "show"),
    _cited("gold", "gold signals", "signals.csv", "show"),
    _cited("silver", "silver signals", "signals.csv", "show"),
    _cited("single_tier", "signals in a single-tier design", "signals.csv", "show"),
    _cited("signal_statement", "a signal statement is required", "signals.csv", "show"),
    _cited("source_specialty", "the source's specialty wording", "signals.csv", "show"),
    _cited("notes", "source notes", "signals.csv", "show"),
    *_row_source("signals.csv", "show"),
]

FEES = [
    *[
        _cited(n, d, "fees.csv", "show")
        for n, d in [
            ("season", "ERAS season (Match year); empty if not stated"),
            ("service", "ERAS, ResidencyCAS or NRMP"),
            ("item", "what the fee is for"),
            ("from_count", "first program (or rank) of the tier"),
            ("to_count", "last program of the tier; empty = no limit"),
            ("amount_usd", "amount in US dollars"),
            ("unit", "flat, per_program, per_rank, per_transcript, per_partner, total"),
            ("per_specialty", "tiers reset for each specialty"),
            ("notes", "source notes"),
        ]
    ],
    *_row_source("fees.csv", "show"),
]
CALENDAR = [
    *[
        _cited(n, d, "calendar.csv", "show")
        for n, d in [
            ("match_year", "Match year"),
            ("service", "ERAS, ResidencyCAS or NRMP"),
            ("event", "what happens"),
            ("date", "ISO date; empty for season-level changes"),
            ("time_et", "US Eastern time"),
            ("projected", "true when the date is a projection"),
            ("notes", "source notes"),
        ]
    ],
    _cited(
        "event_key",
        "SmartPick's key for events it looks up (review_opens, ...)",
        "calendar.csv",
        "show",
        "derived from the event text by keywords",
    ),
    *_row_source("calendar.csv", "show"),
]
EXAMS = [
    *[
        _cited(n, d, "exams.csv", "show")
        for n, d in [
            ("exam", "exam"),
            ("fact_key", "lookup key"),
            ("fact", "the fact in words"),
            ("value", "value"),
            ("value_high", "upper value of a range"),
            ("unit", "unit"),
            ("effective_date", "date from which it applies"),
            ("notes", "source notes"),
        ]
    ],
    *_row_source("exams.csv", "show"),
]
DIVISIONS = [
    *[
        _cited(n, d, "census_divisions.csv", "show")
        for n, d in [
            ("division_number", "1-9"),
            ("division", "division name"),
            ("region", "census region"),
            ("state_code", "USPS state code"),
        ]
    ],
    *_row_source("census_divisions.csv", "show"),
]
EVIDENCE = [
    *[
        _cited(n, d, "evidence.csv", "show")
        for n, d in [
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
    ],
    *_row_source("evidence.csv", "show"),
]
FIGURES = [
    _cited(
        n,
        d,
        "charting_outcomes_*.csv, fill_by_specialty_2025.csv, match_totals.csv",
        "derive",
        "reshaped to one cited figure per row",
    )
    for n, d in [
        ("year", "Match year; empty where the source does not state it"),
        ("specialty_key", "SmartPick key, or 'all'"),
        ("applicant_type", "md, do, us-img, non-us-img, all, or unstated"),
        ("metric", "what the figure is"),
        ("value", "the figure"),
        ("report", "the NRMP report it comes from"),
        ("source", "who transcribed it"),
        ("confidence", "primary, secondary or unverified"),
    ]
]

BUILD_INPUTS = {
    "tyler_acgme_obgyn/city_state_latlong.csv": {
        **_T.as_dict(),
        "use": "build",
        "what": "city centroids to geocode programs that had no coordinates",
    },
    "wavegate_nrmp_codes/institutions.csv": {
        **_W.as_dict(),
        "use": "build",
        "what": "institution names and states to join NRMP tracks to programs",
    },
    "labels/interview_rates_join_sample.csv": {
        "source": "SmartPick, hand-labelled",
        "year": "2026",
        "confidence": "primary",
        "use": "build",
        "what": "ground truth to measure the precision of the interview-rate join",
    },
}
