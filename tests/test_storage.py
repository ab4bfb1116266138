import dataclasses
import time

import pytest
import sqlalchemy as sa

from cookiegov.models import (
    Category,
    Classification,
    ObservedCookie,
    PageResult,
    ScanResult,
    SetVia,
    StorageItem,
)
from cookiegov.storage import Database, open_database
from cookiegov.storage.appends import append_consent
from cookiegov.storage.consents import ConsentInput, records_for, verify_chain
from cookiegov.storage.scans import latest_scan, list_scans, save_scan


def _scan(site: str = "shop.test") -> ScanResult:
    cookie = ObservedCookie(
        name="sessionid",
        domain="www.shop.test",
        path="/",
        expires=None,
        lifetime=None,
        http_only=True,
        secure=True,
        same_site="Lax",
        third_party=False,
        set_via=(SetVia.HEADER,),
        set_by="https://www.shop.test/",
        pages=("https://www.shop.test/",),
        value_length=26,
        value_kind="id",
        value_entropy=4.2,
        classification=Classification(Category.NECESSARY, "Django", 0.95, "documented", "kb"),
    )
    return ScanResult(
        url="https://www.shop.test/",
        site=site,
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:01:00+00:00",
        consent="none",
        pages=[PageResult("https://www.shop.test/", 200, None, "Home", 120, 0)],
        cookies=[cookie],
        storage=[
            StorageItem("localStorage", "https://www.shop.test", "k", ("https://www.shop.test/",))
        ],
    )


def test_scan_round_trip(db: Database) -> None:
    saved = save_scan(db, _scan())
    assert saved.scan_id
    loaded = latest_scan(db, "shop.test")
    assert loaded is not None
    assert [c.name for c in loaded.cookies] == ["sessionid"]
    assert loaded.cookies[0].category is Category.NECESSARY
    assert loaded.cookies[0].set_via == (SetVia.HEADER,)
    assert loaded.storage[0].key == "k"
    assert list_scans(db)[0]["cookie_count"] == 1


def test_migration_upgrades_an_older_database_in_place(db_url: str) -> None:
    url = db_url
    old = Database(url)
    old.migrate("0001")  # the schema as the first release shipped it
    with old.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO sites (domain, name, created_at) VALUES ('a.test','a','t')")
        )
        conn.execute(
            sa.text(
                "INSERT INTO scans (site_id, url, started_at) VALUES (1, 'https://a.test/', 't')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO cookies (scan_id, name, domain, path, http_only, secure, third_party,"
                " set_via, pages, category) VALUES (1, '_ga', 'a.test', '/', false, false, false,"
                " 'script',"
                " '[]', 'analytics')"
            )
        )
        columns = {c["name"] for c in sa.inspect(conn).get_columns("cookies")}
    assert "blocked_reason" not in columns
    old.close()
    upgraded = open_database(url)
    assert upgraded.revision() == upgraded.head() == "0050"
    scan = latest_scan(upgraded, "a.test")
    assert scan is not None and scan.cookies[0].name == "_ga"
    assert scan.cookies[0].blocked_reason is None and scan.cookies[0].value_kind == "empty"
    assert scan.storage == []


def _consent(cid: str, analytics: bool) -> ConsentInput:
    return ConsentInput(
        consent_id=cid,
        choices={"analytics": analytics, "advertising": False, "functional": True},
        revision=1,
        method="banner",
        gpc=False,
        ip="203.0.113.0/24",
    )


def test_consent_chain_verifies_and_detects_tampering(db: Database) -> None:
    for i in range(5):
        append_consent(db, "shop.test", _consent(f"visitor-{i:012d}", i % 2 == 0))
    append_consent(db, "other.test", _consent("visitor-other-0001", True))
    assert verify_chain(db, "shop.test").ok
    assert len(records_for(db, "shop.test", "visitor-000000000002")) == 1

    with db.engine.begin() as conn:  # alter a stored choice
        conn.execute(
            sa.text(
                "UPDATE consents SET choices = '{\"analytics\": true}' WHERE seq = 2"
                " AND site_id = 1"
            )
        )
    report = verify_chain(db, "shop.test")
    assert not report.ok and any("record 2" in p for p in report.problems)


def test_consent_chain_detects_removal(db: Database) -> None:
    for i in range(4):
        append_consent(db, "shop.test", _consent(f"visitor-{i:012d}", True))
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM consents WHERE seq = 3"))
    report = verify_chain(db, "shop.test")
    assert not report.ok
    assert any("gap" in p for p in report.problems)


def test_purge_keeps_the_chain_verifiable(db: Database) -> None:
    from cookiegov.storage.consents import purge_before

    for i in range(6):
        append_consent(db, "shop.test", _consent(f"visitor-{i:012d}", True))
        time.sleep(0.002)  # distinct millisecond timestamps, so the cutoff splits 3 / 3
    cutoff = all_records_created(db)[3]
    assert purge_before(db, "shop.test", cutoff) == 3
    report = verify_chain(db, "shop.test")
    assert report.ok and report.records == 3
    with db.engine.begin() as conn:  # removing the first kept record is still caught
        conn.execute(sa.text("DELETE FROM consents WHERE seq = 4"))
    assert not verify_chain(db, "shop.test").ok


def all_records_created(db: Database) -> list[str]:
    from cookiegov.storage.consents import all_records

    return [r["created_at"] for r in all_records(db, "shop.test")]


def test_group_commit_from_many_threads(db: Database) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from cookiegov.storage.appends import ConsentWriter

    writer = ConsentWriter(db)
    sites = ["shop.test", "other.test", "third.test"]
    with ThreadPoolExecutor(16) as pool:
        records = list(
            pool.map(
                lambda i: writer.append(sites[i % 3], _consent(f"visitor-gc-{i:08d}", i % 2 == 0)),
                range(300),
            )
        )
    assert len({r["hash"] for r in records}) == 300
    for site in sites:
        report = verify_chain(db, site)
        assert report.ok and report.records == 100
    assert writer.largest_batch > 1  # appends were grouped into shared commits


def test_writers_of_several_servers_share_one_chain(db_url: str) -> None:
    """Four app servers (each its own Database and writer) append to one site at once: every
    append succeeds, sequence numbers are unique and the chain verifies."""
    from concurrent.futures import ThreadPoolExecutor

    from cookiegov.storage.appends import ConsentWriter

    servers = [open_database(db_url) for _ in range(4)]
    writers = [ConsentWriter(server) for server in servers]
    try:
        with ThreadPoolExecutor(24) as pool:
            records = list(
                pool.map(
                    lambda i: writers[i % 4].append(
                        "shop.test", _consent(f"visitor-many-{i:08d}", i % 2 == 0)
                    ),
                    range(400),
                )
            )
        assert sorted(r["seq"] for r in records) == list(range(1, 401))
        report = verify_chain(servers[0], "shop.test")
        assert report.ok and report.records == 400
    finally:
        for server in servers:
            server.close()


def test_batches_of_several_sites_in_opposite_orders_never_deadlock(db_url: str) -> None:
    """Two servers commit batches holding the same two sites, listed in opposite orders: each
    batch locks the sites in one fixed order, so none waits on the other forever (PostgreSQL
    would abort one of them as a deadlock)."""
    from concurrent.futures import ThreadPoolExecutor

    from cookiegov.storage.appends import BatchCommitter

    servers = [open_database(db_url) for _ in range(2)]
    committers = [BatchCommitter(server) for server in servers]
    order = [("a.test", "b.test"), ("b.test", "a.test")]

    def run(k: int) -> int:
        done = 0
        for i in range(40):
            items = [(site, _consent(f"visitor-{k}-{site}-{i:06d}", True)) for site in order[k]]
            with servers[k].write_lock():
                done += len(committers[k].commit(items))
        return done

    try:
        with ThreadPoolExecutor(2) as pool:
            assert sum(pool.map(run, range(2))) == 160
        for site in ("a.test", "b.test"):
            report = verify_chain(servers[0], site)
            assert report.ok and report.records == 80
    finally:
        for committer, server in zip(committers, servers, strict=True):
            committer.close()
            server.close()


def test_writer_reports_a_failed_batch_and_recovers(db: Database) -> None:
    from cookiegov.errors import StorageError
    from cookiegov.storage.appends import ConsentWriter

    writer = ConsentWriter(db)
    writer.append("shop.test", _consent("visitor-before-0001", True))
    with db.engine.begin() as conn:  # sabotage: the table is away
        conn.execute(sa.text("ALTER TABLE consents RENAME TO consents_away"))
    with pytest.raises(StorageError, match="database error"):
        writer.append("shop.test", _consent("visitor-failed-001", True))
    with db.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE consents_away RENAME TO consents"))
    record = writer.append("shop.test", _consent("visitor-after-00001", True))
    assert record["seq"] == 2
    assert verify_chain(db, "shop.test").ok


def test_a_stored_scan_keeps_the_review_flags_its_threshold_set(db: Database) -> None:
    """The flag is the scan's verdict against the deployment's ``review_threshold``; a
    reloaded scan (dashboard, declaration, checks, diffs) once recomputed it against the
    default 0.5, so a cautious 0.9 lost its flags and a lenient 0.3 gained some."""
    from cookiegov.classify import Classifier, CookieInput
    from tests import builders

    answers = {
        threshold: Classifier(review_threshold=threshold).classify(
            CookieInput("_ga", ".shop.test", expires_in=400 * 86400, site="shop.test")
        )
        for threshold in (0.99, 0.01)
    }
    assert answers[0.99].needs_review and not answers[0.01].needs_review
    for threshold, answer in answers.items():
        result = builders.scan(cookies=[builders.cookie("_ga", classification=answer)])
        stored = save_scan(db, dataclasses.replace(result, site=f"t{threshold}.test"))
        loaded = latest_scan(db, stored.site)
        assert loaded is not None
        assert loaded.cookies[0].needs_review is answer.needs_review
        kept = loaded.cookies[0].classification
        assert kept is not None
        assert (kept.category, kept.confidence, kept.reason) == (
            answer.category,
            answer.confidence,
            answer.reason,
        )


def test_the_baseline_adds_what_scans_without_a_choice_found_since(db: Database) -> None:
    """A `check` whose "Accept all" crawl missed a page, then a plain `scan` that reached it:
    the declaration (from the baseline) lists the cookie the later scan found; a scan without
    a choice made before the "Accept all" one adds nothing (older evidence)."""
    from cookiegov.declaration import site_declaration
    from cookiegov.storage.scans import baseline_scan
    from tests import builders

    save_scan(db, builders.scan("none", [builders.cookie("old_only")]))
    accepted = save_scan(db, builders.scan("accept", [builders.cookie("sessionid")]))
    save_scan(db, builders.scan("reject", [builders.cookie("refused_state_only")]))
    later = save_scan(
        db, builders.scan("none", [builders.cookie("sessionid"), builders.cookie("cart")])
    )
    base = baseline_scan(db, builders.SITE)
    assert base is not None and base.scan_id == accepted.scan_id
    assert sorted(c.name for c in base.cookies) == ["cart", "sessionid"]
    assert base.settings["seen_since"] == [
        {"name": "cart", "domain": "www.shop.test", "scan_id": later.scan_id}
    ]
    declared = site_declaration(db, builders.SITE)
    names = {c["name"] for cookies in declared["categories"].values() for c in cookies}
    assert names == {"cart", "sessionid"}
