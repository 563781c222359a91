#!/usr/bin/env bash
# bench/workspace.sh — fifty case workers at once on a national
# programme's data, on SQLite and then on PostgreSQL.
#
# For each engine it seeds a fresh database with `fristad seed` (100,000
# cases and about ten million audit events by default), starts `fristad
# serve --demo` on loopback and measures its cold start (launch to
# /readyz), creates API tokens for fifty seeded case workers and reads
# each one's cases, open tasks and support plans through the API, then
# drives the staff listener with wrk and bench/workspace.lua, one thread
# and one connection per user:
#
#   GET /healthz             the ceiling: what the server does with no work
#   GET /api/v1/me           authentication alone
#   GET /api/v1/cases/{id}   one case read, each user her own case
#   the mix                  a case worker's day: case list, filtered list,
#                            reference search, case page, timeline, plan,
#                            a note written, a task done (90% reads)
#
# all in the same run, one after the other. It prints a table per engine:
# requests/s, p50, p95 and p99 latency, errors (answers of 400 or more and
# socket errors), each throughput as a share of /healthz's, the resident
# memory of serve under the mix (highest VmRSS sampled, and VmHWM), and
# the targets of issue 11 met or missed. Everything listens on 127.0.0.1;
# everything it started is stopped and removed when it ends, also on
# Ctrl-C.
#
# Usage:   bench/workspace.sh [--cases N]
#          bench/workspace.sh --cases 2000        a smoke run, in minutes
# Options (environment):
#   CASES=100000                      cases to seed (or --cases N)
#   ENGINES="sqlite postgres"         which engines, in order
#   USERS=50                          concurrent users (one wrk thread each)
#   DURATION=20s                      each wrk run (bounded in time)
#   SEED_TIMEOUT=3600                 seconds a seed may take before it is stopped
#   LOG_LEVEL=warn                    fristad's log level; info logs every request
# Needs: go, curl, jq and wrk (as root it installs the last three with
# apt-get when they are missing); for PostgreSQL, PostgreSQL 15 as .ci/pg
# uses it, started with durable settings (FRISTAD_PG_DURABLE=1).
set -euo pipefail

CASES=${CASES:-100000}
ENGINES=${ENGINES:-sqlite postgres}
USERS=${USERS:-50}
DURATION=${DURATION:-20s}
SEED_TIMEOUT=${SEED_TIMEOUT:-3600}
LOG_LEVEL=${LOG_LEVEL:-warn}
while [ $# -gt 0 ]; do
	case $1 in
	--cases) CASES=$2; shift 2 ;;
	--cases=*) CASES=${1#--cases=}; shift ;;
	-h | --help) sed -n '2,40s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done

cd "$(dirname "$0")/.."
root=$PWD

die() { echo "bench: $*" >&2; exit 1; }

for tool in wrk jq curl; do
	if ! command -v "$tool" >/dev/null; then
		[ "$(id -u)" = 0 ] || die "$tool is not installed (apt-get install -y wrk jq curl)"
		echo "bench: installing $tool with apt-get" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tool" >/dev/null
	fi
done

work=$(mktemp -d -t fristad-workspace.XXXXXX)
serve_pid=
pg_dir=
cleanup() {
	if [ -n "$serve_pid" ]; then
		kill "$serve_pid" 2>/dev/null || true
		wait "$serve_pid" 2>/dev/null || true
	fi
	if [ -n "$pg_dir" ]; then
		"$root/.ci/pg" stop "$pg_dir" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local port
	for _ in $(seq 100); do
		port=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	die "no free port found"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

echo "bench: building fristad" >&2
go build -o "$work/fristad" ./cmd/fristad
fristad=$work/fristad

# run_wrk NAME MODE URL records requests/s, p50, p95, p99 and errors of a
# wrk run of bench/workspace.lua, one thread and connection per user.
declare -A rps p50 p95 p99 errs
run_wrk() {
	local out result
	out=$(wrk -t"$USERS" -c"$USERS" -d"$DURATION" --timeout 10s -s "$root/bench/workspace.lua" "$3" -- "$2" "$work/users.tsv")
	echo "$out" >"$work/wrk-$engine-$1.txt"
	result=$(echo "$out" | awk '$1 == "RESULT"')
	[ -n "$result" ] || { echo "$out" >&2; die "wrk printed no result for $1"; }
	read -r _ _ rps[$1] p50[$1] p95[$1] p99[$1] errs[$1] <<<"$result"
}

# rss_of PID FIELD prints a /proc status field in MB.
rss_of() { awk -v f="$2:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

bench_engine() {
	engine=$1
	local dsn args seed_s start ready_ms staff_port public_port staff
	case $engine in
	sqlite)
		args=(--data-dir "$work/sqlite" --master-key-file "$work/master.key")
		;;
	postgres)
		local env
		env=$(FRISTAD_PG_DURABLE=1 "$root/.ci/pg" start)
		pg_dir=$(echo "$env" | sed -n "s/^export FRISTAD_PG_DIR='\(.*\)'$/\1/p")
		dsn=$(echo "$env" | sed -n "s/^export FRISTAD_TEST_POSTGRES_URL='\(.*\)'$/\1/p")
		[ -n "$pg_dir" ] && [ -n "$dsn" ] || die "PostgreSQL did not start"
		args=(--db "$dsn" --master-key-file "$work/master.key")
		;;
	*) die "unknown engine $engine" ;;
	esac

	echo "bench: $engine: seeding $CASES cases" >&2
	start=$(now_ms)
	timeout "$SEED_TIMEOUT" "$fristad" seed --cases "$CASES" "${args[@]}" --log-level "$LOG_LEVEL" >"$work/seed-$engine.txt" ||
		{ cat "$work/seed-$engine.txt" >&2; die "seed failed or took longer than ${SEED_TIMEOUT}s"; }
	seed_s=$(awk -v ms=$(($(now_ms) - start)) 'BEGIN { printf "%.1f", ms / 1000 }')
	seeded=$(grep '^Added' "$work/seed-$engine.txt")

	echo "bench: $engine: creating $USERS API tokens" >&2
	for i in $(seq "$USERS"); do
		email=$(printf 'handlaggare%03d@syntet.fristad.invalid' "$i")
		"$fristad" token create "${args[@]:0:2}" --log-level "$LOG_LEVEL" --user "$email" --scope write --name bench | tail -n 1
	done >"$work/tokens.txt"

	staff_port=$(free_port)
	public_port=$(free_port)
	staff=http://127.0.0.1:$staff_port
	start=$(now_ms)
	"$fristad" serve --demo "${args[@]}" --log-level "$LOG_LEVEL" \
		--staff-addr "127.0.0.1:$staff_port" --public-addr "127.0.0.1:$public_port" \
		>"$work/serve-$engine.out" 2>"$work/serve-$engine.log" &
	serve_pid=$!
	for _ in $(seq 3000); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$staff/readyz")" = 200 ] && break
		kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve-$engine.log" >&2; die "serve exited"; }
		sleep 0.01
	done
	ready_ms=$(($(now_ms) - start))

	# Each user's cases (newest first, as her list shows them), the ones
	# with a support plan, and her organisation's open tasks that a
	# person closes.
	echo "bench: $engine: reading each user's cases, plans and tasks" >&2
	: >"$work/users.tsv"
	while read -r token; do
		auth=(-H "Authorization: Bearer $token")
		curl -sf "${auth[@]}" "$staff/api/v1/cases" >"$work/cases.json" || die "GET /api/v1/cases failed"
		ids=$(jq -r '[.cases[:30][].id] | join(",")' "$work/cases.json")
		refs=$(jq -r '[.cases[:30][].reference] | join(",")' "$work/cases.json")
		[ -n "$ids" ] || die "a seeded user sees no cases"
		urls=()
		for id in ${ids//,/ }; do urls+=("$staff/api/v1/cases/$id/plan"); done
		plans=$(curl -s "${auth[@]}" -o /dev/null -w '%{http_code} %{url_effective}\n' "${urls[@]}" |
			awk '$1 == 200 { n = split($2, p, "/"); printf "%s%s", sep, p[n - 1]; sep = "," }')
		tasks=$(curl -sf "${auth[@]}" "$staff/api/v1/tasks?until=2100-01-01" |
			jq -r '[.tasks[] | select(.kind == "own" or .kind == "child_protection") | "\(.case_id):\(.id)"][:20] | join(",")')
		printf '%s\t%s\t%s\t%s\t%s\n' "$token" "$ids" "$refs" "$plans" "$tasks" >>"$work/users.tsv"
	done <"$work/tokens.txt"

	echo "bench: $engine: measuring, $DURATION each" >&2
	wrk -t2 -c4 -d2s -s "$root/bench/workspace.lua" "$staff" -- mix "$work/users.tsv" >/dev/null # warm up
	load=$(cut -d' ' -f1 /proc/loadavg)
	run_wrk healthz url "$staff/healthz"
	run_wrk me me "$staff"
	run_wrk case case "$staff"
	(
		peak=0
		while kill -0 "$serve_pid" 2>/dev/null; do
			rss=$(rss_of "$serve_pid" VmRSS)
			[ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$work/rss"
			sleep 0.2
		done
	) &
	sampler=$!
	run_wrk mix mix "$staff"
	kill "$sampler" 2>/dev/null || true
	wait "$sampler" 2>/dev/null || true
	rss=$(cat "$work/rss" 2>/dev/null || echo 0)
	hwm=$(rss_of "$serve_pid" VmHWM)
	kill "$serve_pid"
	wait "$serve_pid" 2>/dev/null || true
	serve_pid=

	if [ "$engine" = postgres ]; then
		"$root/.ci/pg" stop "$pg_dir"
		pg_dir=
	fi

	echo
	echo "$engine: $seeded"
	echo "$engine: seed ${seed_s} s; cold start of serve ${ready_ms} ms; $USERS users, wrk -t$USERS -c$USERS -d$DURATION on $(nproc) CPUs, load before $load"
	printf '%-24s %12s %8s %8s %8s %8s %12s\n' request 'requests/s' 'p50 ms' 'p95 ms' 'p99 ms' errors 'of healthz'
	for run in healthz me case mix; do
		label=$run
		case $run in
		healthz) label="GET /healthz" ;;
		me) label="GET /api/v1/me" ;;
		case) label="GET /api/v1/cases/{id}" ;;
		mix) label="the mix" ;;
		esac
		share=$(awk -v a="${rps[$run]}" -v b="${rps[healthz]}" 'BEGIN { printf "%.1f%%", 100 * a / b }')
		printf '%-24s %12s %8s %8s %8s %8s %12s\n' "$label" "${rps[$run]}" "${p50[$run]}" "${p95[$run]}" "${p99[$run]}" "${errs[$run]}" "$share"
	done
	echo "resident memory of serve under the mix: ${rss} MB (VmHWM ${hwm} MB)"
	verdict() { if [ "$1" = 1 ]; then echo meets; else echo MISSES; fi; }
	echo "targets: mix p95 <= 50 ms and no errors: $(verdict "$(awk -v p="${p95[mix]}" -v e="${errs[mix]}" 'BEGIN { print (p <= 50 && e == 0) }')");" \
		"case read >= 10% of healthz: $(verdict "$(awk -v a="${rps[case]}" -v b="${rps[healthz]}" 'BEGIN { print (a >= 0.1 * b) }')");" \
		"me >= 25%: $(verdict "$(awk -v a="${rps[me]}" -v b="${rps[healthz]}" 'BEGIN { print (a >= 0.25 * b) }')");" \
		"cold start <= 1 s: $(verdict "$([ "$ready_ms" -le 1000 ] && echo 1 || echo 0)")$(
			[ "$engine" = sqlite ] && echo "; memory <= 150 MB: $(verdict "$([ "${hwm:-0}" -le 150 ] && echo 1 || echo 0)")")"
}

for engine in $ENGINES; do
	bench_engine "$engine"
done
