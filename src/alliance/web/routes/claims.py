"""``/api/claims``: the seed article's claims checked against the data (``alliance claims``), and ``/api/brief``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from alliance.web.routes.spending import Edition, Year

router = APIRouter(tags=["claims"])


@router.get("/claims", summary="The seed article's claims: observed figure, verdict, edition, year and source table")
def claims(
    all_editions: Annotated[
        bool, Query(description="Also check each claim under every other NATO edition that has its figures.")
    ] = False,
) -> dict[str, Any]:
    from alliance.claims import check_claims

    res = check_claims(None, all_editions=all_editions)
    return {**res.to_dict(), "title": res.title, "source": "Source: the claims file's sources; figures: alliance.data"}


@router.get("/brief", summary="One screen: allies at 2/3.5/5%, largest gaps, US share, Olson-Zeckhauser, claims")
def brief(
    year: Year = None,
    edition: Edition = None,
    gap_target: Annotated[float, Query(description="Target (% of GDP) for the gaps.", ge=0, le=100)] = 3.5,
) -> dict[str, Any]:
    from alliance.brief import brief as make_brief

    res = make_brief(edition=edition, year=year, gap_target=gap_target)
    return {**res.to_dict(), "source": res.source}
