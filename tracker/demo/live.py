"""The demo's running orders and commitments: past shows with commitments in every state (some
overdue), and the upcoming show's running order, prepared and queued.

Added only where an episode has no running order yet, so loading twice changes nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..commitments import queries, rules
from ..commitments.vague import vague_reason
from ..extensions import db
from ..models import (
    Case,
    Commitment,
    CommitmentEvent,
    CommitmentStatus,
    Episode,
    ExtensionRequest,
    ItemKind,
    ItemState,
    RundownEvent,
    RundownFollowup,
    RundownItem,
    Satisfaction,
    User,
    utcnow,
)

PLANNED_SECONDS = 480
# Each past case's commitment walks this far along its life (cycled over the cases), with a
# deadline this many days after the broadcast: short deadlines of early shows are overdue now.
LIVES = [
    ("verified", 14), ("in_progress", 10), ("claimed_done", 21), ("committed", 7),
    ("claimed_unfulfillable", 30), ("extension", 45), ("closed_unfulfilled", 20), ("verified", 30),
    ("committed", 60), ("sent_back", 5),
]
# The steps of each life; "extension" waits for a supervisor's decision on a later deadline,
# "sent_back" was claimed done and sent back by a supervisor after a site check.
PATHS = {
    "committed": [],
    "in_progress": ["in_progress"],
    "extension": ["in_progress", "extension_requested"],
    "sent_back": ["in_progress", "claimed_done", "reopened"],
    "claimed_done": ["in_progress", "claimed_done"],
    "verified": ["in_progress", "claimed_done", "verified"],
    "claimed_unfulfillable": ["claimed_unfulfillable"],
    "closed_unfulfilled": ["claimed_unfulfillable", "closed_unfulfilled"],
}
# The timeline's word for each step (as tracker/commitments/states.py writes it).
ACTIONS = {"in_progress": "progress_reported"}
FINAL = {"extension": "in_progress", "sent_back": "in_progress"}
BY_SUPERVISOR = ("verified", "closed_unfulfilled", "reopened")
EXTENSION_DAYS = 30
FOLLOWUP_SIZE = 6
PROMISES = [
    "{days}日内组织专班上门核查，{deadline}前整改到位并向来电群众反馈",
    "{deadline}前完成现场勘查和方案设计，年内开工",
    "本周内约谈相关企业，{deadline}前清退多收费用",
    "{deadline}前完成维修，并建立长效管护机制",
    "高度重视，立即组织调查，尽快解决群众反映的问题",   # vague: the oversight desk flags it
]
TITLES = {"county": "副县长", "enterprise": "副总经理"}
NAMES = ["王建国", "李明", "张伟", "刘洋", "陈刚", "杨帆", "赵磊", "黄晓东", "周敏", "吴志强", "徐军", "孙丽"]


def ensure_live_data(episodes: list[tuple[Episode, dict]], producer: User, supervisor: User) -> None:
    for number, (episode, plan) in enumerate(episodes):
        if db.session.scalar(select(RundownItem.id).where(RundownItem.episode_id == episode.id)):
            continue
        cases = [db.session.execute(select(Case).where(Case.title == c["title"])).scalar_one() for c in plan["cases"]]
        past = plan["week"] < 0
        scheduled = start_of(episode)
        for position, case in enumerate(cases):
            start = scheduled + timedelta(minutes=5 + 9 * position)
            item = RundownItem(episode_id=episode.id, case_id=case.id, position=position, state=ItemState.QUEUED,
                               planned_seconds=PLANNED_SECONDS)
            if past:
                item.state, item.started_at = ItemState.DONE, start
                item.ended_at, item.actual_seconds = start + timedelta(minutes=8), 480
            db.session.add(item)
            db.session.flush()
            episode.version += 1
            db.session.add(RundownEvent(episode_id=episode.id, item_id=item.id, actor_id=producer.id,
                                        action="add", version=episode.version, before={}, after={}, at=start))
            if past:
                _commitment(episode, case, start, number * 7 + position, producer, supervisor)


def ensure_followup_block(episodes: list[tuple[Episode, dict]], producer: User) -> None:
    """The upcoming show reports back on the overdue commitments of earlier shows (回头看)."""
    upcoming = next((episode for episode, plan in episodes if plan["week"] == 0), None)
    if upcoming is None or db.session.scalar(select(RundownItem.id).where(
            RundownItem.episode_id == upcoming.id, RundownItem.kind == ItemKind.FOLLOWUP)):
        return
    overdue = list(db.session.scalars(select(Commitment.id).where(queries.overdue_condition(rules.today()))
                                      .order_by(Commitment.deadline, Commitment.id).limit(FOLLOWUP_SIZE)))
    if not overdue:
        return
    position = len(list(db.session.scalars(select(RundownItem.id).where(RundownItem.episode_id == upcoming.id))))
    item = RundownItem(episode_id=upcoming.id, kind=ItemKind.FOLLOWUP, title="回头看：逾期未办结的承诺",
                       position=position, state=ItemState.QUEUED, planned_seconds=300,
                       followups=[RundownFollowup(commitment_id=commitment_id, position=index)
                                  for index, commitment_id in enumerate(overdue)])
    db.session.add(item)
    db.session.flush()
    upcoming.version += 1
    db.session.add(RundownEvent(episode_id=upcoming.id, item_id=item.id, actor_id=producer.id, action="add",
                                version=upcoming.version, before={}, after={}))


def start_of(episode: Episode) -> datetime:
    """The demo episode's scheduled start (the demo schedules every episode)."""
    if episode.scheduled_start is None:
        raise ValueError(f"The demo episode {episode.number} has no start.")
    return episode.scheduled_start


def _commitment(episode: Episode, case: Case, spoken: datetime, n: int, producer: User, supervisor: User) -> None:
    status, days = LIVES[n % len(LIVES)]
    department = case.lead_department
    if department is None:
        raise ValueError(f"The demo case {case.title!r} has no department.")
    deadline = episode.air_date + timedelta(days=days)
    title = department.name + TITLES.get(department.kind.value, "副局长")
    content = PROMISES[n % len(PROMISES)].format(days=days, deadline=f"{deadline.month}月{deadline.day}日")
    spoken_at = spoken + timedelta(minutes=6)
    commitment = Commitment(episode_id=episode.id, case_id=case.id, department_id=department.id,
                            official_name=NAMES[n % len(NAMES)], official_title=title, content=content,
                            vague_reason=vague_reason(content)[:200],
                            quote="我们一定把这件事办好，请群众监督。", deadline=deadline, original_deadline=deadline,
                            spoken_at=spoken_at, created_by_id=producer.id, created_at=spoken)
    db.session.add(commitment)
    db.session.flush()
    _event(commitment, producer, "committed", None, "committed", spoken_at, "")
    department_user = db.session.scalar(select(User).where(User.department_id == department.id).order_by(User.id))
    steps = PATHS[status]
    # Spread the steps between the broadcast and now: a timeline never runs ahead of the clock.
    gap = min(timedelta(days=3), (utcnow() - spoken_at) / (len(steps) + 1))
    previous, moment = "committed", spoken_at
    satisfaction = (Satisfaction.UNSATISFIED if n % 4 == 3 else
                    Satisfaction.SATISFIED if n % 3 else Satisfaction.BASICALLY_SATISFIED)
    for step in steps:
        moment += gap
        if step == "extension_requested":
            _request_extension(commitment, department_user, moment)
            continue
        actor = supervisor if step in BY_SUPERVISOR else department_user
        after = "in_progress" if step == "reopened" else step
        unsatisfied = step == "verified" and satisfaction is Satisfaction.UNSATISFIED
        _event(commitment, actor, ACTIONS.get(step, step), previous, after, moment, _note(step),
               UNSATISFIED_REASON if unsatisfied else PUBLIC_REASONS.get(step, ""),
               satisfaction.value if step == "verified" else None)
        previous = after
        commitment.claimed_done_at = moment if step == "claimed_done" else (
            None if step == "reopened" else commitment.claimed_done_at)
        if step in ("verified", "closed_unfulfilled"):
            commitment.closed_at = moment
    commitment.status = CommitmentStatus(FINAL.get(status, status))
    commitment.progress_percent = {"verified": 100, "claimed_done": 100, "in_progress": 40, "extension": 40,
                                   "sent_back": 80}.get(status, 0)
    if status == "verified":
        commitment.satisfaction = satisfaction


def _request_extension(commitment: Commitment, user: User | None, at: datetime) -> None:
    requested = commitment.deadline + timedelta(days=EXTENSION_DAYS)
    request = ExtensionRequest(commitment_id=commitment.id, requested_by_id=user.id if user else None,
                               current_deadline=commitment.deadline, requested_deadline=requested,
                               reason="管网改造需与燃气管线迁改同步施工，申请顺延一个月。", created_at=at)
    db.session.add(request)
    db.session.flush()
    view = {"id": request.id, "deadline": requested.isoformat(), "status": "pending"}
    db.session.add(CommitmentEvent(commitment_id=commitment.id, actor_id=request.requested_by_id,
                                   action="extension_requested", before={"deadline": commitment.deadline.isoformat(),
                                                                         "extension": None},
                                   after={"deadline": commitment.deadline.isoformat(), "extension": view},
                                   note=request.reason, at=at))


def _note(step: str) -> str:
    return {"in_progress": "已成立工作专班，完成现场核查。", "claimed_done": "整改已完成，请督查室核验。",
            "verified": "经暗访和回访，群众对整改结果满意。", "claimed_unfulfillable": "涉及规划调整，短期内无法实施。",
            "closed_unfulfilled": "情况属实，转为长期督办。",
            "reopened": "暗访发现路面仍有积水，退回继续整改。"}.get(step, "")


# What the public reads of the supervisor's decisions (the notes above stay internal).
PUBLIC_REASONS = {"closed_unfulfilled": "该路段已纳入旧城改造规划，原方案无法实施，转为长期督办。",
                  "reopened": "暗访发现仍未整改到位，退回继续办理。"}
UNSATISFIED_REASON = "整改已按承诺完成，回访时群众仍不满意，列入回头看跟进。"


def _event(commitment: Commitment, actor: User | None, action: str, before: str | None, after: str,
           at: datetime, note: str, public_reason: str = "", satisfaction: str | None = None) -> None:
    values = {"status": after, **({"satisfaction": satisfaction} if satisfaction else {})}
    db.session.add(CommitmentEvent(commitment_id=commitment.id, actor_id=actor.id if actor else None,
                                   action=action, before={"status": before} if before else None,
                                   after=values, note=note, public_reason=public_reason, at=at))
