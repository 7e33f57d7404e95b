"""Server-rendered pages: the profile form, the plan, a program, how it works."""

from __future__ import annotations

import csv
import functools
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markdown_it import MarkdownIt

from smartpick.core.geography import albers_usa
from smartpick.core.plan.decision import COST_OF_NOT_MATCHING
from smartpick.core.profile import APPLICANT_TYPES, Profile, parse_profile
from smartpick.errors import InputError, NotFoundError
from smartpick.services import Services, saved
from smartpick.services.advice import SECTIONS, advise_report
from smartpick.services.plan import LIST_COLUMNS, plan_report
from smartpick.services.rank import rank_report
from smartpick.services.standing import standing_report
from smartpick.web.pdf import dollars, render_pdf, sentence
from smartpick.web.security import csrf_ok, csrf_token, set_csrf_cookie
from smartpick.web.templating import WEB, templates

router = APIRouter(include_in_schema=False)
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


def _field_words(name: str) -> str:
    return FIELD_WORDS.get(name, name.replace("_", " "))


templates.env.filters["sentence"] = sentence
templates.env.filters["dollars"] = dollars
templates.env.filters["field_words"] = _field_words


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _form(request: Request) -> dict[str, str]:
    """What the user typed, as typed (kept when the page reports an error)."""
    return {k: request.query_params.get(k, "").strip() for k in (*PROFILE_FIELDS, *OPTION_FIELDS)}


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    services = _services(request)
    token = csrf_token(request)
    base = {
        "season": services.season,
        "specialties": services.specialties(),
        "types": APPLICANT_TYPES,
        "csrf": token,
        "cost_of_not_matching_help": COST_OF_NOT_MATCHING_HELP,
    }
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
    set_csrf_cookie(response, token)
    return response


def _check_csrf(request: Request, posted: Any) -> None:
    """The forms that change something carry the token of the page's own cookie."""
    if not csrf_ok(request, str(posted.get("csrf", ""))):
        raise InputError(
            "this form has expired or did not come from SmartPick's own page",
            field="csrf",
            hint="Go back, reload the page and submit again.",
        )


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> Response:
    return _page(request, "index.html", {"form": _form(request), "errors": {}})


def _profile(form: dict[str, str]) -> Profile:
    data: dict[str, Any] = {k: form[k] for k in PROFILE_FIELDS if form.get(k)}
    for name in INTEGER_FIELDS:
        if name in data:
            if not data[name].isdigit():
                raise InputError(f"{name} '{data[name]}': a whole number", field=name)
            data[name] = int(data[name])
    if "us_clinical_months" in data:
        try:
            data["us_clinical_months"] = float(data["us_clinical_months"])
        except ValueError:
            raise InputError(
                f"us_clinical_months '{data['us_clinical_months']}': a number of months",
                field="us_clinical_months",
            ) from None
    if "away_rotations" in data:
        data["away_rotations"] = [a.strip() for a in data["away_rotations"].split(",") if a.strip()]
    return parse_profile(data)


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

    def report(self, services: Services, profile: Profile) -> dict[str, Any]:
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


def _amount(form: dict[str, str], name: str, example: str) -> float | None:
    """A dollar amount as people write it ("$68,166", "68166", "68,166.50"), or None when
    the field is empty."""
    text = form[name]
    if not text:
        return None
    try:
        value = float(text.replace("$", "").replace(",", "").replace(" ", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError(
            f"'{text}' is not an amount in dollars: write a number, such as {example}",
            field=name,
        )
    return value


def _options(form: dict[str, str], services: Services) -> PlanOptions:
    applications = None
    if form["applications"]:
        if not form["applications"].isdigit():
            raise InputError(
                f"applications '{form['applications']}': a whole number", field="applications"
            )
        applications = int(form["applications"])
    budget = _amount(form, "budget", "900 or $900")
    cost_of_not_matching = _amount(form, "cost_of_not_matching", "68166 or $68,166")
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


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request) -> Response:
    form = _form(request)
    try:
        context = _plan_context(request, form)
    except InputError as exc:
        field = (exc.field or "form").split(".")[0]
        errors = {field: exc.message + (f" ({exc.hint})" if exc.hint else "")}
        return _page(request, "index.html", {"form": form, "errors": errors}, status=400)
    return _page(request, "plan.html", context)


def _plan_context(request: Request, form: dict[str, str], figures: bool = True) -> dict[str, Any]:
    """What the plan page shows; without `figures`, no chart or map (the PDF draws neither)."""
    services = _services(request)
    profile = _profile(form)
    options = _options(form, services)
    plan = options.report(services, profile)
    default = (
        options.applications is None
        and options.budget is None
        and options.signals == "auto"
        and options.geography == "none"
        and not options.connections
    )
    return {
        "form": form,
        "profile": profile,
        "plan": plan,
        "standing": standing_report(services, profile),
        # The page's plan is the default one when the user left count and budget empty (a
        # cost of not matching of their own still leaves the count to SmartPick).
        "advice": advise_report(
            services,
            profile,
            plan=plan if default else None,
        ),
        "sections": SECTIONS,
        "chart": _chart(plan.get("curve", [])) if figures else None,
        "map": _map(services, plan) if figures else None,
        "query": urlencode({k: v for k, v in form.items() if v}),
    }


@router.get("/rank", response_class=HTMLResponse)
def rank_page(request: Request) -> Response:
    """After the interviews: the rank order list for the programs that interviewed you."""
    form = _form(request)
    form["programs"] = request.query_params.get("programs", "").strip()
    form["ratings"] = request.query_params.get("ratings", "").strip()
    context: dict[str, Any] = {"form": form, "errors": {}, "report": None}
    if not form["programs"]:
        return _page(request, "rank.html", context)
    try:
        profile = _profile(form)
        programs = [p for p in form["programs"].replace("\n", ",").split(",") if p.strip()]
        context["report"] = rank_report(
            _services(request), profile, programs, _ratings(form["ratings"])
        )
    except InputError as exc:
        field = (exc.field or "form").split(".")[0]
        context["errors"] = {field: exc.message + (f" ({exc.hint})" if exc.hint else "")}
        return _page(request, "rank.html", context, status=400)
    return _page(request, "rank.html", context)


def _ratings(text: str) -> dict[str, float]:
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


@router.post("/saved", response_class=HTMLResponse)
async def save_plan(request: Request) -> Response:
    """Save the plan page's inputs; show the read-only link and the delete link once."""
    posted = await request.form()
    _check_csrf(request, posted)
    form = {k: str(posted.get(k, "")).strip() for k in (*PROFILE_FIELDS, *OPTION_FIELDS)}
    _profile(form)  # only a valid profile is saved
    _options(form, _services(request))
    token, key = saved.save(_services(request), {k: v for k, v in form.items() if v})
    return _page(request, "saved.html", {"token": token, "key": key}, status=201)


@router.get("/saved/{token}", response_class=HTMLResponse)
def saved_plan(request: Request, token: str) -> Response:
    inputs, version, when = saved.load(_services(request), token)
    form = {k: inputs.get(k, "") for k in (*PROFILE_FIELDS, *OPTION_FIELDS)}
    context = _plan_context(request, form)
    context["saved"] = {
        "at": when,
        "version": version,
        "changed": version != _services(request).dataset.version,
    }
    return _page(request, "plan.html", context)


@router.get("/saved/{token}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, token: str, key: str = "") -> Response:
    return _page(request, "delete.html", {"token": token, "key": key})


@router.post("/saved/{token}/delete", response_class=HTMLResponse)
async def delete_plan(request: Request, token: str) -> Response:
    posted = await request.form()
    _check_csrf(request, posted)
    saved.delete(_services(request), token, str(posted.get("key", "")))
    return _page(request, "deleted.html", {})


@router.get("/plan.csv")
def plan_csv(request: Request) -> Response:
    form = _form(request)
    profile = _profile(form)
    plan = _options(form, _services(request)).report(_services(request), profile)
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=LIST_COLUMNS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(plan["programs"])
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="smartpick-{plan["specialty"]}.csv"'
        },
    )


@router.get("/plan.pdf")
def plan_pdf(request: Request) -> Response:
    """The whole plan as a printable PDF (reportlab; fonts built in, nothing fetched)."""
    context = _plan_context(request, _form(request), figures=False)
    data = render_pdf(
        context["plan"],
        context["standing"],
        context["advice"],
        asked_count=bool(context["form"]["applications"]),
    )
    specialty = context["plan"]["specialty"]
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="smartpick-{specialty}.pdf"'},
    )


@router.get("/programs/{acgme_id}", response_class=HTMLResponse)
def program_page(request: Request, acgme_id: str) -> Response:
    services = _services(request)
    program = services.programs_by_id.get(acgme_id)
    if program is None:
        raise NotFoundError(
            f"no program with ACGME id '{acgme_id}'",
            hint="Program ids are the 10 digits SmartPick lists.",
        )
    shown = services.public_program(program)
    table = {"programs", "freida_im"}
    fields = []
    for name, value in shown.items():
        source = next(
            (
                services.dataset.field_provenance(t, name)
                for t in sorted(table)
                if name in services.dataset.fields(t)
            ),
            {},
        )
        fields.append(
            {
                "name": name,
                "value": value,
                "source": source.get("source", ""),
                "year": source.get("year", ""),
                "confidence": source.get("confidence", ""),
            }
        )
    return _page(request, "program.html", {"program": program, "fields": fields})


@router.get("/how-it-works", response_class=HTMLResponse)
def how_it_works(request: Request) -> Response:
    record = _services(request).parameters
    return _page(request, "how.html", {"record": record})


@functools.cache
def _atlas() -> dict[str, Any]:
    """The shipped state outlines (build.atlas), read once."""
    data: dict[str, Any] = json.loads((WEB / "static" / "us-states.json").read_text("utf-8"))
    return data


def _map(services: Services, plan: dict[str, Any]) -> dict[str, Any]:
    """The listed programs as points on the state outlines, projected the same way; the
    programs the map cannot show (territories, no coordinates) are named."""
    project = albers_usa()
    points, outside = [], []
    for p in plan.get("programs", []):
        program = services.programs_by_id[p["program_id"]]
        at = None
        if program.latitude is not None and program.longitude is not None:
            at = project(program.longitude, program.latitude)
        if at is None:
            outside.append(p["name"])
        else:
            points.append(
                {"x": round(at[0], 1), "y": round(at[1], 1), "name": p["name"], "tier": p["tier"]}
            )
    atlas = _atlas()
    return {
        "states": atlas["states"],
        "width": atlas["width"],
        "height": atlas["height"],
        "points": points,
        "outside": outside,
    }


DOCS = Path(__file__).resolve().parents[3] / "docs"  # the checkout's docs, when there is one


@router.get("/validation", response_class=HTMLResponse)
def validation_page(request: Request) -> Response:
    """The validation report (docs/validation.md), rendered; from a checkout only."""
    report = DOCS / "validation.md"
    if not report.is_file():
        raise NotFoundError(
            "the validation report is not beside this installation",
            hint="It is docs/validation.md in the SmartPick repository.",
        )
    html = MarkdownIt("commonmark").enable("table").render(report.read_text(encoding="utf-8"))
    html = html.replace('src="validation/', 'src="/validation/')
    return _page(request, "report.html", {"html": html})


@router.get("/validation/{name}.svg")
def validation_figure(name: str) -> Response:
    figure = DOCS / "validation" / f"{name}.svg"
    if not name.isalnum() or not figure.is_file():
        raise NotFoundError(f"no figure '{name}' in the validation report")
    return Response(figure.read_bytes(), media_type="image/svg+xml")


def _chart(curve: list[dict[str, Any]], width: int = 560, height: int = 240) -> dict[str, Any]:
    """The chance of matching against the number of applications, and its cautious end (the
    low end of its 95% interval), as SVG coordinates."""
    if not curve:
        return {"points": "", "cautious": "", "width": width, "height": height, "ticks": []}
    n_max = int(curve[-1]["n"])
    pad = 36

    def x(n: float) -> float:
        return pad + (width - 2 * pad) * (n / n_max)

    def y(p: float) -> float:
        return height - pad - (height - 2 * pad) * p

    points = " ".join(f"{x(c['n']):.1f},{y(c['p_match']):.1f}" for c in curve)
    cautious = " ".join(
        f"{x(c['n']):.1f},{y(c['p_match_low']):.1f}" for c in curve if "p_match_low" in c
    )
    cost = {c["n"]: c["cost"] for c in curve}
    ticks = [
        {"x": x(n), "label": str(n), "cost": f"${cost[n]:g}" if n in cost else ""}
        for n in range(0, n_max + 1, max(10, n_max // 6))
    ]
    return {
        "points": points,
        "cautious": cautious,
        "width": width,
        "height": height,
        "ticks": ticks,
        "pad": pad,
        "y_ticks": [{"y": y(p), "label": f"{p:.0%}"} for p in (0, 0.5, 1.0)],
    }
