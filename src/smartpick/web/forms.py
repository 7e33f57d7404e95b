"""The web form, the only parser of what a student types: the profile's fields, the plan's
options and the rank page's ratings, in the words the pages use."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from smartpick.core.numbers import finite_number, whole_number
from smartpick.core.plan.decision import COST_OF_NOT_MATCHING
from smartpick.core.profile import APPLICANT_TYPES, Profile
from smartpick.core.results import Plan, ProgramName
from smartpick.core.seasons import user_date
from smartpick.errors import InputError
from smartpick.services import Services
from smartpick.services.midseason import Answer, read_applied
from smartpick.services.plan import plan_report
from smartpick.services.program import find_program, program_names
from smartpick.web.words import dollars

PROFILE_FIELDS = (
    "specialty",
    "applicant_type",
    "step2",
    "step2_kind",
    "step2_date",
    "step1",
    "comlex2",
    "graduation_year",
    "failed_attempts",
    "research_items",
    "us_clinical_months",
    "visa",
    "home_state",
    "school_state",
    "home_program",
    "away_rotations",
    "backup_specialty",
    "season",
)


INTEGER_FIELDS = (
    "step2",
    "comlex2",
    "graduation_year",
    "failed_attempts",
    "research_items",
    "season",
)


OPTION_FIELDS = (
    "applications",
    "budget",
    "signals",
    "fee_assistance",
    "geography",
    "connections",
    "cost_of_not_matching",
)


# The most a year without a match may be said to cost (the plan refuses more).
MOST_COST_OF_NOT_MATCHING = 10_000_000


# The form's help for it: the default and its source (the source without its web address).
COST_OF_NOT_MATCHING_HELP = (
    f"Empty: ${COST_OF_NOT_MATCHING.value:,.0f}, the average pay of a first-year resident "
    f"({COST_OF_NOT_MATCHING.source.split(' (http')[0]}); a lost year costs more than that "
    "pay. The higher the cost, the more applications are worth their fees."
)


# The profile's fields in the words of the form, for the line on what the numbers leave out.
FIELD_WORDS = {
    "specialty": "specialty",
    "applicant_type": "applicant type",
    "step2": "Step 2 CK",
    "season": "Match season",
    "applications": "number of applications",
    "step2_kind": "whether the score is reported or expected",
    "step2_date": "the Step 2 CK test date",
    "step1": "Step 1",
    "comlex2": "COMLEX Level 2-CE",
    "graduation_year": "graduation year",
    "failed_attempts": "failed exam attempts",
    "research_items": "abstracts, presentations and publications",
    "us_clinical_months": "months of US clinical experience",
    "visa": "visa need",
    "home_state": "state of legal residence",
    "school_state": "state of your medical school",
    "home_program": "home program",
    "away_rotations": "away rotations",
    "backup_specialty": "backup specialty",
}


def field_words(name: str) -> str:
    return FIELD_WORDS.get(name, name.replace("_", " "))


class FormErrors(InputError):
    """Every wrong field of a form at once, each with its message for the student."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = errors


# An example of what each whole-number field takes, for its message.
EXAMPLES = {
    "step2": "245",
    "comlex2": "550",
    "graduation_year": "2027",
    "failed_attempts": "0",
    "research_items": "3",
    "season": "2028",
    "applications": "30",
}
REQUIRED = {
    "specialty": "Choose the specialty you are applying to.",
    "applicant_type": "Choose what kind of applicant you are (U.S. MD, DO or IMG).",
}
US_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _not_whole(name: str, text: str) -> str:
    return (
        f"{_first_up(field_words(name))}: '{text}' is not a whole number; write it in "
        f"digits, such as {EXAMPLES.get(name, '12')}."
    )


def _iso_date(text: str) -> str:
    """A date as US students write it (07/28/2027) in the form's own format (2027-07-28)."""
    found = US_DATE.match(text)
    return f"{found[3]}-{int(found[1]):02d}-{int(found[2]):02d}" if found else text


def parse_form_profile(form: dict[str, str]) -> Profile:
    """The profile of the form; FormErrors names every wrong field at once."""
    data: dict[str, Any] = {k: form[k] for k in PROFILE_FIELDS if form.get(k)}
    errors = {name: message for name, message in REQUIRED.items() if not data.get(name)}
    for name in INTEGER_FIELDS:
        if name in data:
            number = whole_number(data[name])
            if number is None:
                errors[name] = _not_whole(name, data.pop(name))
            else:
                data[name] = number
    if "us_clinical_months" in data:
        months = finite_number(data["us_clinical_months"])
        if months is None:
            errors["us_clinical_months"] = (
                f"Months of US clinical experience: '{data.pop('us_clinical_months')}' is not "
                "a number; write it in digits, such as 6."
            )
        else:
            data["us_clinical_months"] = months
    if "step2_date" in data:
        data["step2_date"] = _iso_date(data["step2_date"])
    if "away_rotations" in data:
        data["away_rotations"] = [a.strip() for a in data["away_rotations"].split(",") if a.strip()]
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            if name not in errors:
                errors[name] = _message(name, error)
        raise FormErrors(errors) from None
    if errors:
        raise FormErrors(errors)
    return profile


def _message(name: str, error: Any) -> str:
    """A validator's message in a student's words."""
    reason = str(error["msg"]).removeprefix("Value error, ").rstrip(".")
    if error["type"].startswith("date"):
        reason = "not a date; write it as 07/28/2027 or 2027-07-28"
    elif error["type"] in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        low, high = _bounds(name)
        given = error.get("input")
        reason = (
            f"{given} is out of range; give a number from {low} to {high}"
            if low is not None and high is not None
            else f"out of range ({reason.lower()})"
        )
    return f"{_first_up(field_words(name))}: {reason}."


def _bounds(name: str) -> tuple[Any, Any]:
    """The smallest and largest value the profile takes in a field (None where unbounded)."""
    field = Profile.model_fields.get(name)
    low = high = None
    for rule in field.metadata if field is not None else ():
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high


def _first_up(words: str) -> str:
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class PlanOptions:
    """The plan page's options, checked."""

    applications: int | None
    budget: float | None
    signals: str
    fee_assistance: bool
    geography: str | list[int]
    connections: list[str]
    cost_of_not_matching: float = COST_OF_NOT_MATCHING.value

    def report(self, services: Services, profile: Profile) -> Plan:
        return plan_report(
            services,
            profile,
            self.applications,
            self.budget,
            self.signals,
            geography=self.geography,
            fee_assistance=self.fee_assistance,
            connections=self.connections,
            cost_of_not_matching=self.cost_of_not_matching,
        )


def amount(form: dict[str, str], name: str, example: str) -> float | None:
    """A dollar amount as people write it ("$68,166", "68166", "68,166.50"), or None when
    the field is empty."""
    text = form[name]
    if not text:
        return None
    value = finite_number(text.replace("$", "").replace(",", "").replace(" ", ""))
    if value is None:
        raise InputError(
            f"'{text}' is not an amount in dollars: write a number, such as {example}",
            field=name,
        )
    return value


def parse_options(form: dict[str, str], services: Services) -> PlanOptions:
    """The plan's options of the form; FormErrors names every wrong amount at once (the rest
    are checked one at a time, after them)."""
    errors: dict[str, str] = {}
    applications = None
    if form["applications"]:
        applications = whole_number(form["applications"])
        if applications is None:
            errors["applications"] = _not_whole("applications", form["applications"])
    amounts: dict[str, float | None] = {}
    for name, example in (("budget", "900 or $900"), ("cost_of_not_matching", "68166 or $68,166")):
        try:
            amounts[name] = amount(form, name, example)
        except InputError as exc:
            errors[name] = exc.message
    if applications is not None and applications < 1:
        errors["applications"] = (
            f"Applications: '{form['applications']}' is not a number of programs; give 1 or "
            "more, or leave it empty for SmartPick's count."
        )
    spend = amounts.get("budget")
    if spend is not None and spend <= 0:
        errors["budget"] = (
            f"Budget: '{form['budget']}' is not an amount you can spend; give a number of "
            "dollars above $0, such as $900, or leave it empty."
        )
    if errors:
        raise FormErrors(errors)
    budget, cost_of_not_matching = amounts["budget"], amounts["cost_of_not_matching"]
    if cost_of_not_matching is None:
        cost_of_not_matching = COST_OF_NOT_MATCHING.value
    elif not 0 < cost_of_not_matching <= MOST_COST_OF_NOT_MATCHING:
        raise InputError(
            f"'{form['cost_of_not_matching']}' is out of range: give an amount above $0 and up "
            f"to {dollars(MOST_COST_OF_NOT_MATCHING)}, or leave it empty for "
            f"{dollars(COST_OF_NOT_MATCHING.value)}",
            field="cost_of_not_matching",
        )
    signals = form["signals"] or "auto"
    if signals not in ("auto", "none"):
        raise InputError(f"signals '{signals}': auto or none", field="signals")
    if form["fee_assistance"] not in ("", "yes"):
        raise InputError(
            f"fee_assistance '{form['fee_assistance']}': yes, or leave it out",
            field="fee_assistance",
        )
    text = form["geography"].strip().lower()
    geography: str | list[int] = text or "none"
    if text not in ("", "none", "auto"):
        try:
            geography = [services.division(d) for d in text.split(",") if d.strip()]
        except InputError as exc:
            raise InputError(exc.message, field="geography", hint=exc.hint) from None
    connections = [c.strip() for c in form["connections"].split(",") if c.strip()]
    return PlanOptions(
        applications,
        budget,
        signals,
        form["fee_assistance"] == "yes",
        geography,
        connections,
        cost_of_not_matching,
    )


def parse_ratings(text: str) -> dict[str, float]:
    """Lines (or commas) of ID=N."""
    out: dict[str, float] = {}
    for entry in text.replace("\n", ",").split(","):
        if not entry.strip():
            continue
        pid, sep, value = entry.partition("=")
        try:
            out[pid.strip()] = float(value)
        except ValueError:
            raise InputError(
                f"rating '{entry.strip()}': write ACGME id=rating, e.g. 4004500001=8",
                field="ratings",
            ) from None
        if not sep:
            raise InputError(f"rating '{entry.strip()}': write ACGME id=rating", field="ratings")
    return out


def profile_summary(profile: Profile, options: PlanOptions, services: Services) -> list[str]:
    """What a plan was made from, in a line of short phrases (the page, its shared link and
    the PDF say it near the top, so an advisor opening it can tell)."""
    parts = [APPLICANT_TYPES[profile.applicant_type]]
    if profile.step2 is not None:
        kind = "expected" if profile.step2_kind == "expected" else "reported"
        parts.append(f"Step 2 CK {profile.step2} ({kind})")
    else:
        parts.append("no Step 2 CK score yet")
    if profile.school_state:
        parts.append(f"medical school in {profile.school_state}")
    if profile.visa != "none":
        parts.append(
            f"visa needed: {profile.visa.upper() if profile.visa != 'either' else 'J-1 or H-1B'}"
        )
    if profile.backup_specialty:
        parts.append(
            "backup "
            + services.resolve_specialty(profile.backup_specialty, "backup_specialty").name
        )
    if options.applications is not None:
        parts.append(f"{options.applications} applications asked for")
    if options.budget is not None:
        parts.append(f"budget {dollars(options.budget)}")
    parts.append(f"the {profile.season or services.season} Match")
    return parts


# The midseason page's lists: one program a line (a name or its ACGME id), by the answer.
ANSWER_FIELDS = {
    "invited": "Programs that invited you to interview",
    "rejected": "Programs that turned you down",
    "waiting": "Programs you have not heard from",
    "withdrawn": "Programs you withdrew from",
}
# Which programs of those lists carry a signal, one a line: the first tier (gold, or the one
# kind where a specialty has only one) and silver.
SIGNAL_FIELDS = {
    "signaled_gold": "Programs you sent a gold signal (or your signal, where there is one kind)",
    "signaled_silver": "Programs you sent a silver signal",
}
MIDSEASON_FIELDS = (*ANSWER_FIELDS, *SIGNAL_FIELDS, "applied", "today")


def _listed(
    form: dict[str, str], name: str, label: str, programs: list[ProgramName]
) -> Iterator[tuple[int, ProgramName]]:
    """The programs of one of the page's lists, one a line (empty lines skipped), each with
    its line; a name SmartPick is not sure of names the list and the line."""
    for line, text in enumerate(form.get(name, "").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            yield line, find_program(programs, text)
        except InputError as exc:
            raise InputError(
                f"{label}, line {line}: {exc.message}", field=name, hint=exc.hint
            ) from None


def parse_answers(form: dict[str, str], services: Services, specialty: str) -> list[Answer]:
    """The midseason page's answers: a pasted CSV (program_id,status,date) and the names or
    ids pasted under each answer, one a line, each matched to the specialty's programs. A name
    SmartPick is not sure of names its list and line, with the closest programs."""
    answers = read_applied(form["applied"]) if form.get("applied") else []
    where = {a.program_id: "the pasted list" for a in answers}
    programs = program_names(services, specialty)  # once, not once a line
    for status, label in ANSWER_FIELDS.items():
        for line, program in _listed(form, status, label, programs):
            if program.acgme_id in where:
                raise InputError(
                    f"{label}, line {line}: {program.name} is also in {where[program.acgme_id]}",
                    field=status,
                    hint="Keep each program once, under its latest answer.",
                )
            where[program.acgme_id] = label.lower()
            answers.append(Answer(line, program.acgme_id, status, None))
    if not answers:
        raise InputError(
            "list the programs you applied to, under their answers so far",
            field="waiting",
            hint="One program a line: its name as listed, or its ACGME id.",
        )
    return _with_signals(form, answers, programs)


def _with_signals(
    form: dict[str, str], answers: list[Answer], programs: list[ProgramName]
) -> list[Answer]:
    """The answers with the signals the page lists: each program there must be in a list
    above. A gold signal in a specialty with one kind is read as its signal
    (services.midseason)."""
    at = {a.program_id: k for k, a in enumerate(answers)}
    for name, label in SIGNAL_FIELDS.items():
        tier = name.removeprefix("signaled_")
        for line, program in _listed(form, name, label, programs):
            k = at.get(program.acgme_id)
            if k is None:
                raise InputError(
                    f"{label}, line {line}: {program.name} is not in your lists above",
                    field=name,
                    hint="List it under the answer it has given, then mark its signal here.",
                )
            if answers[k].signal is not None and answers[k].signal != tier:
                raise InputError(
                    f"{label}, line {line}: {program.name} already carries a "
                    f"{answers[k].signal} signal",
                    field=name,
                    hint="A program gets one signal: keep it in one list.",
                )
            answers[k] = replace(answers[k], signal=tier, signal_at=(name, f"{label}, line {line}"))
    return answers


def parse_today(text: str) -> dt.date | None:
    """The page's date to read the answers at (empty: today)."""
    if not text:
        return None
    return user_date(text, "today", "the date", "2026-12-06")
