namespace PromptOpt.Storage;

/// <summary>The SQLite schema of <see cref="PromptOptStore"/>.</summary>
internal static class StoreSchema
{
    /// <summary>The statements that create the schema (idempotent; tables added later, such as <c>run_attempts</c> and
    /// <c>run_leases</c> and <c>cache_claims</c>, are created in older files on their first read-write open).</summary>
    public const string Create = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS response_cache (
            key           TEXT PRIMARY KEY,
            response_json TEXT NOT NULL,
            model_id      TEXT,
            input_tokens  INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            created_at    TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS runs (
            run_id      TEXT PRIMARY KEY,
            method      TEXT NOT NULL,
            spec_json   TEXT NOT NULL,
            seed        INTEGER NOT NULL,
            models_json TEXT NOT NULL,
            status      TEXT NOT NULL,
            result_json TEXT,
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS run_events (
            run_id     TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            seq        INTEGER NOT NULL,
            type       TEXT NOT NULL,
            json       TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        CREATE TABLE IF NOT EXISTS run_candidates (
            run_id       TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            candidate_id INTEGER NOT NULL,
            json         TEXT NOT NULL,
            score        REAL,
            updated_at   TEXT NOT NULL,
            PRIMARY KEY (run_id, candidate_id)
        );
        CREATE TABLE IF NOT EXISTS run_attempts (
            run_id     TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            attempt    INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            status     TEXT NOT NULL,
            usage_json TEXT,
            PRIMARY KEY (run_id, attempt)
        );
        CREATE TABLE IF NOT EXISTS run_leases (
            run_id             TEXT PRIMARY KEY,
            pid                INTEGER NOT NULL,
            host               TEXT NOT NULL,
            token              TEXT NOT NULL,
            process_started_at TEXT NOT NULL,
            acquired_at        TEXT NOT NULL,
            renewed_at         TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS cache_claims (
            key                TEXT PRIMARY KEY,
            pid                INTEGER NOT NULL,
            host               TEXT NOT NULL,
            token              TEXT NOT NULL,
            process_started_at TEXT NOT NULL,
            claimed_at         TEXT NOT NULL,
            expires_at         TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS run_checkpoints (
            run_id     TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            key        TEXT NOT NULL,
            data       BLOB NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (run_id, key)
        );
        """;
}
