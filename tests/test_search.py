"""Search finds what people type: every word, in any order, in the text they can read.

"电梯 物业" finds the case about a lift that the property company will not repair, whichever
field holds which word; two-character words (most Chinese words) work; the public never finds
a case by a phone number or a name that is only in the hotline text; the index follows every
insert, update and delete; and nothing typed is an operator.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select, text, update

from tracker import search
from tracker.extensions import db
from tracker.models import Case, CaseDepartment, Commitment, Department

# FTS5 on SQLite and pg_trgm / gram indexes on PostgreSQL: the same answers from both.
pytestmark = pytest.mark.both_databases

PUBLIC = "/api/v1/public/commitments"


def commit_to(case: Case, department: Department, content: str, official: str = "王建国") -> Commitment:
    episode_id = db.session.scalar(text("SELECT min(id) FROM episodes"))
    commitment = Commitment(episode_id=episode_id, case_id=case.id, department_id=department.id,
                            official_name=official, official_title="副局长", content=content,
                            deadline=date(2027, 1, 31), original_deadline=date(2027, 1, 31))
    db.session.add(commitment)
    db.session.commit()
    return commitment


@pytest.fixture
def story(make):
    """A lift case for the housing bureau and a water case for the water company."""
    make.episode()
    housing = make.department("ZJJ", "市住房和城乡建设局")
    water = make.department("SWJT", "市水务集团")
    lift = make.case("某小区电梯停运半年", departments=[housing],
                     summary="市民陈秀兰反映：物业公司一直不修，联系电话13812345678。")
    pipe = make.case("老旧小区水管爆裂", departments=[water], summary="停水三天，居民生活困难。")
    return {"housing": housing, "water": water, "lift": lift, "pipe": pipe,
            "lift_promise": commit_to(lift, housing, "督促物业一个月内修复电梯", official="王建国"),
            "pipe_promise": commit_to(pipe, water, "年底前更换主管道", official="李春华")}


def public_ids(client, q: str) -> list[int]:
    response = client.get(PUBLIC, query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return sorted(item["id"] for item in body["items"])


def staff_ids(api, q: str, path: str = "/api/v1/commitments") -> list[int]:
    response = api.as_role("supervisor").get(path, query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    return sorted(item["id"] for item in response.get_json()["items"])


def case_ids(api, q: str) -> list[int]:
    response = api.as_role("producer").get("/api/v1/cases", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    return sorted(item["id"] for item in response.get_json()["items"])


def test_several_words_match_in_any_order_and_any_field(client, api, story):
    lift = story["lift_promise"].id
    # 电梯 is in the title and what was promised, 物业 in the summary and what was promised.
    for q in ("电梯 物业", "物业 电梯", "电梯　物业", "  停运   物业  ", "物业 住房和城乡"):
        assert public_ids(client, q) == [lift], q
        assert staff_ids(api, q) == [lift], q
        assert case_ids(api, q) == [story["lift"].id], q
    # Every word must be there: one missing word and nothing matches.
    assert public_ids(client, "电梯 水管") == []
    assert case_ids(api, "电梯 水管") == []


def test_two_character_and_one_character_words(client, api, story):
    assert public_ids(client, "电梯") == [story["lift_promise"].id]
    assert public_ids(client, "停水") == [story["pipe_promise"].id]
    assert public_ids(client, "小区") == sorted([story["lift_promise"].id, story["pipe_promise"].id])
    assert public_ids(client, "梯") == [story["lift_promise"].id]      # one character, last of a word
    assert public_ids(client, "爆") == [story["pipe_promise"].id]
    assert public_ids(client, "梯电") == []                            # the characters, not in this order
    assert case_ids(api, "水管") == [story["pipe"].id]


def test_department_and_official_names(client, api, story):
    assert public_ids(client, "水务集团") == [story["pipe_promise"].id]
    assert public_ids(client, "李春华") == [story["pipe_promise"].id]
    assert public_ids(client, "王建国 电梯") == [story["lift_promise"].id]
    assert public_ids(client, "王建国 水管") == []
    assert staff_ids(api, "住建局") == []                               # not an abbreviation search
    assert case_ids(api, "水务") == [story["pipe"].id]                 # the case's department
    assert case_ids(api, "李春华") == [story["pipe"].id]               # the official who answered for it


def test_the_public_never_finds_a_case_by_its_hotline_text(client, api, story):
    # The hotline summary holds a name and a phone number; the public text has them masked.
    assert story["lift"].public_summary.count("13812345678") == 0
    for private in ("13812345678", "陈秀兰", "秀兰", "1234 电梯"):
        assert public_ids(client, private) == [], private
        response = client.get("/commitments", query_string={"q": private})
        assert response.status_code == 200
        assert f"/commitments/{story['lift_promise'].id}\"" not in response.get_data(as_text=True)
    # Staff read the hotline text, and find it by either.
    assert staff_ids(api, "13812345678") == [story["lift_promise"].id]
    assert case_ids(api, "陈秀兰 电梯") == [story["lift"].id]


def test_the_public_page_and_the_export_search_the_same_way(client, story):
    page = client.get("/commitments", query_string={"q": "物业 电梯"}).get_data(as_text=True)
    assert f"/commitments/{story['lift_promise'].id}\"" in page
    assert f"/commitments/{story['pipe_promise'].id}\"" not in page


def test_the_index_follows_inserts_updates_and_deletes(app, client, api, make, story):
    lift, pipe = story["lift_promise"], story["pipe_promise"]
    # The public text is edited: the old words go, the new ones come.
    story["lift"].public_title = "某小区升降机停运半年"
    db.session.commit()
    assert public_ids(client, "升降机") == [lift.id]
    assert public_ids(client, "电梯停运") == []
    # A department renamed.
    db.session.execute(update(Department).where(Department.id == story["water"].id).values(name="市供水公司"))
    db.session.commit()
    assert public_ids(client, "供水公司") == [pipe.id]
    assert public_ids(client, "水务集团") == []
    assert case_ids(api, "供水公司") == [story["pipe"].id]
    # What was promised corrected, and an official's name.
    pipe.content = "三月底前更换主管道"
    pipe.official_name = "赵敏"
    db.session.commit()
    assert public_ids(client, "三月底") == [pipe.id]
    assert public_ids(client, "年底前") == []
    assert case_ids(api, "赵敏") == [story["pipe"].id]
    assert case_ids(api, "李春华") == []
    # A second department added to a case, then taken away.
    story["pipe"].department_links.append(CaseDepartment(department=story["housing"], position=1))
    db.session.commit()
    assert case_ids(api, "住房和城乡 水管") == [story["pipe"].id]
    db.session.execute(delete(CaseDepartment).where(CaseDepartment.case_id == story["pipe"].id,
                                                    CaseDepartment.department_id == story["housing"].id))
    db.session.commit()
    assert case_ids(api, "住房和城乡 水管") == []
    # A new commitment is found at once; a deleted one is gone.
    extra = commit_to(story["pipe"], story["water"], "安装临时供水点")
    assert public_ids(client, "临时供水") == [extra.id]
    db.session.delete(extra)
    db.session.commit()
    assert public_ids(client, "临时供水") == []
    assert case_ids(api, "停水") == [story["pipe"].id]


@pytest.mark.parametrize("typed", ['%', '_', '%%', "'", '"', '""', 'NEAR', 'NEAR(电梯 物业)', 'AND', 'OR', 'NOT',
                                   '电梯 AND', '电梯"', 'public:电梯', '{private}:陈秀兰', '^电梯', '电梯*', '(', ')',
                                   '\\', '--', '+', ':', '——', '、', "'; DROP TABLE cases; --"])
def test_special_characters_are_literal_and_never_an_error(client, api, story, typed):
    assert public_ids(client, typed) == []
    assert staff_ids(api, typed) == []
    assert case_ids(api, typed) == []


def test_special_characters_are_found_where_they_are(client, api, make, story):
    # The masked phone number in the public text (138****5678) holds the only stars.
    assert public_ids(client, "*") == [story["lift_promise"].id]
    assert public_ids(client, "****") == [story["lift_promise"].id]
    assert case_ids(api, "*") == [story["lift"].id]
    done = commit_to(story["pipe"], story["water"], "完成率100%，入户检查_100户")
    other = commit_to(story["pipe"], story["water"], "补偿100元")
    assert public_ids(client, "100%") == [done.id]
    assert public_ids(client, "_100") == [done.id]
    assert public_ids(client, "100") == sorted([done.id, other.id])
    assert public_ids(client, "100% 入户") == [done.id]
    assert db.session.scalar(select(Commitment.id).where(Commitment.id == other.id)) == other.id


def test_a_department_searches_its_own_list(api, make, story):
    other = commit_to(story["pipe"], story["housing"], "协调水务集团抢修电梯旁的水管")
    client, _ = api.session_login(make.user("department", department=story["housing"]))
    page = client.get("/dept", query_string={"q": "电梯 物业"}).get_data(as_text=True)
    assert f'data-commitment="{story["lift_promise"].id}"' in page
    assert f'data-commitment="{other.id}"' not in page
    # The water company's commitment holds 水管 but is not the housing bureau's.
    page = client.get("/dept", query_string={"q": "水管"}).get_data(as_text=True)
    assert f'data-commitment="{other.id}"' in page
    assert f'data-commitment="{story["pipe_promise"].id}"' not in page


def test_a_search_counts_up_to_the_cap_and_says_so(client, api, story, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 1)
    body = client.get(PUBLIC, query_string={"q": "小区"}).get_json()
    assert (body["total"], body["total_capped"], len(body["items"])) == (1, True, 2)
    assert "超过 1 条承诺" in client.get("/commitments", query_string={"q": "小区"}).get_data(as_text=True)
    body = client.get(PUBLIC, query_string={"q": "电梯"}).get_json()
    assert (body["total"], body["total_capped"]) == (1, False)
    body = client.get(PUBLIC).get_json()           # without words the count is exact
    assert (body["total"], body["total_capped"]) == (2, False)
    cases = api.as_role("producer").get("/api/v1/cases", query_string={"q": "小区"}).get_json()
    assert (cases["total"], cases["total_capped"]) == (1, True)


@pytest.mark.parametrize("budget", [1, 2, 3, 500])
def test_common_words_page_in_the_list_order_whichever_plan_finds_them(client, story, monkeypatch, budget):
    """With more matches than the count's cap, PostgreSQL reads the list in its order and checks
    each row (falling back to the index when `budget` rows do not fill the page): every page
    is the one the plain order gives, overdue first, on both databases."""
    from tracker.commitments import queries
    monkeypatch.setattr(search, "COUNT_CAP", 1)
    monkeypatch.setattr(queries, "ORDERED_BUDGET", budget)
    extra = [commit_to(story["lift"], story["housing"], f"小区第{n}项整改") for n in range(4)]
    db.session.execute(update(Commitment).where(Commitment.id == extra[2].id).values(deadline=date(2020, 1, 1)))
    db.session.execute(update(Commitment).where(Commitment.id == extra[0].id).values(deadline=date(2026, 12, 1)))
    db.session.execute(update(Commitment).where(Commitment.id == story["pipe_promise"].id)
                       .values(content="小区以外的管道", deadline=date(2020, 6, 1)))
    db.session.commit()
    expected = [extra[2].id, story["pipe_promise"].id, extra[0].id, story["lift_promise"].id,
                extra[1].id, extra[3].id]
    pages = []
    for page in (1, 2, 3, 4):
        body = client.get(PUBLIC, query_string={"q": "小区", "per_page": 2, "page": page}).get_json()
        assert (body["total"], body["total_capped"]) == (1, True)
        pages += [item["id"] for item in body["items"]]
    assert pages == expected


@pytest.mark.postgresql_only
def test_postgresql_documents_are_narrow_text_with_an_exact_gram_index(story):
    """PostgreSQL (migration 0015): a document is its text alone, indexed by the expression
    `search_grams(text)`; the grams are those of migration 0010, computed in one pass
    (SQLite searches through FTS5)."""
    columns = db.session.scalars(text("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'search_commitments' ORDER BY ordinal_position")).all()
    assert columns == ["id", "public", "private"]
    assert db.session.scalar(text("SELECT count(*) FROM search_commitments WHERE public ~ '[A-Z]'")) == 0
    assert db.session.scalar(text("SELECT count(*) FROM search_commitments WHERE public ~ 't-0'")) == 2
    assert set(db.session.scalar(text("SELECT search_grams('Ab  电梯%')"))) == {
        "a", "ab", "b", "电", "电梯", "梯", "梯%", "%"}
    indexes = db.session.scalars(text("SELECT indexdef FROM pg_indexes WHERE tablename = 'search_commitments'")).all()
    assert sum("gin (search_grams(public))" in index for index in indexes) == 1
    assert not any("trgm" in index for index in indexes)
