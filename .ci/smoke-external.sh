#!/usr/bin/env bash
# Starts the built jar with TRIBUTARY_PG_URL / TRIBUTARY_REDIS_URL pointing at the machine's own PostgreSQL
# (127.0.0.1:5432) and Redis (127.0.0.1:6379) and checks login, upload, job completion, profile and query (uncached, then cached) end to end.
# Kafka stays embedded (no external broker on this machine). Prints one PASS or FAIL line.
set -uo pipefail
cd "$(dirname "$0")/.."

ensure_services() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
    echo "Installing PostgreSQL and Redis from Debian packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server) >/dev/null
  fi
  if ! (echo > /dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  if ! (echo > /dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  fi
  for _ in $(seq 1 30); do
    (echo > /dev/tcp/127.0.0.1/5432) 2>/dev/null && (echo > /dev/tcp/127.0.0.1/6379) 2>/dev/null && return 0
    sleep 1
  done
  return 1
}

fail() { echo "SMOKE FAIL: $*"; [ -f "$work/server.log" ] && tail -40 "$work/server.log"; exit 1; }

work=$(mktemp -d)
ensure_services || fail "PostgreSQL or Redis could not be started"
db="tributary_smoke_$$"
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $db" >/dev/null || fail "cannot create database $db"
port=18080
kport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
jar=target/tributary.jar
[ -f "$jar" ] || fail "target/tributary.jar is missing (mvn verify builds it)"
TRIBUTARY_DATA_DIR="$work/data" TRIBUTARY_HTTP_PORT=$port TRIBUTARY_KAFKA_EMBEDDED_PORT=$kport \
TRIBUTARY_PG_URL="postgresql://postgres@127.0.0.1:5432/$db" TRIBUTARY_REDIS_URL="redis://127.0.0.1:6379" \
TRIBUTARY_ADMIN_EMAIL=admin@smoke.local TRIBUTARY_ADMIN_PASSWORD=Smoke-password-1 \
  java -Xmx512m -jar "$jar" > "$work/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  curl -fs "$base/health/ready" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "server exited during start"
  sleep 1
done
curl -fs "$base/health/ready" >/dev/null || fail "not ready after 120 s"
grep -qi "embedded PostgreSQL at" "$work/server.log" && fail "started an embedded PostgreSQL although TRIBUTARY_PG_URL was set"

token=$(curl -fs -H 'Content-Type: application/json' -d '{"email":"admin@smoke.local","password":"Smoke-password-1"}' \
  "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || fail "login"
printf 'id,city,temp\n1,Oslo,3.5\n2,Rome,18.25\n3,Lima,\n' > "$work/smoke.csv"
job=$(curl -fs -H "Authorization: Bearer $token" -F "file=@$work/smoke.csv" "$base/api/v1/data/upload" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["job_id"], d["dataset_id"])') || fail "upload"
read -r job_id dataset_id <<< "$job"
status=""
for _ in $(seq 1 60); do
  status=$(curl -fs -H "Authorization: Bearer $token" "$base/api/v1/data/job/$job_id" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  [ "$status" = completed ] || [ "$status" = failed ] && break
  sleep 0.5
done
[ "$status" = completed ] || fail "job ended $status"
rows=$(curl -fs -H "Authorization: Bearer $token" "$base/api/v1/data/profile/$dataset_id" \
  | python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["row_count"], [c["null_count"] for c in p["columns"]])')
[ "$rows" = "3 [0, 0, 1]" ] || fail "profile says $rows"
users=$(psql -h 127.0.0.1 -U postgres -d "$db" -tAc "SELECT count(*) FROM datasets WHERE status='ready'")
[ "$users" = "1" ] || fail "the dataset is not in the external PostgreSQL"
query() {
  curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"sql":"SELECT city, temp FROM smoke WHERE temp IS NOT NULL ORDER BY temp DESC"}' "$base/api/v1/query/sql" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["row_count"], [row["city"] for row in r["results"]], r["cached"])'
}
answer=$(query) || fail "query"
[ "$answer" = "2 ['Rome', 'Oslo'] False" ] || fail "query answered $answer"
for _ in $(seq 1 10); do # the cache write is fire-and-forget: allow it a moment
  answer=$(query) || fail "repeated query"
  [ "$answer" = "2 ['Rome', 'Oslo'] True" ] && break
  sleep 0.2
done
[ "$answer" = "2 ['Rome', 'Oslo'] True" ] || fail "the repeated query was not served from the Redis cache: $answer"
echo "SMOKE PASS: external PostgreSQL and Redis; login, upload, job completed, profile correct, query (uncached, then cached in Redis)"
