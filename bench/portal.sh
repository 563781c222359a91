#!/usr/bin/env bash
# bench/portal.sh — how fast the portal serves a content page, next to
# nginx serving the very same bytes as a static file (IN-06).
#
# It builds fristad, starts `fristad demo` on loopback, saves one content
# page exactly as the portal sends it (gzipped, with its headers), starts
# Debian's nginx as a throwaway instance that serves that file with the
# same headers, and runs wrk against both, one after the other, in the
# same run. It prints requests per second and the 99th-percentile latency
# of each, and the portal's share of nginx's throughput (target: 50% or
# more). Everything listens on 127.0.0.1 and all traffic stays there;
# everything it started is stopped when it ends, also on Ctrl-C.
#
# Usage:   bench/portal.sh
# Options (environment):
#   PAGE=/en/rights/reflection-period   the page to measure
#   DURATION=10s THREADS=2 CONNECTIONS=64   wrk's load (bounded in time)
#   ROUNDS=1                            measure both this many times, alternating
#   LOG_LEVEL=warn                      fristad's log level; info logs every request
# Needs: go, curl, nginx and wrk (as root it installs the last two with
# apt-get when they are missing).
set -euo pipefail

PAGE=${PAGE:-/en/rights/reflection-period}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-1}
LOG_LEVEL=${LOG_LEVEL:-warn}

cd "$(dirname "$0")/.."

die() { echo "bench: $*" >&2; exit 1; }

for tool in nginx wrk; do
	if ! command -v "$tool" >/dev/null && [ ! -x "/usr/sbin/$tool" ]; then
		[ "$(id -u)" = 0 ] || die "$tool is not installed (apt-get install -y nginx wrk)"
		echo "bench: installing $tool with apt-get" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tool" >/dev/null
	fi
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v curl >/dev/null || die "curl is not installed"

work=$(mktemp -d -t fristad-bench.XXXXXX)
chmod 755 "$work" # nginx's workers run as another user and read the page from here
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
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

# wait_for waits until url answers 200.
wait_for() {
	for _ in $(seq 100); do
		if [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ]; then
			return
		fi
		sleep 0.1
	done
	die "$1 did not answer"
}

echo "bench: building fristad" >&2
go build -o "$work/fristad" ./cmd/fristad

staff_port=$(free_port)
portal_port=$(free_port)
portal="http://127.0.0.1:$portal_port"
"$work/fristad" demo --data-dir "$work/data" --log-level "$LOG_LEVEL" \
	--staff-addr "127.0.0.1:$staff_port" --public-addr "127.0.0.1:$portal_port" \
	>"$work/fristad.out" 2>"$work/fristad.log" &
pids+=($!)
wait_for "$portal/readyz"

# The page exactly as the portal sends it to a browser that accepts gzip.
mkdir -p "$work/www"
curl -sS -H 'Accept-Encoding: gzip' -D "$work/headers" -o "$work/www/page.html.gz" "$portal$PAGE"
curl -sS -o "$work/www/page.html" "$portal$PAGE"
chmod -R a+rX "$work/www"
grep -qi '^content-encoding: gzip' "$work/headers" || die "$PAGE was not sent gzipped"
grep -qi '^content-type: text/html; charset=utf-8' "$work/headers" || die "$PAGE is not text/html; charset=utf-8"

# nginx adds the portal's other headers as they are; it makes its own
# Date, Content-Length, ETag and Last-Modified, and its gzip_static sends
# Content-Type, Content-Encoding and Vary: Accept-Encoding.
add_headers=$(tr -d '\r' <"$work/headers" | awk -F': ' '
	NR > 1 && NF >= 2 {
		name = tolower($1)
		if (name ~ /^(date|content-length|content-type|content-encoding|etag|vary|x-request-id|last-modified)$/) next
		value = substr($0, length($1) + 3)
		gsub(/"/, "\\\"", value)
		printf "      add_header %s \"%s\" always;\n", $1, value
	}')

nginx_port=$(free_port)
nginx="http://127.0.0.1:$nginx_port"
mkdir -p "$work/nginx-tmp"
cat >"$work/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  types { text/html html; }
  charset utf-8;
  server_tokens off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    gzip_static on;
    gzip_vary on;
    location = /page.html {
$add_headers
    }
  }
}
EOF
"$NGINX" -e "$work/nginx-error.log" -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_for "$nginx/page.html"

# Both must send the same bytes.
curl -sS -H 'Accept-Encoding: gzip' -D "$work/nginx-headers" -o "$work/nginx-body" "$nginx/page.html"
cmp -s "$work/nginx-body" "$work/www/page.html.gz" || die "nginx does not send the portal's bytes"
grep -qi '^content-encoding: gzip' "$work/nginx-headers" || die "nginx did not send the page gzipped"

# run_wrk NAME URL ROUND runs wrk and records requests/s, p99 in ms, and
# the machine's load average before the run: with other work on the
# machine the two servers do not get the same CPUs, and the ratio means
# little.
declare -A rps p99 load
run_wrk() {
	local out
	load[$1]=$(cut -d' ' -f1 /proc/loadavg)
	wrk -t1 -c4 -d1s -H 'Accept-Encoding: gzip' "$2" >/dev/null # warm up
	out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H 'Accept-Encoding: gzip' "$2")
	echo "$out" >"$work/wrk-$1-$3.txt"
	if echo "$out" | grep -q 'Non-2xx'; then
		echo "$out" >&2
		die "$1 answered with errors"
	fi
	rps[$1]=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
	p99[$1]=$(echo "$out" | awk '$1 == "99%" {
		v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
		if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; else if (unit == "m") v *= 60000
		printf "%.2f", v }')
}

page_bytes=$(wc -c <"$work/www/page.html.gz")
echo "bench: $PAGE, $page_bytes bytes gzipped; wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) CPUs"
printf '%-8s %-7s %14s %10s %14s\n' round server 'requests/s' 'p99 ms' 'load before'
for round in $(seq "$ROUNDS"); do
	run_wrk fristad "$portal$PAGE" "$round"
	run_wrk nginx "$nginx/page.html" "$round"
	for s in fristad nginx; do
		printf '%-8s %-7s %14s %10s %14s\n' "$round" "$s" "${rps[$s]}" "${p99[$s]}" "${load[$s]}"
	done
	ratio=$(awk -v a="${rps[fristad]}" -v b="${rps[nginx]}" 'BEGIN { printf "%.0f", 100 * a / b }')
	verdict="meets"
	[ "$ratio" -ge 50 ] || verdict="misses"
	echo "round $round: fristad serves ${ratio}% of nginx's requests per second ($verdict the 50% target)"
done
