#!/bin/sh
# One unattended run: restore the warehouse, `halo ingest`, `dbt build`, then `halo report`; keep
# the results.
#
# Secrets come only from the environment (never arguments, never files in the repository):
#   HALO_REFRESH_TOKEN + HALO_AZURE_CLIENT_ID + HALO_AZURE_CLIENT_SECRET (+ HALO_AZURE_REDIRECT_URI)
#   or a refresh token stored by `halo auth login` (HALO_AUTH_CONFIG / ~/.config/halo-warehouse),
#   or HALO_SPARTAN_TOKEN (a pasted token: fine by hand, it expires within 4 hours).
# Settings (all optional):
#   HALO_OUTPUT_DIR     where the warehouse and the dbt results are kept (default: <repo>/warehouse,
#                       i.e. the usual warehouse/halo.duckdb, updated in place)
#   HALO_RESTORE_FROM   a previous warehouse: a .duckdb file, or a directory holding halo.duckdb
#   HALO_PLAYERS        players to ingest, comma-separated (gamertags may contain spaces);
#                       default: every player the warehouse already tracks
#   HALO_INGEST_ARGS    extra `halo ingest` arguments, e.g. "--rate 2 --no-film"
#   HALO_BIN            directory holding `halo` and `dbt` (default: <repo>/.venv/bin)
#   HALO_FULL_AUDIT     when the build also audits everything it did not write (`--vars
#                       '{full_audit: true}'`: the reconciliation tests read every match, not just
#                       those this build rebuilt): weekly (default: the run on HALO_FULL_AUDIT_DAY),
#                       always, or never
#   HALO_FULL_AUDIT_DAY the weekly audit's day, 1 (Monday) to 7 (Sunday, the default), in UTC
# Outputs in HALO_OUTPUT_DIR: halo.duckdb, run_results.json (+ target/ and logs/ of dbt), and
# report.html (the `halo report` of every tracked player: one self-contained page);
# halo.duckdb.lock (see "one run at a time").
# Exit status: 0 when every step succeeded, or when another run holds the lock (nothing done);
# otherwise the first failure's status. dbt still runs after a failed ingest (what landed is kept
# and worth building) unless nothing was ever landed; the report is written whenever there is a
# warehouse (a section whose marts failed to build says it is not available).
# Needs flock(1) (util-linux: on every Debian/Ubuntu system).
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT_DIR=${HALO_OUTPUT_DIR:-$REPO/warehouse}
BIN=${HALO_BIN:-$REPO/.venv/bin}
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
DB="$OUT_DIR/halo.duckdb"

say() { printf '%s scheduled_run: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# A sync's build checks the rows it wrote; once a week it audits every row (docs/incremental.md).
audit=${HALO_FULL_AUDIT:-weekly}
case "$audit" in
    always) full_audit=true ;;
    never) full_audit=false ;;
    weekly)
        if [ "$(date -u +%u)" = "${HALO_FULL_AUDIT_DAY:-7}" ]; then full_audit=true; else full_audit=false; fi ;;
    *)
        say "HALO_FULL_AUDIT must be weekly, always or never (got '$audit')"
        exit 2 ;;
esac

# -- 0. one run at a time --------------------------------------------------------------------------
# A run started while another still goes (cron firing again, a manual run) must not restore over,
# ingest into or build the same warehouse: this script takes an exclusive flock on a lock file next
# to the warehouse, held on descriptor 9 until the script and what it starts (halo, dbt) have
# exited, however they exit; the kernel releases it, so a killed run leaves no stale lock.
LOCK="$DB.lock"
if ! command -v flock >/dev/null 2>&1; then
    say "error: flock(1) is missing (util-linux); it keeps two runs apart: install it and run again"
    exit 1
fi
exec 9>>"$LOCK"
if ! flock -n 9; then
    say "another run holds $LOCK: this one does nothing and exits"
    exit 0
fi

# -- 1. restore ------------------------------------------------------------------------------------
restore=${HALO_RESTORE_FROM:-}
if [ -n "$restore" ] && [ -d "$restore" ]; then
    restore="$restore/halo.duckdb"
fi
if [ -n "$restore" ] && [ -f "$restore" ]; then
    if [ "$(cd "$(dirname "$restore")" && pwd)/$(basename "$restore")" != "$DB" ]; then
        # Copy then rename: an interrupted copy never looks like a warehouse.
        cp "$restore" "$DB.partial"
        mv "$DB.partial" "$DB"
    fi
    say "restored the warehouse from $restore"
elif [ -n "$restore" ]; then
    say "no previous warehouse at $restore: starting a new one"
fi
export HALO_DB="$DB"

# -- 2. ingest -------------------------------------------------------------------------------------
set --
players=0
if [ -n "${HALO_PLAYERS:-}" ]; then
    old_ifs=$IFS
    IFS=','
    set -f  # a gamertag is not a glob
    for player in $HALO_PLAYERS; do
        # Trim the blanks around each name, keep the ones inside ("Demo Spartan").
        player=$(printf '%s' "$player" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
        if [ -n "$player" ]; then
            set -- "$@" --player "$player"
            players=$((players + 1))
        fi
    done
    IFS=$old_ifs
    set +f
fi
if [ "$players" -gt 0 ]; then
    say "ingest: $players player(s) from HALO_PLAYERS"
else
    say "ingest: every tracked player"
fi
ingest_status=0
set -f
# shellcheck disable=SC2086  # HALO_INGEST_ARGS is a list of words on purpose
"$BIN/halo" ingest "$@" ${HALO_INGEST_ARGS:-} || ingest_status=$?
set +f
if [ "$ingest_status" -ne 0 ]; then
    say "ingest failed (exit $ingest_status)"
fi

# -- 3. dbt build ----------------------------------------------------------------------------------
dbt_status=0
if [ -f "$DB" ]; then
    if [ "$full_audit" = true ]; then say "dbt build (full audit)"; else say "dbt build"; fi
    cd "$REPO"
    # Unit tests (SQL on fixed inputs) run in `make test`, not on every refresh.
    "$BIN/dbt" --no-use-colors build --exclude-resource-type unit_test --vars "{full_audit: $full_audit}" \
        --project-dir "$REPO" --profiles-dir "$REPO" \
        --target-path "$OUT_DIR/target" --log-path "$OUT_DIR/logs" || dbt_status=$?
    if [ -f "$OUT_DIR/target/run_results.json" ]; then
        cp "$OUT_DIR/target/run_results.json" "$OUT_DIR/run_results.json"
    fi
    if [ "$dbt_status" -ne 0 ]; then
        say "dbt build failed (exit $dbt_status): see $OUT_DIR/run_results.json"
    fi
else
    say "no warehouse at $DB: nothing to build"
fi

# -- 4. report -------------------------------------------------------------------------------------
report_status=0
if [ -f "$DB" ]; then
    say "report"
    "$BIN/halo" report --db "$DB" --out "$OUT_DIR/report.html" || report_status=$?
    if [ "$report_status" -ne 0 ]; then
        say "report failed (exit $report_status)"
    fi
fi

for status in "$ingest_status" "$dbt_status" "$report_status"; do
    if [ "$status" -ne 0 ]; then
        exit "$status"
    fi
done
say "done: warehouse $DB, dbt results $OUT_DIR/run_results.json, report $OUT_DIR/report.html"
