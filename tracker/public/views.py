"""The public tracker's pages: anyone may read them, and nothing private is on them (see
`service.py`). The URLs are linked from elsewhere (feeds, exports, e-mails): keep them."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import true

from ..commitments import queries
from ..commitments.present import status_choices
from ..disputes.queries import disputes_of
from ..permissions import ANYONE, allow
from . import cache, conditional, league, listing, service, stats, trends

bp = Blueprint("public", __name__)
bp.record_once(cache.on_register)
conditional.answer_conditionally(bp, pages=True)

HOME_LEAGUE_ROWS = 10
DEPARTMENT_COMMITMENTS = 10
TREND_MONTHS = 12


@bp.route("/")
@allow(ANYONE)
def index():
    records = stats.department_records()
    return render_template("public/index.html", figures=cache.remembered("figures", service.figures),
                           headline=stats.combined(records),
                           episodes=cache.remembered("latest_episodes", service.latest_episodes),
                           updates=cache.remembered("recent_updates", service.recent_updates),
                           league_rows=[r.as_dict() for r in records[:HOME_LEAGUE_ROWS]],
                           league_total=len(records),
                           months=cache.remembered("by_month", trends.by_month, TREND_MONTHS),
                           statuses=cache.remembered("status_counts", trends.status_counts))


@bp.route("/commitments")
@allow(ANYONE)
def commitments():
    wanted = listing.parse(request.args)
    items, total, page = listing.commitments_page(wanted)
    return render_template("public/commitments.html", wanted=wanted, commitments=items, total=total, page=page,
                           per_page=listing.PER_PAGE, sorts=listing.SORTS, statuses=status_choices(),
                           departments=cache.remembered("filter_departments", service.departments_with_commitments),
                           episodes=cache.remembered("filter_episodes", service.aired_episodes))


@bp.route("/commitments/<int:commitment_id>")
@allow(ANYONE)
def commitment(commitment_id: int):
    item = service.get_commitment(commitment_id)
    return render_template("public/commitment.html", commitment=item, events=service.public_events(item),
                           evidence=service.released_evidence(item), disputes=disputes_of(item.id))


@bp.route("/episodes/<int:episode_id>")
@allow(ANYONE)
def episode(episode_id: int):
    aired = service.get_episode(episode_id)
    cases = service.episode_cases(aired)
    return render_template("public/episode.html", episode=aired, cases=cases, tally=service.tally(cases))


@bp.route("/departments/<code>")
@allow(ANYONE)
def department(code: str):
    unit = service.get_department(code)
    records = stats.department_records(department_id=unit.id)
    record = records[0].as_dict() if records else None
    items, total = queries.list_matching(true(), queries.CommitmentFilter(department=unit.code), 1,
                                         DEPARTMENT_COMMITMENTS)
    return render_template("public/department.html", department=unit, record=record, commitments=items,
                           total=total, months=cache.remembered("by_month", trends.by_month, TREND_MONTHS, unit.id),
                           statuses=cache.remembered("status_counts", trends.status_counts, unit.id))


@bp.route("/league", endpoint="league")
@allow(ANYONE)
def league_page():
    wanted = league.parse(request.args)
    rows = league.ordered(stats.league_table(wanted.since, wanted.until), wanted)
    return render_template("public/league.html", wanted=wanted, rows=rows)
