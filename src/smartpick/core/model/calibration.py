"""Closed-form calibration (METHODS §3.6, fallback): fit the model's parameters so that
typical applicants reproduce the published Step 2 CK distributions of matched and unmatched
applicants, specialty by specialty, and the published figures on interviews.

Targets. One per published cell (specialty x applicant type): the matched and unmatched
applicants with their score distributions (core.model.standing), expanded to individuals: n1
matched applicants spread over their normal, n0 unmatched over theirs, on Gauss-Hermite
nodes. The log-likelihood of those individuals under the model's P(match | score, at least
one interview) is fitted; each cell carries two targets (its match share and how the chance
moves with the score) or one where the unmatched scores are suppressed. Moments: the share
matched by number of interviews (pooled over a type's cells), contiguous-rank medians of
matched and unmatched applicants, and interviews per matched applicant, each a normal
penalty with its tolerance.

Parameters. Per applicant type, the score's weight b, the spread sigma of what programs see
beyond the score, and the conversion c (core.model); per share group (U.S. seniors, IMGs)
the conversion spread tau, the application share and the targeting alpha; the conversion
weight lambda; per specialty, one conversion offset u shared by every type and, where
contiguous ranks are published, a deviation of the application share, both shrunk toward 0
by normal priors. A specialty left out of the fit gets u = 0: its prediction then rests on
its programs' published interview rates alone.

Two stages (`fit_in_stages`). Non-U.S. IMGs' Step 2 CK acts differently by specialty (Family
Medicine's matched and unmatched have the same scores, Internal Medicine's do not), so their
score weight gets a deviation per specialty with published unmatched scores (log, shrunk
toward 0). The cells cannot tell a score acting on interviews from one acting on conversion,
and with the deviations free the IMG cells move the conversion weight and with it how U.S.
seniors convert, which the U.S. MD curve by interviews contradicts. So the first stage fits
the model without the deviations, and the second adds them with the conversion weight and the
U.S. seniors' conversion spread held at the first stage's (a cut: the IMG cells do not inform
how U.S. seniors convert).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from smartpick.core.model.parameters import (
    Params,
)
from smartpick.core.model.targets import (
    RANK_TOLERANCE,
    CellResult,
    Moments,
    Target,
    curve_of,
    evaluate_cell,
    interviews_when_matched,
    ranks_of,
)

Array = NDArray[np.float64]
PRIOR_SD = 1.0  # of the specialty conversion offsets, log-odds
SHARE_PRIOR_SD = 1.0  # of a specialty's deviation from its type's application share, log
SCORE_PRIOR_SD = 0.5  # of a specialty's deviation of a type's score weight, log
DEVIATING = ("non-us-img",)  # the types whose score weight deviates by specialty (stage two)
HELD = ("log_lambda", "log_tau:seniors")  # held at the first stage's in the second
STEP = 1e-4  # central differences of the objective


@dataclass(frozen=True)
class Fit:
    params: Mapping[str, Params]
    offsets: Mapping[str, float]
    neg_log_likelihood: float
    covariance: Array
    names: tuple[str, ...]
    targets: int
    converged: bool
    # The share of a type's applications (ERAS mean over all specialties) that go to the
    # preferred specialty, by share key; 1 where not fitted.
    shares: Mapping[str, float] = field(default_factory=dict)
    objective: float = float("nan")
    # A type's score weight's log deviation in a specialty, by "type@specialty"; 0 where absent.
    score_deviations: Mapping[str, float] = field(default_factory=dict)

    @property
    def parameters(self) -> int:
        return len(self.names)

    def share(self, key: str, specialty: str) -> float:
        """The share of the type's all-specialty applications that go to the specialty."""
        return self.shares.get(share_name(key, specialty), self.shares.get(key, 1.0))

    def for_cell(self, specialty: str, applicant_type: str) -> Params:
        """The type's parameters with the specialty's offset and score weight's deviation (0
        for a specialty not fitted)."""
        base = self.params[applicant_type]
        deviation = self.score_deviations.get(f"{applicant_type}@{specialty}", 0.0)
        return replace(
            base,
            conversion=base.conversion + self.offsets.get(specialty, 0.0),
            score_weight=base.score_weight * math.exp(deviation),
        )


# Where the optimizer may look: wide enough never to bind at a sensible fit, narrow enough
# that a line search cannot overflow.
BOUNDS = {
    "log_lambda": (-4.0, 1.5),
    "log_b": (-5.0, 2.0),
    "log_sigma": (-5.0, 2.0),
    "c": (-10.0, 10.0),
    "log_tau": (-5.0, 2.5),
    "targeting": (0.0, 2.0),
    "share": (-4.0, 1.1),  # log shares, and log deviations of a specialty's from its type's
    "offset": (-6.0, 6.0),
    "score": (-3.0, 3.0),  # log deviations of a type's score weight in a specialty
}


def _kind(name: str) -> str:
    head, _, tail = name.partition(":")
    kinds = ("share", "offset", "targeting", "log_tau", "score")
    return name if not tail else tail if head not in kinds else head


class _Layout:
    """The parameter vector: per type log b, log sigma, c; the conversion spread log tau and
    weight log lambda (shared by every type); the fitted application shares (log), with a
    deviation per specialty where the specialty's contiguous ranks are published; one
    conversion offset per specialty; with `deviations`, the deviations of the DEVIATING
    types' score weights by specialty. `held` parameters (by name, on the fit's scale) are
    not fitted but taken at the value given."""

    def __init__(
        self,
        targets: Sequence[Target],
        moments: Moments,
        fixed: Fit | None,
        deviations: bool = False,
        held: Mapping[str, float] | None = None,
    ) -> None:
        self.types = tuple(sorted({t.applicant_type for t in targets}))
        self.specialties = tuple(sorted({t.specialty for t in targets}))
        self.share_keys = {t.applicant_type: t.share_key for t in targets}
        self.groups = tuple(sorted(set(self.share_keys.values())))
        wanted = sorted({t.share_key for t in targets if not t.own_count})
        self.fixed = fixed
        self.shares = () if fixed is not None else tuple(wanted)
        ranked = {(r.specialty, r.applicant_type) for r in moments.ranks}
        self.deviations = () if fixed is not None else tuple(sorted(
            share_name(t.share_key, t.specialty) for t in targets
            if not t.own_count and (t.specialty, t.applicant_type) in ranked
        ))  # fmt: skip
        self.fit_conversion = fixed is None and bool(moments.curves or moments.ranks)
        self.held = dict(held or {})
        self.score_deviations = () if fixed is not None or not deviations else tuple(sorted(
            f"{t.applicant_type}@{t.specialty}" for t in targets
            if t.applicant_type in DEVIATING and t.targets == 2
        ))  # fmt: skip
        names = tuple(
            [f"{g}:{p}" for g in self.types for p in ("log_b", "log_sigma", "c")]
            + ([f"log_tau:{k}" for k in self.groups] if self.fit_conversion else [])
            + (["log_lambda"] if self.fit_conversion else [])
            + [f"targeting:{k}" for k in self.shares]
            + [f"share:{k}" for k in self.shares]
            + [f"share:{k}" for k in self.deviations]
            + [f"offset:{s}" for s in self.specialties]
            + [f"score:{k}" for k in self.score_deviations]
        )
        self.names = tuple(n for n in names if n not in self.held)
        self.index = {name: i for i, name in enumerate(self.names)}

    def _value(self, theta: Array, name: str) -> float:
        """A parameter on the fit's scale: fitted, else held."""
        return float(theta[self.index[name]]) if name in self.index else self.held[name]

    def _deviation(self, theta: Array, applicant_type: str, specialty: str) -> float:
        key = f"{applicant_type}@{specialty}"
        if f"score:{key}" in self.index:
            return float(theta[self.index[f"score:{key}"]])
        return self.fixed.score_deviations.get(key, 0.0) if self.fixed is not None else 0.0

    def uses(self, t: Target) -> list[int]:
        names = [f"{t.applicant_type}:{p}" for p in ("log_b", "log_sigma", "c")]
        names += [f"log_tau:{t.share_key}", "log_lambda"] if self.fit_conversion else []
        names += [f"score:{t.applicant_type}@{t.specialty}"]
        if self.fixed is None and t.share_key in self.shares:
            names.append(f"targeting:{t.share_key}")
        if not t.own_count and self.fixed is None:
            names.append(f"share:{t.share_key}")
            deviation = share_name(t.share_key, t.specialty)
            names += [f"share:{deviation}"] if deviation in self.deviations else []
        names.append(f"offset:{t.specialty}")
        return [self.index[n] for n in names if n in self.index]

    def _conversion(self, theta: Array, applicant_type: str) -> tuple[float, float]:
        """(tau, lambda) of the type: tau per share group, lambda shared."""
        if self.fit_conversion:
            key = self.share_keys[applicant_type]
            tau = math.exp(self._value(theta, f"log_tau:{key}"))
            return tau, math.exp(self._value(theta, "log_lambda"))
        if self.fixed is not None and applicant_type in self.fixed.params:
            p = self.fixed.params[applicant_type]
            return p.conversion_spread, p.conversion_weight
        return 0.0, 1.0

    def cell(self, theta: Array, t: Target) -> tuple[Params, float]:
        i = self.index
        g = t.applicant_type
        tau, weight = self._conversion(theta, g)
        params = Params(
            float(np.exp(theta[i[f"{g}:log_b"]] + self._deviation(theta, g, t.specialty))),
            float(np.exp(theta[i[f"{g}:log_sigma"]])),
            float(theta[i[f"{g}:c"]] + theta[i[f"offset:{t.specialty}"]]),
            tau,
            weight,
            self._targeting(theta, t.share_key, g),
        )
        if t.own_count:
            share = 1.0
        elif self.fixed is not None:
            share = self.fixed.share(t.share_key, t.specialty)
        else:
            log_share = theta[i[f"share:{t.share_key}"]]
            deviation = f"share:{share_name(t.share_key, t.specialty)}"
            log_share += theta[i[deviation]] if deviation in i else 0.0
            share = float(np.exp(log_share))
        return params, share

    def _targeting(self, theta: Array, key: str, applicant_type: str) -> float:
        name = f"targeting:{key}"
        if name in self.index:
            return float(theta[self.index[name]])
        if self.fixed is not None and applicant_type in self.fixed.params:
            return self.fixed.params[applicant_type].targeting
        return 1.0

    def unpack_deviations(self, theta: Array) -> dict[str, float]:
        """The score weights' deviations: fitted, else the fixed fit's for the specialties
        fitted (a specialty left out has none)."""
        if self.score_deviations:
            return {k: float(theta[self.index[f"score:{k}"]]) for k in self.score_deviations}
        if self.fixed is None:
            return {}
        return {
            k: v for k, v in self.fixed.score_deviations.items()
            if k.partition("@")[2] in self.specialties
        }  # fmt: skip

    def unpack(self, theta: Array) -> tuple[dict[str, Params], dict[str, float], dict[str, float]]:
        i = self.index
        params = {
            g: Params(
                float(np.exp(theta[i[f"{g}:log_b"]])),
                float(np.exp(theta[i[f"{g}:log_sigma"]])),
                float(theta[i[f"{g}:c"]]),
                *self._conversion(theta, g),
                self._targeting(theta, self.share_keys.get(g, ""), g),
            )
            for g in self.types
        }
        offsets = {s: float(theta[i[f"offset:{s}"]]) for s in self.specialties}
        if self.fixed is not None:
            return params, offsets, dict(self.fixed.shares)
        shares = {k: float(np.exp(theta[i[f"share:{k}"]])) for k in self.shares}
        for name in self.deviations:
            key = name.partition("@")[0]
            shares[name] = shares[key] * float(np.exp(theta[i[f"share:{name}"]]))
        return params, offsets, shares

    def priors(self, theta: Array) -> float:
        """The normal priors: specialty conversion offsets (sd PRIOR_SD), the specialty
        deviations of the application shares (sd SHARE_PRIOR_SD) and of the score weights
        (sd SCORE_PRIOR_SD), all centred on 0."""
        offsets = theta[[self.index[f"offset:{s}"] for s in self.specialties]]
        value = float(offsets @ offsets) / (2 * PRIOR_SD**2)
        deviations = theta[[self.index[f"share:{k}"] for k in self.deviations]]
        value += float(deviations @ deviations) / (2 * SHARE_PRIOR_SD**2)
        scores = theta[[self.index[f"score:{k}"] for k in self.score_deviations]]
        return value + float(scores @ scores) / (2 * SCORE_PRIOR_SD**2)


def share_name(key: str, specialty: str) -> str:
    """The name of a specialty's own application share of a share key."""
    return f"{key}@{specialty}"


def objective_value(
    layout: _Layout, theta: Array, targets: Sequence[Target], results: Sequence[CellResult],
    moments: Moments,
) -> float:  # fmt: skip
    """The penalized negative log-likelihood of the cells plus the moments' penalties (each a
    normal log-density with the moment's tolerance as its standard deviation)."""
    value = layout.priors(theta)
    value += sum(r.neg_log_likelihood for r in results)
    for curve in moments.curves:
        cells = [r for t, r in zip(targets, results, strict=True)
                 if t.applicant_type == curve.applicant_type]  # fmt: skip
        if cells:
            model = np.array(curve_of(cells, curve.ks))
            value += float(((model - np.array(curve.shares)) ** 2).sum()) / (2 * curve.tolerance**2)
    for rank in moments.ranks:
        cell = (rank.specialty, rank.applicant_type)
        found = [r for t, r in zip(targets, results, strict=True)
                 if (t.specialty, t.applicant_type) == cell]  # fmt: skip
        if found:
            m, u = ranks_of(found[0])
            value += ((m - rank.matched) ** 2 + (u - rank.not_matched) ** 2) / (
                2 * RANK_TOLERANCE**2
            )
    for specialty, wanted, tolerance in moments.interviews:
        cells = [r for t, r in zip(targets, results, strict=True) if t.specialty == specialty]
        if cells:
            gap = np.log(interviews_when_matched(cells) / wanted)
            value += float(gap**2) / (2 * tolerance**2)
    return value


def fit(
    targets: Sequence[Target],
    moments: Moments = Moments(),  # noqa: B008 - a frozen dataclass: one shared default is safe
    start: Fit | None = None,
    max_iter: int = 400,
    covariance: bool = True,
    progress: Callable[[str], None] = lambda _: None,
    fixed: Fit | None = None,
    deviations: bool = False,
    held: Mapping[str, float] | None = None,
) -> Fit:
    """Maximum penalized likelihood over every target and moment at once (L-BFGS-B); with
    `covariance`, the Laplace covariance of the parameters as well. With `fixed`, the
    conversion spread and the application shares are held at that fit's values (and its
    score weights' deviations). With `deviations`, the DEVIATING types' score weights deviate
    by specialty; `held` parameters are taken as given (`_Layout`).

    Each cell depends only on its type's three parameters, the conversion spread and weight,
    its group's targeting, its application share, its specialty's offset and (with
    `deviations`) its type's score deviation in the specialty, and the moments are sums over
    cells, so
    the gradient by central differences re-evaluates each cell twice per parameter it uses
    and recombines the sums: an exact central difference of the whole objective."""
    layout = _Layout(targets, moments, fixed, deviations, held)
    uses = [layout.uses(t) for t in targets]

    def results_at(theta: Array) -> list[CellResult]:
        return [evaluate_cell(t, *layout.cell(theta, t)) for t in targets]

    calls = [0]

    def objective(theta: Array) -> tuple[float, Array]:
        base = results_at(theta)
        value = objective_value(layout, theta, targets, base, moments)
        grad = np.zeros_like(theta)
        for i in range(theta.size):
            shift = np.zeros_like(theta)
            shift[i] = STEP
            up, down = list(base), list(base)
            touched = False
            for k, t in enumerate(targets):
                if i in uses[k]:
                    up[k] = evaluate_cell(t, *layout.cell(theta + shift, t))
                    down[k] = evaluate_cell(t, *layout.cell(theta - shift, t))
                    touched = True
            if touched or layout.names[i].startswith(("offset:", "share:")):
                grad[i] = (
                    objective_value(layout, theta + shift, targets, up, moments)
                    - objective_value(layout, theta - shift, targets, down, moments)
                ) / (2 * STEP)
        calls[0] += 1
        if calls[0] % 10 == 0:
            params, _, shares = layout.unpack(theta)
            tau = next(iter(params.values())).conversion_spread
            progress(
                f"evaluation {calls[0]}: objective {value:.2f}, conversion spread {tau:.2f}, "
                + ", ".join(f"{k} share {v:.2f}" for k, v in shares.items())
                + "; "
                + ", ".join(
                    f"{g} b {p.score_weight:.2f} sigma {p.spread:.2f} c {p.conversion:.2f}"
                    for g, p in params.items()
                )
            )
        return value, grad

    theta0 = np.array([_start_value(start, name) for name in layout.names])
    theta0 = np.clip(theta0, *np.array([BOUNDS[_kind(n)] for n in layout.names]).T)
    result = minimize(
        objective,
        theta0,
        jac=True,
        method="L-BFGS-B",
        bounds=[BOUNDS[_kind(n)] for n in layout.names],
        options={"maxiter": max_iter, "ftol": 1e-8},
    )
    params, offsets, shares = layout.unpack(result.x)
    cov = (
        _covariance(lambda theta: objective(theta)[1], result.x)
        if covariance
        else np.full((len(layout.names), len(layout.names)), np.nan)
    )
    final = results_at(result.x)
    nll = sum(r.neg_log_likelihood for r in final)
    return Fit(
        params,
        offsets,
        float(nll),
        cov,
        layout.names,
        sum(t.targets for t in targets),
        bool(result.success),
        shares,
        float(result.fun),
        layout.unpack_deviations(result.x),
    )


def fit_in_stages(
    targets: Sequence[Target],
    moments: Moments,
    start: Fit | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Fit:
    """The engine's fit (module docstring, "Two stages"): without the score weights'
    deviations, then with them and the HELD parameters at the first stage's values. The
    covariance is the second stage's, with the held parameters' own block from the first
    (their covariance with the rest taken as 0: an approximation, so the draws still carry
    their uncertainty)."""
    progress("stage 1: one score weight per type")
    first = fit(targets, moments, start=start, progress=progress)
    held = {n: _start_value(first, n) for n in HELD if n in first.names}
    progress("stage 2: non-U.S. IMGs' score weight by specialty, " + ", ".join(held) + " held")
    begin = replace(first, score_deviations=start.score_deviations if start else {})
    second = fit(targets, moments, start=begin, progress=progress, deviations=True, held=held)
    index = [first.names.index(n) for n in held]
    k, m = len(second.names), len(index)
    covariance = np.zeros((k + m, k + m))
    covariance[:k, :k] = second.covariance
    covariance[k:, k:] = first.covariance[np.ix_(index, index)]
    return replace(second, names=(*second.names, *held), covariance=covariance)


def _covariance(gradient: Callable[[Array], Array], theta: Array, step: float = 1e-3) -> Array:
    """The Laplace covariance: the inverse of the Hessian of the penalized negative
    log-likelihood at the optimum, by central differences of its gradient."""
    n = theta.size
    hessian = np.zeros((n, n))
    for i in range(n):
        shift = np.zeros(n)
        shift[i] = step
        hessian[:, i] = (gradient(theta + shift) - gradient(theta - shift)) / (2 * step)
    hessian = (hessian + hessian.T) / 2
    return np.asarray(np.linalg.pinv(hessian, hermitian=True), dtype=np.float64)


# A type of each share group, whose parameters start the group's in a refit.
GROUP_TYPE = {"seniors": "md", "img": "non-us-img"}


def _start_value(start: Fit | None, name: str) -> float:
    """A parameter's starting value: the previous fit's, else a neutral guess."""
    kind, _, what = name.partition(":")
    first = next(iter(start.params.values())) if start else None
    if kind == "score":
        return start.score_deviations.get(what, 0.0) if start else 0.0
    if kind == "log_tau":
        typed = start.params.get(GROUP_TYPE.get(what, "")) if start else None
        tau = typed.conversion_spread if typed is not None else 0.0
        return math.log(tau) if tau > 0 else 0.0
    if name == "log_lambda":
        return math.log(first.conversion_weight) if first else 0.0
    if kind == "targeting":
        typed = start.params.get(GROUP_TYPE.get(what, "")) if start else None
        return typed.targeting if typed is not None else 1.0
    if kind == "offset":
        return start.offsets.get(what, 0.0) if start else 0.0
    if kind == "share":
        key, _, specialty = what.partition("@")
        if start is None:
            return 0.0 if specialty else math.log(0.5)
        if specialty:  # the deviation from the type's share
            return math.log(start.share(key, specialty) / start.shares.get(key, 1.0))
        return math.log(start.shares.get(key, 0.5))
    params = start.params.get(kind) if start else None
    if params is None:
        return {"log_b": -0.5, "log_sigma": 0.0, "c": 0.0}[what]
    return {
        "log_b": math.log(params.score_weight),
        "log_sigma": math.log(params.spread),
        "c": params.conversion,
    }[what]
