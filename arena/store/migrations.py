"""The schema, all of it: every table, index and trigger, as numbered migrations.

``db.migrate`` applies each migration newer than ``PRAGMA user_version``; the modules of the
store read and write these tables and import only db's helpers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None] | Sequence[str]

# Version 1. Results carry no foreign key to units: units are replaced when rules are saved,
# and a unit dropped from the rules must not take its stored (maybe published) figures along.
# results is WITHOUT ROWID, keyed by period first: scoring reads one contest's months.
# Every import that changes something is a numbered batch; a value records the batch that
# stored it (and, once replaced, the batch that replaced it), so the results as they stood
# after any batch can be read back and a publication recomputed.
# audit.contest has no foreign key either: the trail must accept any row it is given.
V1: tuple[str, ...] = (
    """CREATE TABLE contests (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        season_start TEXT NOT NULL,
        season_end TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE rules_versions (
        contest TEXT NOT NULL REFERENCES contests(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        sha256 TEXT NOT NULL,
        yaml TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (contest, version)
    )""",
    """CREATE TABLE units (
        contest TEXT NOT NULL REFERENCES contests(id),
        code TEXT NOT NULL,
        name TEXT NOT NULL,
        grp TEXT NOT NULL,
        PRIMARY KEY (contest, code)
    )""",
    """CREATE TABLE result_batches (
        contest TEXT NOT NULL REFERENCES contests(id),
        batch INTEGER NOT NULL CHECK (batch >= 1),
        stored_by TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        PRIMARY KEY (contest, batch)
    )""",
    """CREATE TABLE results (
        contest TEXT NOT NULL REFERENCES contests(id),
        unit TEXT NOT NULL,
        key TEXT NOT NULL,
        period TEXT NOT NULL,
        value REAL NOT NULL CHECK (typeof(value) = 'real'),
        stored_by TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        batch INTEGER NOT NULL,
        PRIMARY KEY (contest, period, unit, key),
        FOREIGN KEY (contest, batch) REFERENCES result_batches (contest, batch)
    ) WITHOUT ROWID""",
    """CREATE TABLE results_history (
        id INTEGER PRIMARY KEY,
        contest TEXT NOT NULL REFERENCES contests(id),
        unit TEXT NOT NULL,
        key TEXT NOT NULL,
        period TEXT NOT NULL,
        value REAL NOT NULL,
        stored_by TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        batch INTEGER NOT NULL,
        replaced_by TEXT NOT NULL,
        replaced_at TEXT NOT NULL,
        replaced_batch INTEGER NOT NULL,
        FOREIGN KEY (contest, batch) REFERENCES result_batches (contest, batch),
        FOREIGN KEY (contest, replaced_batch) REFERENCES result_batches (contest, batch)
    )""",
    "CREATE INDEX results_history_by_cell ON results_history (contest, period, unit, key, id)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        contest TEXT,
        target TEXT,
        before_sha256 TEXT,
        after_sha256 TEXT,
        detail TEXT CHECK (detail IS NULL OR json_valid(detail))
    )""",
    "CREATE INDEX audit_by_contest ON audit (contest, id)",
    "CREATE INDEX audit_by_action ON audit (action, id)",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
)

# Publications: frozen sheets, one row per (contest, period, revision). Triggers refuse UPDATE
# and DELETE, and refuse a revision that is not exactly the next one (store/publications.py).
PUBLICATIONS: tuple[str, ...] = (
    """CREATE TABLE publications (
        contest TEXT NOT NULL REFERENCES contests(id),
        period TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('month', 'quarter', 'half', 'year')),
        revision INTEGER NOT NULL CHECK (revision >= 1),
        published_at TEXT NOT NULL,
        author TEXT NOT NULL,
        note TEXT,
        rules_version INTEGER NOT NULL,
        rules_sha256 TEXT NOT NULL,
        data_batch INTEGER NOT NULL,
        data_sha256 TEXT NOT NULL,
        sheet_sha256 TEXT NOT NULL,
        sheet TEXT NOT NULL,
        PRIMARY KEY (contest, period, revision),
        FOREIGN KEY (contest, rules_version) REFERENCES rules_versions (contest, version)
    )""",
    """CREATE TRIGGER publications_next_revision BEFORE INSERT ON publications
       WHEN NEW.revision != 1 + coalesce((SELECT max(revision) FROM publications
                                           WHERE contest = NEW.contest AND period = NEW.period), 0)
       BEGIN SELECT RAISE(ABORT, 'a publication must be the next revision of its period'); END""",
    """CREATE TRIGGER publications_no_update BEFORE UPDATE ON publications
       BEGIN SELECT RAISE(ABORT, 'publications are frozen'); END""",
    """CREATE TRIGGER publications_no_delete BEFORE DELETE ON publications
       BEGIN SELECT RAISE(ABORT, 'publications are frozen'); END""",
)

# API tokens (stored only as sha256 hex) and the shared counter of failed sign-in attempts
# (store/tokens.py).
TOKENS: tuple[str, ...] = (
    """CREATE TABLE tokens (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'organizer', 'unit')),
        contest TEXT,
        unit TEXT,
        sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        CHECK (role != 'unit' OR (unit IS NOT NULL AND contest IS NOT NULL)),
        CHECK (role = 'unit' OR unit IS NULL)
    )""",
    # one row per client address and minute; old minutes are swept on the next failure
    """CREATE TABLE auth_failures (
        client TEXT NOT NULL,
        minute INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (client, minute)
    ) WITHOUT ROWID""",
)

# Version 3: people. Accounts (users), their failed sign-ins and locks, server-side sessions.
ACCOUNTS: tuple[str, ...] = (
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'organizer', 'department', 'unit', 'judge')),
        contest TEXT,
        unit TEXT,
        department TEXT,
        password_hash TEXT NOT NULL,
        must_change INTEGER NOT NULL DEFAULT 1,
        totp_secret TEXT,
        totp_pending TEXT,
        totp_last_step INTEGER,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        password_changed_at TEXT,
        disabled_at TEXT,
        CHECK (role != 'unit' OR (unit IS NOT NULL AND contest IS NOT NULL)),
        CHECK (role != 'department' OR department IS NOT NULL)
    )""",
    # every failed sign-in, by the username typed (known or not, so a lock says nothing of
    # whether the account exists); swept when older than an hour
    """CREATE TABLE signin_failures (
        username TEXT NOT NULL COLLATE NOCASE,
        at REAL NOT NULL,
        client TEXT
    )""",
    "CREATE INDEX signin_failures_by_name ON signin_failures (username, at)",
    """CREATE TABLE signin_locks (
        username TEXT PRIMARY KEY COLLATE NOCASE,
        until REAL NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sid_sha256 TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users(id),
        created REAL NOT NULL,
        last_seen REAL NOT NULL,
        ended REAL,
        ended_why TEXT,
        client TEXT
    )""",
    "CREATE INDEX sessions_live_by_user ON sessions (user_id) WHERE ended IS NULL",
)


def _v3_accounts(db: sqlite_utils.Database) -> None:
    from arena.store import audit_chain  # imported late: it imports db's helpers, and db imports us

    for statement in ACCOUNTS:
        db.conn.execute(statement)
    db.conn.execute("ALTER TABLE tokens ADD COLUMN owner INTEGER REFERENCES users(id)")  # NULL: made before accounts
    audit_chain.add_chain(db)  # the existing rows join the hash chain


# Version 4: the monthly cycle. Submissions and their rows (pending -> approved | returned);
# evidence files, stored by sha256 outside the database (services/evidence.py), attached to a
# submission or an objection; objections during a month's notice (公示); the outbox of reminders;
# a publication's status (notice | final) and notice deadline; department tokens and e-mail.
CYCLE: tuple[str, ...] = (
    """CREATE TABLE submissions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contest TEXT NOT NULL REFERENCES contests(id),
        period TEXT NOT NULL,
        reporter TEXT NOT NULL,
        submitted_by TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'returned')),
        reviewed_by TEXT,
        reviewed_at TEXT,
        reason TEXT,
        batch INTEGER,
        CHECK (status != 'returned' OR reason IS NOT NULL)
    )""",
    "CREATE INDEX submissions_by_period ON submissions (contest, period, reporter, id)",
    """CREATE TABLE submission_rows (
        submission INTEGER NOT NULL REFERENCES submissions(id),
        unit TEXT NOT NULL,
        key TEXT NOT NULL,
        period TEXT NOT NULL,
        value REAL NOT NULL CHECK (typeof(value) = 'real'),
        explanation TEXT,
        PRIMARY KEY (submission, unit, key, period)
    ) WITHOUT ROWID""",
    """CREATE TABLE objections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contest TEXT NOT NULL REFERENCES contests(id),
        period TEXT NOT NULL,
        revision INTEGER NOT NULL,
        unit TEXT NOT NULL,
        indicator TEXT,
        message TEXT NOT NULL,
        raised_by TEXT NOT NULL,
        raised_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'rejected')),
        reply TEXT,
        answered_by TEXT,
        answered_at TEXT,
        answer_revision INTEGER,
        CHECK (status = 'open' OR answered_at IS NOT NULL)
    )""",
    "CREATE INDEX objections_by_period ON objections (contest, period, status)",
    """CREATE TABLE evidence (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contest TEXT NOT NULL REFERENCES contests(id),
        submission INTEGER REFERENCES submissions(id),
        objection INTEGER REFERENCES objections(id),
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        sha256 TEXT NOT NULL,
        stored_by TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        CHECK ((submission IS NULL) != (objection IS NULL)),
        UNIQUE (submission, name),
        UNIQUE (objection, name)
    )""",
    # one row per message and channel; ``dedup`` makes queueing the same reminder twice a no-op
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dedup TEXT NOT NULL UNIQUE,
        channel TEXT NOT NULL CHECK (channel IN ('wecom', 'dingtalk', 'email')),
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        contest TEXT,
        period TEXT,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT
    )""",
    "CREATE INDEX outbox_unsent ON outbox (next_attempt_at) WHERE sent_at IS NULL",
    "ALTER TABLE publications ADD COLUMN status TEXT NOT NULL DEFAULT 'final' CHECK (status IN ('notice', 'final'))",
    "ALTER TABLE publications ADD COLUMN notice_until TEXT",
    # ADD COLUMN puts status after the sheet in each row: reading it would walk a national
    # sheet's megabytes of overflow pages on every request. This index covers every column but
    # the sheet, so a publication's head (an ETag's 304, the lists) never touches the row.
    """CREATE INDEX publications_head ON publications (contest, period, revision, kind, published_at, author,
        note, rules_version, rules_sha256, data_batch, data_sha256, sheet_sha256, status, notice_until)""",
    "ALTER TABLE users ADD COLUMN email TEXT",
    # tokens gain the department role (a CHECK cannot be altered: the table is rebuilt)
    """CREATE TABLE tokens_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'organizer', 'department', 'unit')),
        contest TEXT,
        unit TEXT,
        sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        owner INTEGER REFERENCES users(id),
        department TEXT,
        CHECK (role != 'unit' OR (unit IS NOT NULL AND contest IS NOT NULL)),
        CHECK (role = 'unit' OR unit IS NULL),
        CHECK (role != 'department' OR (department IS NOT NULL AND contest IS NOT NULL)),
        CHECK (role = 'department' OR department IS NULL)
    )""",
    """INSERT INTO tokens_v4 (id, name, role, contest, unit, sha256, created_at, created_by, expires_at, revoked_at, owner)
       SELECT id, name, role, contest, unit, sha256, created_at, created_by, expires_at, revoked_at, owner FROM tokens""",
    "DROP TABLE tokens",
    "ALTER TABLE tokens_v4 RENAME TO tokens",
)


# Version 5: juries of showcase contests (展示擂台赛). A jury is one indicator and month of a
# contest, its criteria and trim as they stood when it opened, the presentation order drawn
# from a recorded seed, and its judges (accounts, by username); each judge's scores are kept
# per unit and criterion, and at close the tally (every total, which were dropped, x) is kept
# with it. Tokens gain the judge role (a judge's token names its account: owner is required).
JURY: tuple[str, ...] = (
    """CREATE TABLE juries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contest TEXT NOT NULL REFERENCES contests(id),
        indicator TEXT NOT NULL,
        period TEXT NOT NULL,
        criteria TEXT NOT NULL,
        trim INTEGER NOT NULL CHECK (trim >= 0),
        order_seed INTEGER NOT NULL,
        presentation TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        opened_by TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_by TEXT,
        closed_at TEXT,
        tally TEXT,
        UNIQUE (contest, indicator, period)
    )""",
    """CREATE TABLE jury_judges (
        jury INTEGER NOT NULL REFERENCES juries(id),
        username TEXT NOT NULL COLLATE NOCASE,
        position INTEGER NOT NULL,
        submitted_at TEXT,
        PRIMARY KEY (jury, username)
    ) WITHOUT ROWID""",
    """CREATE TABLE jury_scores (
        jury INTEGER NOT NULL REFERENCES juries(id),
        username TEXT NOT NULL COLLATE NOCASE,
        unit TEXT NOT NULL,
        criterion TEXT NOT NULL,
        score REAL NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (jury, username, unit, criterion),
        FOREIGN KEY (jury, username) REFERENCES jury_judges (jury, username)
    ) WITHOUT ROWID""",
    """CREATE TABLE tokens_v5 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'organizer', 'department', 'unit', 'judge')),
        contest TEXT,
        unit TEXT,
        sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        owner INTEGER REFERENCES users(id),
        department TEXT,
        CHECK (role != 'unit' OR (unit IS NOT NULL AND contest IS NOT NULL)),
        CHECK (role = 'unit' OR unit IS NULL),
        CHECK (role != 'department' OR (department IS NOT NULL AND contest IS NOT NULL)),
        CHECK (role = 'department' OR department IS NULL),
        CHECK (role != 'judge' OR owner IS NOT NULL)
    )""",
    """INSERT INTO tokens_v5 (id, name, role, contest, unit, sha256, created_at, created_by, expires_at, revoked_at,
       owner, department)
       SELECT id, name, role, contest, unit, sha256, created_at, created_by, expires_at, revoked_at, owner, department
       FROM tokens""",
    "DROP TABLE tokens",
    "ALTER TABLE tokens_v5 RENAME TO tokens",
)

# Weeks (周调度): publications may hold a week's dispatch, kind 'week'. A CHECK cannot be
# altered, so the table is rebuilt with its triggers and its covering index; status and
# notice_until now come before the sheet in each row (see CYCLE's index for why that matters).
WEEKS: tuple[str, ...] = (
    """CREATE TABLE publications_v7 (
        contest TEXT NOT NULL REFERENCES contests(id),
        period TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('month', 'quarter', 'half', 'year', 'week')),
        revision INTEGER NOT NULL CHECK (revision >= 1),
        published_at TEXT NOT NULL,
        author TEXT NOT NULL,
        note TEXT,
        rules_version INTEGER NOT NULL,
        rules_sha256 TEXT NOT NULL,
        data_batch INTEGER NOT NULL,
        data_sha256 TEXT NOT NULL,
        sheet_sha256 TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'final' CHECK (status IN ('notice', 'final')),
        notice_until TEXT,
        sheet TEXT NOT NULL,
        PRIMARY KEY (contest, period, revision),
        FOREIGN KEY (contest, rules_version) REFERENCES rules_versions (contest, version)
    )""",
    """INSERT INTO publications_v7 (contest, period, kind, revision, published_at, author, note, rules_version,
           rules_sha256, data_batch, data_sha256, sheet_sha256, status, notice_until, sheet)
       SELECT contest, period, kind, revision, published_at, author, note, rules_version, rules_sha256,
           data_batch, data_sha256, sheet_sha256, status, notice_until, sheet FROM publications ORDER BY rowid""",
    "DROP TABLE publications",
    "ALTER TABLE publications_v7 RENAME TO publications",
    *PUBLICATIONS[1:],  # the triggers, as they were
    *(x for x in CYCLE if x.startswith("CREATE INDEX publications_head")),  # the covering index, as it was
)


# Programmes (全年列榜单): a year's list across contests, its file's versions and its frozen
# sheets. ``sources`` records the year publication of each contest it was made from (JSON).
PROGRAMMES: tuple[str, ...] = (
    """CREATE TABLE programmes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        year INTEGER NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE programme_versions (
        programme TEXT NOT NULL REFERENCES programmes(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        sha256 TEXT NOT NULL,
        yaml TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (programme, version)
    )""",
    """CREATE TABLE programme_publications (
        programme TEXT NOT NULL REFERENCES programmes(id),
        period TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        published_at TEXT NOT NULL,
        author TEXT NOT NULL,
        note TEXT,
        rules_version INTEGER NOT NULL,
        rules_sha256 TEXT NOT NULL,
        sources TEXT NOT NULL,
        sheet_sha256 TEXT NOT NULL,
        sheet TEXT NOT NULL,
        PRIMARY KEY (programme, period, revision),
        FOREIGN KEY (programme, rules_version) REFERENCES programme_versions (programme, version)
    )""",
    """CREATE TRIGGER programme_publications_next BEFORE INSERT ON programme_publications
       WHEN NEW.revision != 1 + coalesce((SELECT max(revision) FROM programme_publications
                                           WHERE programme = NEW.programme AND period = NEW.period), 0)
       BEGIN SELECT RAISE(ABORT, 'a publication must be the next revision of its period'); END""",
    """CREATE TRIGGER programme_publications_no_update BEFORE UPDATE ON programme_publications
       BEGIN SELECT RAISE(ABORT, 'publications are frozen'); END""",
    """CREATE TRIGGER programme_publications_no_delete BEFORE DELETE ON programme_publications
       BEGIN SELECT RAISE(ABORT, 'publications are frozen'); END""",
)


# Version 8: a result row no longer repeats who stored it and when: its batch says so
# (result_batches), and a national import writes rows half as wide, a fifth faster. The table
# is rebuilt; a row whose own stored_by or stored_at differs from its batch's (none should)
# stops the migration, so nothing is lost.
SLIM_RESULTS: tuple[str, ...] = (
    """CREATE TABLE results_v8 (
        contest TEXT NOT NULL REFERENCES contests(id),
        unit TEXT NOT NULL,
        key TEXT NOT NULL,
        period TEXT NOT NULL,
        value REAL NOT NULL CHECK (typeof(value) = 'real'),
        batch INTEGER NOT NULL,
        PRIMARY KEY (contest, period, unit, key),
        FOREIGN KEY (contest, batch) REFERENCES result_batches (contest, batch)
    ) WITHOUT ROWID""",
    """INSERT INTO results_v8 (contest, unit, key, period, value, batch)
       SELECT contest, unit, key, period, value, batch FROM results ORDER BY contest, period, unit, key""",
    "DROP TABLE results",
    "ALTER TABLE results_v8 RENAME TO results",
)


def _v8_slim_results(db: sqlite_utils.Database) -> None:
    differing = db.conn.execute(
        "SELECT r.contest, r.batch, count(*) FROM results r JOIN result_batches b ON b.contest = r.contest"
        " AND b.batch = r.batch WHERE r.stored_by IS NOT b.stored_by OR r.stored_at IS NOT b.stored_at"
        " GROUP BY r.contest, r.batch LIMIT 5").fetchall()
    if differing:
        raise RuntimeError(f"migration 8: result rows whose stored_by or stored_at is not their batch's: {differing}")
    for statement in SLIM_RESULTS:
        db.conn.execute(statement)


# Append only: a released migration is never edited; a change is a new entry.
MIGRATIONS: tuple[Migration, ...] = (
    (*V1, *PUBLICATIONS),  # 1
    TOKENS,  # 2: API tokens and the failed-attempt counter
    _v3_accounts,  # 3: accounts, sessions, the audit's hash chain
    CYCLE,  # 4: submissions, evidence, objections, the outbox, notice, department tokens
    JURY,  # 5: juries, judges' sheets
    WEEKS,  # 6: publications of kind week (周调度)
    PROGRAMMES,  # 7: programmes, their file versions and frozen annual lists
    _v8_slim_results,  # 8: result rows without stored_by and stored_at, which their batch holds
)
