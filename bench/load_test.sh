#!/usr/bin/env bash
# Load test: pages at 50 concurrent connections on loopback against `lindung serve` with the NTT demo loaded.
# Usage: LINDUNG_DATA_DIR=/path/with/demo bash bench/load_test.sh [seconds] [connections]
# Needs wrk (apt-get install wrk). Reports requests/s and latency percentiles (p50/p90/p95/p99) per page.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
conns=${2:-50}
port=${LINDUNG_BENCH_PORT:-8765}
base="http://127.0.0.1:$port"
.venv/bin/lindung serve --port "$port" --workers "${WORKERS:-4}" --no-worker >/tmp/lindung-load.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -fs "$base/accounts/login/" >/dev/null && break; sleep 1; done
jar=$(mktemp)
token=$(curl -s -c "$jar" "$base/accounts/login/" | grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
curl -s -b "$jar" -c "$jar" -o /dev/null -H "Referer: $base/accounts/login/" \
  -d "csrfmiddlewaretoken=$token&username=${USERNAME:-provinsi}&password=lindung-demo-2026" "$base/accounts/login/"
session=$(awk '$6=="sessionid"{print $7}' "$jar")
lua=$(mktemp --suffix=.lua)
cat >"$lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.1fms p90=%.1fms p95=%.1fms p99=%.1fms errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA
for page in "/accounts/login/" "/" "/peserta/" "/peserta/?q=Yohanes" "/laporan/rakor/?region=53" "/api/v1/reports/rakor?region=53"; do
  curl -s -o /dev/null -H "Cookie: sessionid=$session" "$base$page"  # warm the report cache once
  printf '%-36s ' "$page"
  wrk -t2 -c"$conns" -d"${secs}s" --timeout 30s -H "Cookie: sessionid=$session" -s "$lua" "$base$page" | grep RESULT
done
