#!/usr/bin/env bash
# bench/audit-verify.sh — how fast `fristad audit verify` checks a large
# audit trail, next to sha256sum hashing a file of the same size (issue 11:
# at least half of sha256sum's throughput).
#
# It builds fristad, fills a SQLite database with N audit events (a
# hidden test, TestAuditFill in internal/sqlstore, computes every leaf and
# stored hash with the store's own audit.Append and inserts them in large
# transactions), and then, in the same run and one after the other, times
# `fristad audit verify` on it and sha256sum over two files cut from the
# database file:
#   - one as long as the bytes verify hashes: every leaf with its 0x00
#     prefix and 65 bytes per interior node of the tree (the comparison
#     the target is about);
#   - one as long as the audit tables verify reads take in the database
#     (audit_log and audit_hashes with their primary keys, from dbstat).
# It prints events/s, MB/s and the ratios. Everything it made is removed
# when it ends, also on Ctrl-C, unless DB names where to keep the database.
#
# Usage:   bench/audit-verify.sh
# Options (environment):
#   N=10000000        audit events to fill the database with
#   DB=path           keep the filled database there, and reuse it on the
#                     next run if it exists (N is then what it holds)
#   ROUNDS=2          measure verify and sha256sum this many times, alternating
# Needs: go, sqlite3 and coreutils (as root it installs sqlite3 with apt-get
# when it is missing). The database takes about 450 bytes per event
# (4.5 GB for 10 million) and the two files about as much again.
set -euo pipefail

N=${N:-10000000}
DB=${DB:-}
ROUNDS=${ROUNDS:-2}

cd "$(dirname "$0")/.."

die() { echo "bench: $*" >&2; exit 1; }

if ! command -v sqlite3 >/dev/null; then
	[ "$(id -u)" = 0 ] || die "sqlite3 is not installed (apt-get install -y sqlite3)"
	echo "bench: installing sqlite3 with apt-get" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q sqlite3 >/dev/null
fi

work=$(mktemp -d -t fristad-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

echo "bench: building fristad" >&2
go build -o "$work/fristad" ./cmd/fristad

db=${DB:-$work/data/audit.db}
mkdir -p "$(dirname "$db")"
if [ -n "$DB" ] && [ -s "$DB" ]; then
	echo "bench: reusing $DB" >&2
else
	echo "bench: filling $db with $N audit events" >&2
	start=$(date +%s.%N)
	FRISTAD_AUDIT_FILL_DB="$db" FRISTAD_AUDIT_FILL_N="$N" \
		go test ./internal/sqlstore -run '^TestAuditFill$' -count=1 -v -timeout 0 >"$work/fill.log" 2>&1 ||
		{ cat "$work/fill.log" >&2; die "filling the database failed"; }
	fill_s=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')
	echo "bench: filled in ${fill_s}s (with building the test)" >&2
fi
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null

# What verify hashes: per event SHA-256(0x00 || leaf), a leaf being 61
# bytes of header and length prefixes and the values' bytes; per interior
# node SHA-256(0x01 || left || right), 65 bytes. A tree of n leaves has
# n - popcount(n) stored interior nodes.
read -r events leaf_bytes < <(sqlite3 -separator ' ' "$db" "
	SELECT COUNT(*), COALESCE(SUM(62 + length(CAST(actor_id AS BLOB)) + length(CAST(actor_org AS BLOB))
		+ length(CAST(actor_role AS BLOB)) + length(CAST(action AS BLOB)) + length(CAST(object_type AS BLOB))
		+ length(CAST(object_id AS BLOB)) + length(CAST(purpose AS BLOB)) + length(CAST(result AS BLOB))
		+ length(CAST(request_id AS BLOB)) + IFNULL(length(ip_hmac), 0) + IFNULL(length(detail), 0)), 0)
	FROM audit_log")
[ "$events" -gt 0 ] || die "the database holds no audit events"
popcount=$(awk -v n="$events" 'BEGIN { c = 0; while (n > 0) { c += n % 2; n = int(n / 2) } print c }')
hashed_bytes=$((leaf_bytes + 65 * (events - popcount)))
table_bytes=$(sqlite3 "$db" "SELECT SUM(pgsize) FROM dbstat WHERE name IN
	('audit_log', 'audit_hashes', 'sqlite_autoindex_audit_log_1', 'sqlite_autoindex_audit_hashes_1')")
db_bytes=$(stat -c %s "$db")

# Both files are cut from the database file, so sha256sum hashes real
# bytes; they and the database are read from the page cache alike.
need=$((table_bytes > hashed_bytes ? table_bytes : hashed_bytes))
[ "$db_bytes" -ge "$need" ] || die "the database file is smaller than the bytes to hash"
head -c "$hashed_bytes" "$db" >"$work/hashed.bin"
head -c "$table_bytes" "$db" >"$work/tables.bin"
cat "$db" >/dev/null

# timed CMD... runs CMD and prints its wall, user and system seconds.
timed() {
	local TIMEFORMAT='%R %U %S'
	{ time "$@" >"$work/out" 2>"$work/err"; } 2>&1
}

mb() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }

echo "bench: $events events on $(nproc) CPUs; verify hashes $hashed_bytes bytes, the audit tables hold $table_bytes (database file $db_bytes)"
printf '%-6s %-22s %9s %9s %12s %9s %13s\n' round run 'wall s' 'cpu s' 'events/s' 'MB/s' 'load before'
for round in $(seq "$ROUNDS"); do
	load=$(cut -d' ' -f1 /proc/loadavg)
	if ! t=$(timed "$work/fristad" audit verify --db "$db" --log-level warn); then
		cat "$work/out" "$work/err" >&2
		die "verify failed"
	fi
	read -r v_wall v_user v_sys <<<"$t"
	grep -q "^ok: $events events" "$work/out" || { cat "$work/out" "$work/err" >&2; die "verify did not check $events events"; }
	v_cpu=$(awk -v u="$v_user" -v s="$v_sys" 'BEGIN { printf "%.2f", u + s }')
	printf '%-6s %-22s %9s %9s %12s %9s %13s\n' "$round" "fristad audit verify" "$v_wall" "$v_cpu" \
		"$(awk -v n="$events" -v s="$v_wall" 'BEGIN { printf "%.0f", n / s }')" "$(mb "$hashed_bytes" "$v_wall")" "$load"

	load=$(cut -d' ' -f1 /proc/loadavg)
	t=$(timed sha256sum "$work/hashed.bin")
	read -r h_wall h_user h_sys <<<"$t"
	printf '%-6s %-22s %9s %9s %12s %9s %13s\n' "$round" "sha256sum, hashed bytes" "$h_wall" \
		"$(awk -v u="$h_user" -v s="$h_sys" 'BEGIN { printf "%.2f", u + s }')" - "$(mb "$hashed_bytes" "$h_wall")" "$load"

	load=$(cut -d' ' -f1 /proc/loadavg)
	t=$(timed sha256sum "$work/tables.bin")
	read -r t_wall t_user t_sys <<<"$t"
	printf '%-6s %-22s %9s %9s %12s %9s %13s\n' "$round" "sha256sum, table bytes" "$t_wall" \
		"$(awk -v u="$t_user" -v s="$t_sys" 'BEGIN { printf "%.2f", u + s }')" - "$(mb "$table_bytes" "$t_wall")" "$load"

	r1=$(awk -v v="$v_wall" -v h="$h_wall" 'BEGIN { printf "%.0f", 100 * h / v }')
	r2=$(awk -v v="$v_wall" -v t="$t_wall" 'BEGIN { printf "%.0f", 100 * t / v }')
	verdict="meets"
	[ "$r1" -ge 50 ] || verdict="misses"
	echo "round $round: verify runs at ${r1}% of sha256sum's throughput over the bytes it hashes ($verdict the 50% target), ${r2}% over the audit tables' bytes"
done
