"""Server-rendered pages: the profile form, the plan, a program, how it works."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markdown_it import MarkdownIt

from smartpick.core.plan.report import LIKELY, TARGET
from smartpick.core.profile import APPLICANT_TYPES, Profile
from smartpick.core.results import Plan
from smartpick.errors import InputError, NotFoundError
from smartpick.services import Services, saved
from smartpick.services.advice import SECTIONS, advise_report
from smartpick.services.midseason import midseason_report
from smartpick.services.pgy1 import NRMP_CODE, track_answer
from smartpick.services.plan import LIST_COLUMNS, list_rows
from smartpick.services.program import program_answer
from smartpick.services.rank import rank_report
from smartpick.services.standing import standing_report
from smartpick.web.figures import chart, plan_map
from smartpick.web.forms import (
    ANSWER_FIELDS,
    COST_OF_NOT_MATCHING_HELP,
    MIDSEASON_FIELDS,
    OPTION_FIELDS,
    PROFILE_FIELDS,
    SIGNAL_FIELDS,
    FormErrors,
    field_words,
    parse_answers,
    parse_form_profile,
    parse_options,
    parse_ratings,
    parse_today,
    profile_summary,
)
from smartpick.web.pdf import render_pdf
from smartpick.web.security import csrf_ok, csrf_token, set_csrf_cookie
from smartpick.web.templating import WEB, templates
from smartpick.web.words import dollars, img_column, report_words, sentence

router = APIRouter(include_in_schema=False)


templates.env.filters["sentence"] = sentence
templates.env.filters["dollars"] = dollars
templates.env.filters["field_words"] = field_words


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
        "specialties": sorted(services.specialties(), key=lambda s: s.name),
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


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request) -> Response:
    form = _form(request)
    try:
        context = _plan_context(request, form)
    except FormErrors as exc:
        return _page(request, "index.html", {"form": form, "errors": exc.errors}, status=400)
    except InputError as exc:
        field = (exc.field or "form").split(".")[0]
        errors = {field: exc.message + (f" ({exc.hint})" if exc.hint else "")}
        return _page(request, "index.html", {"form": form, "errors": errors}, status=400)
    return _page(request, "plan.html", context)


def _plan_context(request: Request, form: dict[str, str]) -> dict[str, Any]:
    """What the plan page shows (and its PDF prints)."""
    services = _services(request)
    errors: dict[str, str] = {}
    try:
        profile = parse_form_profile(form)
    except FormErrors as exc:
        errors.update(exc.errors)
    try:
        options = parse_options(form, services)
    except FormErrors as exc:
        errors.update(exc.errors)
    if errors:  # every wrong field of the form at once
        raise FormErrors(errors)
    plan = options.report(services, profile)
    img_season = services.dataset.field_provenance("interview_rates", "non_us_img_interview_rate")[
        "year"
    ]
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
        "summary": profile_summary(profile, options, services),
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
        "tiers": {"likely": LIKELY, "target": TARGET},
        "chart": chart(plan.curve, plan.applications),
        "map": plan_map(services, plan),
        "query": urlencode({k: v for k, v in form.items() if v}),
        "season_query": _season_query(form, plan),
        "backup": _backup(services, profile, form),
        "img_season": img_season,
        "img_column": img_column(plan.applicant_type, img_season),
    }


def _season_query(form: dict[str, str], plan: Plan) -> str:
    """The 'In the season' page's address for the plan's list: the profile and the plan's
    season, every program not heard from yet, and the signals the plan placed."""
    tier = {"gold": "signaled_gold", "signal": "signaled_gold", "silver": "signaled_silver"}
    lists: dict[str, list[str]] = {"waiting": [], "signaled_gold": [], "signaled_silver": []}
    for p in plan.programs:
        lists["waiting"].append(p.program_id)
        if p.signal in tier:
            lists[tier[p.signal]].append(p.program_id)
    fields = {k: form[k] for k in PROFILE_FIELDS if form.get(k)} | {"season": str(plan.season)}
    return urlencode(fields | {k: "\n".join(v) for k, v in lists.items() if v})


def _backup(services: Services, profile: Profile, form: dict[str, str]) -> dict[str, str] | None:
    """The named backup specialty and the address of its own plan (the same profile with the
    backup as its specialty), so the page can always show it."""
    if not profile.backup_specialty:
        return None
    spec = services.resolve_specialty(profile.backup_specialty, "backup_specialty")
    inputs = {k: v for k, v in form.items() if v and k != "backup_specialty"}
    return {"name": spec.name, "query": urlencode({**inputs, "specialty": spec.key})}


@router.get("/rank", response_class=HTMLResponse)
def rank_page(request: Request) -> Response:
    """After the interviews: the rank order list for the programs that interviewed you."""
    form = _form(request)
    form["programs"] = request.query_params.get("programs", "").strip()
    form["ratings"] = request.query_params.get("ratings", "").strip()
    form["supplemental"] = request.query_params.get("supplemental", "").strip()
    profile_query = urlencode({k: form[k] for k in PROFILE_FIELDS if form[k]})
    context: dict[str, Any] = {"form": form, "errors": {}, "report": None, "query": profile_query}
    if not form["programs"]:
        return _page(request, "rank.html", context)
    try:
        profile = parse_form_profile(form)
        programs = [p for p in form["programs"].replace("\n", ",").split(",") if p.strip()]
        supplemental = form["supplemental"].replace("\n", ",").split(",")
        context["report"] = rank_report(
            _services(request), profile, programs, parse_ratings(form["ratings"]), supplemental
        )
    except InputError as exc:
        field = (exc.field or "form").split(".")[0]
        context["errors"] = {field: exc.message + (f" ({exc.hint})" if exc.hint else "")}
        return _page(request, "rank.html", context, status=400)
    return _page(request, "rank.html", context)


@router.get("/midseason", response_class=HTMLResponse)
def midseason_page(request: Request) -> Response:
    """In the season: the chance of matching now from the answers so far, and what to do."""
    form = _form(request)
    form |= {k: request.query_params.get(k, "").strip() for k in MIDSEASON_FIELDS}
    profile_query = urlencode({k: form[k] for k in PROFILE_FIELDS if form[k]})
    context: dict[str, Any] = {
        "form": form,
        "errors": {},
        "report": None,
        "query": profile_query,
        "answer_fields": ANSWER_FIELDS,
        "signal_fields": SIGNAL_FIELDS,
    }
    if not any(form[k] for k in (*ANSWER_FIELDS, "applied")):
        return _page(request, "midseason.html", context)
    services = _services(request)
    try:
        profile = parse_form_profile(form)
        specialty = services.resolve_specialty(profile.specialty).key
        answers = parse_answers(form, services, specialty)
        context["report"] = midseason_report(services, profile, answers, parse_today(form["today"]))
    except FormErrors as exc:
        context["errors"] = exc.errors
        return _page(request, "midseason.html", context, status=400)
    except InputError as exc:
        field = (exc.field or "form").split(".")[0]
        context["errors"] = {field: exc.message + (f" ({exc.hint})" if exc.hint else "")}
        return _page(request, "midseason.html", context, status=400)
    return _page(request, "midseason.html", context)


@router.post("/saved", response_class=HTMLResponse)
async def save_plan(request: Request) -> Response:
    """Save the plan page's inputs; show the read-only link and the delete link once."""
    posted = await request.form()
    _check_csrf(request, posted)
    form = {k: str(posted.get(k, "")).strip() for k in (*PROFILE_FIELDS, *OPTION_FIELDS)}
    parse_form_profile(form)  # only a valid profile is saved
    parse_options(form, _services(request))
    token, key = saved.save(_services(request), {k: v for k, v in form.items() if v})
    # The links in full, to copy into a message (behind a proxy, the address it was reached by).
    base = str(request.base_url)
    return _page(request, "saved.html", {"token": token, "key": key, "base": base}, status=201)


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
    profile = parse_form_profile(form)
    plan = parse_options(form, _services(request)).report(_services(request), profile)
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=LIST_COLUMNS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(list_rows(plan))
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="smartpick-{plan.specialty}.csv"'},
    )


@router.get("/plan.pdf")
def plan_pdf(request: Request) -> Response:
    """The whole plan as a printable PDF (reportlab; fonts built in, nothing fetched): what
    the page shows, its chart and map drawn as shapes."""
    context = _plan_context(request, _form(request))
    plan = context["plan"]
    data = render_pdf(
        plan,
        context["standing"],
        context["advice"],
        asked_count=bool(context["form"]["applications"]),
        summary=context["summary"],
        not_counted=[field_words(f) for f in plan.not_modelled],
        chart=context["chart"],
        plan_map=context["map"],
        backup=context["backup"],
        img_column=context["img_column"],
    )
    specialty = plan.specialty
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="smartpick-{specialty}.pdf"'},
    )


@router.get("/programs/{acgme_id}", response_class=HTMLResponse)
def program_page(request: Request, acgme_id: str) -> Response:
    """A program; opened from a plan (its profile in the address), the applicant's chances.
    A first-year track (an NRMP code) has its own page: where it is and how SmartPick knows."""
    services, form = _services(request), _form(request)
    if NRMP_CODE.match(acgme_id):
        back = urlencode({k: v for k, v in form.items() if v})
        return _page(
            request, "track.html", {"track": track_answer(services, acgme_id), "query": back}
        )
    profile, problem = None, None
    if form["specialty"] or form["applicant_type"]:
        try:
            profile = parse_form_profile(form)
        except FormErrors as exc:
            problem = " ".join(exc.errors.values())
    try:
        answer = program_answer(services, acgme_id, profile)
    except NotFoundError:
        raise
    except InputError as exc:  # the profile names no specialty SmartPick knows
        problem, profile = exc.message, None
        answer = program_answer(services, acgme_id)
    query = urlencode({k: v for k, v in form.items() if v}) if profile else ""
    context = {"program": answer, "query": query, "problem": problem}
    return _page(request, "program.html", context)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The icon for browsers that ask the site root for it (the pages name the SVG)."""
    return Response(
        (WEB / "static" / "favicon.svg").read_bytes(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/how-it-works", response_class=HTMLResponse)
def how_it_works(request: Request) -> Response:
    record = _services(request).parameters
    return _page(request, "how.html", {"record": record})


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
    names = _services(request).specialty_names
    text = report_words(report.read_text(encoding="utf-8"), names)
    html = MarkdownIt("commonmark").enable("table").render(text)
    html = html.replace('src="validation/', 'src="/validation/')
    return _page(request, "report.html", {"html": html})


@router.get("/validation/{name}.svg")
def validation_figure(name: str) -> Response:
    figure = DOCS / "validation" / f"{name}.svg"
    if not name.isalnum() or not figure.is_file():
        raise NotFoundError(f"no figure '{name}' in the validation report")
    return Response(figure.read_bytes(), media_type="image/svg+xml")
