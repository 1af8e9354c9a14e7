"""Assignment letters (交办函): issued after an episode, numbered per year, kept as they were sent."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.commitments import rules
from tracker.demo import load_demo
from tracker.extensions import db
from tracker.letters import service
from tracker.models import AssignmentLetter, Commitment, EpisodeStatus

from .commitment_data import Commitments
from .factories import PASSWORD

pytestmark = pytest.mark.both_databases  # numbering under concurrency and per-year sequences


@pytest.fixture
def aired(make):
    """Episode 42 has ended: 市住建局 made two commitments on air, 供电公司 one, 市城管局 none."""
    zjj, power, cgj = make.department("ZJJ", "市住建局"), make.department("GDGS", "供电公司"), make.department("CGJ", "市城管局")
    episode = make.episode(42, "民生用电", date(2026, 11, 27))
    episode.status = EpisodeStatus.ENDED
    db.session.commit()
    commitments = Commitments(make)
    made = [commitments.create(zjj, episode=episode, content="年底前打通幸福路", deadline=date(2026, 12, 31)),
            commitments.create(zjj, episode=episode, content="一个月内修复路灯", deadline=date(2026, 12, 27)),
            commitments.create(power, episode=episode, content="两周内完成转改直", deadline=date(2026, 12, 11))]
    return {"episode": episode, "zjj": zjj, "power": power, "cgj": cgj, "commitments": made, "make": commitments}


@pytest.fixture
def supervisor(app, make):
    return signed_in(app, make.user("supervisor"))


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    client.csrf = response.get_json()["csrf_token"]
    return client


def issue(client, episode_id: int):
    return client.post(f"/oversight/letters/episodes/{episode_id}/issue", data={"csrf_token": client.csrf})


def letters() -> list[AssignmentLetter]:
    db.session.expire_all()
    return list(db.session.scalars(select(AssignmentLetter).order_by(AssignmentLetter.number)))


def test_issuing_writes_one_numbered_letter_per_department_with_commitments(aired, supervisor):
    response = issue(supervisor, aired["episode"].id)
    assert response.status_code == 302
    issued = letters()
    year = rules.today().year
    assert [(letter.department.code, letter.year, letter.number) for letter in issued] == [
        ("GDGS", year, 1), ("ZJJ", year, 2)]
    zjj = issued[1]
    assert zjj.issued_on == rules.today() and zjj.issued_by.role.value == "supervisor"
    assert [item["content"] for item in zjj.items["commitments"]] == ["年底前打通幸福路", "一个月内修复路灯"]
    assert zjj.items["department"]["name"] == "市住建局" and zjj.items["episode"]["number"] == 42


def test_issuing_again_creates_nothing_and_a_new_department_gets_the_next_number(aired, supervisor, make):
    issue(supervisor, aired["episode"].id)
    assert issue(supervisor, aired["episode"].id).status_code == 302
    assert len(letters()) == 2
    aired["make"].create(aired["cgj"], episode=aired["episode"], content="一周内清理占道经营")
    issue(supervisor, aired["episode"].id)
    assert [(letter.department.code, letter.number) for letter in letters()] == [("GDGS", 1), ("ZJJ", 2), ("CGJ", 3)]


def test_numbers_continue_across_episodes_and_restart_each_year(aired, make):
    service.issue_letters(aired["episode"].id, None)
    later = make.episode(43, "物业管理", date(2026, 12, 4))
    aired["make"].create(aired["zjj"], episode=later)
    service.issue_letters(later.id, None)
    assert [letter.number for letter in letters()] == [1, 2, 3]
    next_year = make.episode(44, "新年回头看", date(2027, 1, 8))
    aired["make"].create(aired["power"], episode=next_year)
    [letter] = service.add_letters(next_year, None, on=date(rules.today().year + 1, 1, 9))
    db.session.commit()
    assert (letter.year, letter.number) == (rules.today().year + 1, 1)


def test_a_commitment_recorded_after_the_letter_is_counted_not_added(aired, supervisor):
    issue(supervisor, aired["episode"].id)
    aired["make"].create(aired["zjj"], episode=aired["episode"], content="补充承诺：加装护栏")
    assert len(letters()) == 2  # one letter per episode and department
    zjj = next(letter for letter in letters() if letter.department.code == "ZJJ")
    assert service.late_commitments(zjj) == 1
    page = supervisor.get(f"/oversight/letters/{zjj.id}").get_data(as_text=True)
    assert "补充承诺" not in page and "1" in page and "letter-notice" in page
    assert "letter-notice" not in supervisor.get(f"/oversight/letters/{letters()[0].id}").get_data(as_text=True)


def test_a_letter_reprints_what_was_sent(aired, supervisor):
    issue(supervisor, aired["episode"].id)
    zjj = next(letter for letter in letters() if letter.department.code == "ZJJ")
    before = supervisor.get(f"/oversight/letters/{zjj.id}").get_data(as_text=True)
    commitment = db.session.get(Commitment, aired["commitments"][0].id)
    commitment.deadline, commitment.content, commitment.official_name = date(2027, 6, 30), "改过的承诺", "改过的人"
    aired["zjj"].name = "市住房和城乡建设局"
    aired["episode"].title = "改过的标题"
    db.session.commit()
    after = supervisor.get(f"/oversight/letters/{zjj.id}").get_data(as_text=True)
    assert after == before
    assert "2026年12月31日" in after and "改过" not in after and "2027年6月30日" not in after


def test_the_printable_letter_is_numbered_addressed_and_dated(aired, supervisor):
    issue(supervisor, aired["episode"].id)
    zjj = next(letter for letter in letters() if letter.department.code == "ZJJ")
    page = supervisor.get(f"/oversight/letters/{zjj.id}").get_data(as_text=True)
    today = rules.today()
    assert f"〔{today.year}〕第{zjj.number}号" in page
    assert "市住建局：" in page and "第42期" in page and "民生用电" in page and "2026年11月27日" in page
    assert f"{today.year}年{today.month}月{today.day}日" in page
    assert "李建国" in page and "年底前打通幸福路" in page and "/dept" in page
    assert 'src="/static/js/letter.js"' in page and "<script>" not in page


def test_no_complainant_data_in_a_letter(aired, supervisor):
    issue(supervisor, aired["episode"].id)
    for letter in letters():
        assert "张秀兰" not in str(letter.items) and "13900000001" not in str(letter.items)
        page = supervisor.get(f"/oversight/letters/{letter.id}").get_data(as_text=True)
        assert "张秀兰" not in page and "13900000001" not in page
    batch = supervisor.get(f"/oversight/letters/episodes/{aired['episode'].id}").get_data(as_text=True)
    assert "张秀兰" not in batch and "13900000001" not in batch


def test_the_episode_print_view_holds_every_letter(aired, supervisor):
    issue(supervisor, aired["episode"].id)
    page = supervisor.get(f"/oversight/letters/episodes/{aired['episode'].id}").get_data(as_text=True)
    assert page.count('<article class="letter"') == 2 and "市住建局：" in page and "供电公司：" in page


def test_the_letters_desk_lists_episodes_and_their_letters(aired, supervisor, make):
    make.episode(50, "尚未播出的一期", date(2027, 3, 5))  # planned, nothing recorded: not listed
    page = supervisor.get("/oversight/letters").get_data(as_text=True)
    assert "民生用电" in page and "尚未播出" not in page and f"/episodes/{aired['episode'].id}/issue" in page
    issue(supervisor, aired["episode"].id)
    page = supervisor.get("/oversight/letters").get_data(as_text=True)
    assert f"〔{rules.today().year}〕第1号" in page and "供电公司" in page
    assert f"/episodes/{aired['episode'].id}/issue" not in page  # nothing left to issue


def test_issuing_needs_the_csrf_token(aired, supervisor):
    response = supervisor.post(f"/oversight/letters/episodes/{aired['episode'].id}/issue")
    assert response.status_code in (400, 403) and letters() == []


@pytest.mark.parametrize("role", ["admin", "producer", "department"])
def test_other_roles_are_refused(app, aired, make, role):
    service.issue_letters(aired["episode"].id, None)
    letter = letters()[0]
    client = signed_in(app, make.user(role))
    for path in ["/oversight/letters", f"/oversight/letters/{letter.id}",
                 f"/oversight/letters/episodes/{aired['episode'].id}"]:
        assert client.get(path).status_code == 403, path
    assert issue(client, aired["episode"].id).status_code == 403


def test_an_unknown_letter_or_episode_is_not_found(supervisor):
    assert supervisor.get("/oversight/letters/999999").status_code == 404
    assert issue(supervisor, 999999).status_code == 404


def test_a_number_taken_meanwhile_is_retried(aired, monkeypatch):
    """Another writer took the number this one read as free: the savepoint retries the next."""
    real = service._next_number
    calls = []

    def stale(year: int) -> int:
        calls.append(year)
        return 1 if len(calls) <= 2 else real(year)   # the second letter first tries a taken number

    monkeypatch.setattr(service, "_next_number", stale)
    service.issue_letters(aired["episode"].id, None)
    assert sorted(letter.number for letter in letters()) == [1, 2] and len(calls) == 3


def test_two_supervisors_issuing_at_once_get_unique_numbers(app, aired):
    episode_id = aired["episode"].id
    db.session.commit()
    barrier, errors = threading.Barrier(2), []

    def issue_in_thread() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                service.issue_letters(episode_id, None)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    issued = letters()
    assert sorted(letter.number for letter in issued) == [1, 2]
    assert sorted(letter.department.code for letter in issued) == ["GDGS", "ZJJ"]
    assert db.session.scalar(select(func.count()).select_from(AssignmentLetter)) == 2


def test_the_demo_has_the_letters_of_its_past_shows_once(make):
    load_demo()
    first = [(letter.episode_id, letter.department_id, letter.year, letter.number) for letter in letters()]
    load_demo()
    assert [(letter.episode_id, letter.department_id, letter.year, letter.number) for letter in letters()] == first
    assert first, "the demo's past shows have letters"
    for letter in letters():
        assert letter.episode.status is EpisodeStatus.ENDED
        assert (letter.issued_on - letter.episode.air_date).days == 1
        assert letter.issued_by.username and letter.items["commitments"]


def test_a_department_reads_and_reprints_its_own_letters_only(app, aired, supervisor, make):
    issue(supervisor, aired["episode"].id)
    ours = next(letter for letter in letters() if letter.department_id == aired["zjj"].id)
    theirs = next(letter for letter in letters() if letter.department_id == aired["power"].id)
    client = signed_in(app, make.user("department", department=aired["zjj"]))

    listing = client.get("/dept/letters").get_data(as_text=True)
    assert f"/dept/letters/{ours.id}" in listing and f"/dept/letters/{theirs.id}" not in listing
    printed = client.get(f"/dept/letters/{ours.id}")
    assert printed.status_code == 200
    page = printed.get_data(as_text=True)
    assert f"〔{ours.year}〕第{ours.number}号" in page and "年底前打通幸福路" in page
    assert 'href="/dept/letters"' in page   # back to the department's list, not the desk
    refused = client.get(f"/dept/letters/{theirs.id}")
    assert refused.status_code == 404 and "两周内完成转改直" not in refused.get_data(as_text=True)
    assert client.get("/dept/letters/999999").status_code == 404


def test_a_department_without_letters_is_told_so(app, make):
    client = signed_in(app, make.user("department"))
    assert "尚未收到交办函" in client.get("/dept/letters").get_data(as_text=True)
