"""What a sweep says, read from its store: distributions, probabilities, sensitivity, and the cross-model synthesis.

Per model and issue (aggregated by DuckDB over the whole ``runs`` table, so any size of store fits in memory):

- the outcome distribution: quantiles 5-95%, mean, standard deviation, and a 20-bin histogram on the issue's scale;
- ``p_deadlock`` (the model predicts no agreement), ``p_no_forecast`` (NaN outcome without a deadlock: e.g. no
  reversion point), ``p_unsignable`` (an outcome some ally with a veto would reject; :mod:`alliance.sweep.evaluate`);
- the probability of each named formulation (the nearest to the outcome, as ``alliance negotiate`` labels it);
- sensitivity: for a complete ``sobol`` sweep, Sobol' first-order and total indices with 95% bootstrap intervals
  (``SALib.analyze.sobol``; the outcome of a deadlocked run is taken as the run's reversion point, what stands
  without agreement); for ``mc``/``lhs``, Spearman rank correlations of each input with the outcome on the first
  :data:`RANK_SAMPLE` runs;
- actor importance: per actor the sum of its inputs' total indices (sobol) or squared rank correlations (mc/lhs),
  ranked.

Across models, the **synthesis** (:func:`synthesis_frame`): for each formulation (and "no agreement") the share of
model-runs landing on it, models weighted by the DEU backtest (the synthesis stacking weights,
:func:`alliance.negotiation.models.synthesis.synthesis_weights`, Council-votes setting; models without weight count
in the equal-weight share only), beside the equal-weight share and the lowest and highest model; whether the models
agree on the most likely outcome; and per formulation whether it is signable under consensus: the weighted share of
its model-runs that an ally with a veto would reject, and which allies reject its point at the scenario's own inputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliance.sweep.store import SweepStore, _q

if TYPE_CHECKING:
    from alliance.sweep.result import SweepResult

__all__ = ["NO_AGREEMENT", "QUANTILES", "RANK_SAMPLE", "analyse", "report", "synthesis_frame"]

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Runs used for rank correlations (mc/lhs); the first ones by run index.
RANK_SAMPLE = 20_000
#: The label of a predicted deadlock in formulation tables.
NO_AGREEMENT = "no agreement"
_BINS = 20
_RANK_CELLS = 10_000_000  # at most this many (run, column) cells for rank correlations: fewer runs for wide scenarios


def report(store: str | Any) -> SweepResult:
    """The analysis of a sweep store (a DuckDB file written by :func:`alliance.sweep.sweep`).

    Raises:
        BadInput: no such file, or not a sweep store.
    """
    with SweepStore.open(store) as st:
        return analyse(st)


def analyse(st: SweepStore) -> SweepResult:
    """The analysis of an open store (module docstring)."""
    from alliance.sweep.result import SweepResult

    meta = st.meta()
    n = st.n_runs()
    models, issues = list(meta["models"]), dict(meta["issues"])
    outcomes, hists, forms = _aggregates(st, models, issues, n)
    inputs = st.inputs()
    sens, importance, notes = _sensitivity(st, meta, inputs, models, issues, n)
    synth, agree = synthesis_frame(forms, meta)
    done = {
        "runs_stored": n,
        "runs_planned": int(meta["runs"]),
        "complete": n == int(meta["runs"]),
        "chunks": len(st.done_chunks()),
    }
    return SweepResult(
        info={**_public_meta(meta, st.path), **done, "notes": notes},
        outcomes=outcomes,
        formulations=forms,
        histograms=hists,
        synthesis=synth,
        agreement=agree,
        sensitivity=sens,
        importance=importance,
        inputs=inputs,
    )


def _public_meta(meta: dict[str, Any], path: str) -> dict[str, Any]:
    keep = ("scenario_name", "scenario_sha256", "models", "model_options", "sampler", "seed", "runs", "chunk_size",
            "sobol_groups", "input_dtype", "versions", "data_hashes", "executors")  # fmt: skip
    out = {k: meta.get(k) for k in keep}
    out["store"] = path
    out["scenario_as_of"] = meta["scenario"].get("as_of", "")
    out["unit"] = "outcomes on each issue's own scale; probabilities are shares of the stored runs"
    out["assumptions"] = (
        "inputs drawn independently from the scenario's distributions (its own, else default_uncertainty by "
        "evidence); a formulation is the one nearest the outcome; unsignable: some ally with a veto would reject "
        "the outcome (outside its stated bounds, else worse off than the reversion point)"
    )
    return out


def _aggregates(st: SweepStore, models: list[str], issues: dict[str, Any],
                n: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Per model and issue: summary statistics, histogram and formulation counts, in one scan of ``runs``."""
    pairs = [(m, i) for m in models for i in issues]
    row: list[Any] = []
    for m in models:  # one scan per model: a bounded number of aggregate states at a time
        exprs: list[str] = []
        for i in issues:
            exprs += _aggregate_sql(m, i, issues[i])
        row += list(st.query(f"SELECT {', '.join(exprs)} FROM runs").fetchone()) if n else [None] * len(exprs)
    out_rows, hist_rows, form_rows = [], [], []
    per = 10
    for k, (m, i) in enumerate(pairs):
        cnt, mean, sd, qs, p_dead, p_none, p_uns, hist, fcount, fbad = row[k * per : (k + 1) * per]
        qs = list(qs) if qs is not None else [np.nan] * len(QUANTILES)
        rec = {"model": m, "issue": i, "runs": n, "outcomes": int(cnt or 0), "mean": _f(mean), "sd": _f(sd)}
        rec |= {f"p{round(q * 100):02d}": _f(v) for q, v in zip(QUANTILES, qs, strict=True)}
        rec |= {"p_deadlock": _f(p_dead), "p_no_forecast": _f(p_none), "p_unsignable": _f(p_uns)}
        out_rows.append(rec)
        lo, hi = float(issues[i]["low"]), float(issues[i]["high"])
        width = (hi - lo) / _BINS
        counts = dict(hist or {})
        for b in range(_BINS):
            hist_rows.append({"model": m, "issue": i, "bin_low": lo + b * width, "bin_high": lo + (b + 1) * width,
                              "count": int(counts.get(b, 0))})  # fmt: skip
        labels = list(issues[i]["formulations"].items())
        fc, fb = dict(fcount or {}), dict(fbad or {})
        for j, (label, value) in enumerate(labels):
            form_rows.append({"model": m, "issue": i, "formulation": label, "value": float(value),
                              "p": fc.get(j, 0) / n if n else np.nan,
                              "p_unsignable": fb.get(j, 0) / n if n else np.nan})  # fmt: skip
        form_rows.append({"model": m, "issue": i, "formulation": NO_AGREEMENT, "value": np.nan,
                          "p": _f(p_dead), "p_unsignable": 0.0})  # fmt: skip
    return pd.DataFrame(out_rows), pd.DataFrame(hist_rows), pd.DataFrame(form_rows)


def _aggregate_sql(m: str, i: str, spec: dict[str, Any]) -> list[str]:
    """The ten aggregates of one model and issue (their order is the one ``_aggregates`` unpacks)."""
    o, d, f, u = (_q(f"{m}.{i}.{k}") for k in ("outcome", "deadlock", "formulation", "unsignable"))
    ok = f"FILTER (WHERE NOT isnan({o}))"
    lo, hi = float(spec["low"]), float(spec["high"])
    width = (hi - lo) / _BINS
    return [
        f"count({o}) {ok}",
        f"avg({o}) {ok}",
        f"stddev_samp({o}) {ok}",
        f"quantile_cont({o}, {list(QUANTILES)}) {ok}",
        f"avg({d}::INTEGER)",
        f"avg((isnan({o}) AND NOT {d})::INTEGER)",
        f"avg({u}::INTEGER)",
        f"histogram(least({_BINS - 1}, greatest(0, floor(({o} - {lo}) / {width})))::INTEGER) {ok}",
        f"histogram({f})",
        f"histogram({f}) FILTER (WHERE {u})",
    ]


def _f(v: Any) -> float:
    return float("nan") if v is None else float(v)


def _weights(models: list[str]) -> tuple[dict[str, float], str]:
    from alliance.negotiation.models.synthesis import synthesis_weights

    w = {m: v for m, v in synthesis_weights("votes").items() if m in models and v > 0}
    if not w:
        return {m: 1.0 / len(models) for m in models}, "equal (no model with a DEU synthesis weight was swept)"
    total = sum(w.values())
    return {
        m: v / total for m, v in w.items()
    }, "DEU synthesis weights (Council votes), renormalised over the models swept"


def synthesis_frame(forms: pd.DataFrame, meta: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cross-model synthesis (module docstring): per issue and formulation, and per issue the agreement.

    The ``synthesis`` model, itself a pool of members, is left out of the shares and the agreement (it would count
    its members twice) unless it is the only model swept.
    """
    models = [m for m in meta["models"] if m != "synthesis"] or list(meta["models"])
    forms = forms[forms["model"].isin(models)]
    weights, basis = _weights(models)
    vetoed = _nominal_vetoes(meta)
    rows, agree = [], []
    for issue, grp in forms.groupby("issue", sort=False):
        p = grp.pivot_table(index="formulation", columns="model", values="p", sort=False)
        bad = grp.pivot_table(index="formulation", columns="model", values="p_unsignable", sort=False)
        w = pd.Series({m: weights.get(m, 0.0) for m in p.columns})
        pw = (p * w).sum(axis=1) / w.sum()
        uw = (bad * w).sum(axis=1) / w.sum()
        values = grp.drop_duplicates("formulation").set_index("formulation")["value"]
        for label in p.index:
            given = float(uw[label] / pw[label]) if pw[label] > 0 else float("nan")
            rows.append({
                "issue": issue, "formulation": label, "value": float(values[label]), "p": float(pw[label]),
                "p_equal": float(p.loc[label].mean()), "p_min": float(p.loc[label].min()),
                "p_max": float(p.loc[label].max()), "model_min": str(p.loc[label].idxmin()),
                "model_max": str(p.loc[label].idxmax()), "p_unsignable_given": given,
                "signable": None if label == NO_AGREEMENT or np.isnan(given) else bool(given < 0.5),
                "vetoed_at_nominal": ", ".join(vetoed.get((str(issue), str(label)), [])),
            })  # fmt: skip
        modal = p.idxmax(axis=0)
        groups: dict[str, list[str]] = {}
        for m, label in modal.items():
            groups.setdefault(str(label), []).append(str(m))
        top = str(pw.idxmax())
        agree.append({
            "issue": issue, "most_likely": top, "p": float(pw.max()), "models_agree": len(groups) == 1,
            "split": "; ".join(f"{lab}: {', '.join(ms)}" for lab, ms in groups.items()),
            "weights": basis,
        })  # fmt: skip
    return pd.DataFrame(rows), pd.DataFrame(agree)


def _nominal_vetoes(meta: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """Per (issue, formulation) the allies with a veto who would reject its point at the scenario's own inputs."""
    from alliance.negotiation.models.batch import batch_from_scenario
    from alliance.negotiation.schema import scenario_from_dict
    from alliance.sweep.evaluate import rejecting

    sc = scenario_from_dict(meta["scenario"])
    base = batch_from_scenario(sc)
    out: dict[tuple[str, str], list[str]] = {}
    for j, it in enumerate(sc.issues):
        for label, value in it.formulations.items():
            o = np.full((1, len(sc.issues)), np.nan)
            o[0, j] = value
            who = np.flatnonzero(rejecting(base, o)[0, :, j])
            out[(it.name, label)] = [sc.actor_names[a] for a in who]
    return out


def _sensitivity(st: SweepStore, meta: dict[str, Any], inputs: pd.DataFrame, models: list[str],
                 issues: dict[str, Any], n: int) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:  # fmt: skip
    """Sobol' indices (complete sobol sweeps) or rank correlations, and the actor ranking built on them."""
    notes: list[str] = []
    names = [str(x) for x in inputs["name"]]
    owner = [str(a) if a and k != "parameter" else str(nm) for a, k, nm in
             zip(inputs["actor"], inputs["kind"], inputs["name"], strict=True)]  # fmt: skip
    sens_cols = ["model", "issue", "input", "method", "S1", "S1_conf", "ST", "ST_conf", "rho"]
    if n < 10:
        return pd.DataFrame(columns=sens_cols), pd.DataFrame(), ["too few runs for sensitivity"]
    ycols = [f"{m}.{i}.outcome" for m in models for i in issues]
    if meta["sampler"] == "sobol":
        if n != int(meta["runs"]):
            notes.append(f"Sobol' indices need the whole design: {n} of {meta['runs']} runs stored (resume it)")
            return pd.DataFrame(columns=sens_cols), pd.DataFrame(), notes
        frame = st.query(f"SELECT {', '.join(_q(c) for c in ycols)} FROM runs ORDER BY run").df()
        reversions = _reversions(st, inputs, issues)
        rows = []
        for m in models:
            for i in issues:
                y = frame[f"{m}.{i}.outcome"].to_numpy(dtype=float)
                y = np.where(np.isnan(y), reversions[i], y)
                if np.isnan(y).any() or np.nanstd(y) == 0:
                    why = "no reversion point for deadlocked runs" if np.isnan(y).any() else "a constant outcome"
                    notes.append(f"{m} {i}: no Sobol' indices ({why})")
                    continue
                rows += _sobol_rows(m, i, y, meta, names)
        sens = pd.DataFrame(rows, columns=sens_cols)
        group_owner = _group_owner(meta, names, owner)
        imp = sens.assign(actor=[group_owner[x] for x in sens["input"]], score=sens["ST"].clip(lower=0))
        return sens, _rank(imp, "sum of Sobol' total indices"), notes
    take = min(int(meta["runs"]), RANK_SAMPLE, max(1000, _RANK_CELLS // (len(names) + len(ycols))))
    xcols = [f"x.{nm}" for nm in names]
    # the lowest run indices (a filter the row groups' min/max of ``run`` answer without reading the rest)
    cols = ", ".join(_q(c) for c in xcols + ycols)
    frame = st.query(f"SELECT run, {cols} FROM runs WHERE run < {take}").df()  # sorted here: no DuckDB sort
    frame = frame.sort_values("run", kind="stable").drop(columns="run").reset_index(drop=True)
    ranks = frame.rank(method="average")
    x = ranks[xcols].to_numpy(dtype=float)
    x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), np.inf)
    rows = []
    for m in models:
        for i in issues:
            yr = ranks[f"{m}.{i}.outcome"].to_numpy(dtype=float)
            ok = ~np.isnan(yr)
            if ok.sum() < 10 or np.std(yr[ok]) == 0:
                continue
            y = (yr[ok] - yr[ok].mean()) / yr[ok].std()
            rho = (x[ok] * y[:, None]).mean(axis=0)
            rows += [{"model": m, "issue": i, "input": nm, "method": f"spearman (runs 0-{take - 1})", "rho": float(r)}
                     for nm, r in zip(names, rho, strict=True)]  # fmt: skip
    sens = pd.DataFrame(rows, columns=sens_cols)
    imp = sens.assign(actor=[dict(zip(names, owner, strict=True))[x] for x in sens["input"]],
                      score=sens["rho"] ** 2)  # fmt: skip
    return sens, _rank(imp, "sum of squared Spearman correlations"), notes


def _reversions(st: SweepStore, inputs: pd.DataFrame, issues: dict[str, Any]) -> dict[str, Any]:
    """Per issue the reversion point of every run (a swept reversion parameter's draws, else the scenario's)."""
    out: dict[str, Any] = {}
    for i, spec in issues.items():
        rev = spec.get("reversion")
        out[i] = np.nan if rev is None else float(rev)
        hit = inputs[(inputs["kind"] == "parameter") & (inputs["target"] == "reversion") & (inputs["issue"] == i)]
        if len(hit):
            col = _q("x." + str(hit["name"].iloc[0]))
            out[i] = st.query(f"SELECT {col} FROM runs ORDER BY run").fetchnumpy()["x." + str(hit["name"].iloc[0])]
    return out


def _group_owner(meta: dict[str, Any], names: list[str], owner: list[str]) -> dict[str, str]:
    """Sobol' input or group name -> the actor it belongs to."""
    groups = meta["design"]["group_names"]
    if meta.get("sobol_groups") == "actor":
        return {g: g for g in groups}
    return dict(zip(names, owner, strict=True))


def _sobol_rows(m: str, i: str, y: np.ndarray, meta: dict[str, Any], names: list[str]) -> list[dict[str, Any]]:
    import warnings

    from SALib.analyze import sobol

    d = meta["design"]
    problem: dict[str, Any] = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    labels = names
    if meta.get("sobol_groups") == "actor":
        problem["groups"] = [d["group_names"][g] for g in d["groups"]]
        labels = list(d["group_names"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sobol.analyze(problem, y, calc_second_order=False, num_resamples=200, conf_level=0.95, seed=1)
    return [
        {"model": m, "issue": i, "input": lab, "method": "sobol (SALib, 95% bootstrap intervals)",
         "S1": float(s1), "S1_conf": float(c1), "ST": float(st), "ST_conf": float(ct), "rho": np.nan}
        for lab, s1, c1, st, ct in zip(labels, res["S1"], res["S1_conf"], res["ST"], res["ST_conf"], strict=True)
    ]  # fmt: skip


def _rank(imp: pd.DataFrame, method: str) -> pd.DataFrame:
    cols = ["model", "issue", "rank", "actor", "score", "method"]
    if imp.empty:
        return pd.DataFrame(columns=cols)
    g = imp.groupby(["model", "issue", "actor"], sort=False)["score"].sum().reset_index()
    g = g.sort_values(["model", "issue", "score"], ascending=[True, True, False], kind="stable")
    g["rank"] = g.groupby(["model", "issue"]).cumcount() + 1
    g["method"] = method
    order = {m: k for k, m in enumerate(dict.fromkeys(imp["model"]))}
    g = g.sort_values(["model", "issue", "rank"], key=lambda s: s.map(order) if s.name == "model" else s)
    return g.reset_index(drop=True)[cols]
