#!/usr/bin/env bash
# Two hub-server nodes (127.0.0.1:8001 and :8002) on one PostgreSQL database and one Redis,
# behind nginx on 127.0.0.1:8080, in the foreground until Ctrl-C. Needs a release build
# (`cargo build --release`), nginx (`apt-get install nginx-light`), and:
#
#   HUB_DATABASE_URL=postgres://...   the one database
#   HUB_REDIS_URL=redis://...         the doorbell and soft state between the nodes
#   HUB_JWT_SECRET=...                the same on both (32 bytes or more)
#
# and, for uploaded files, the HUB_S3_* settings of one bucket both nodes use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
: "${HUB_DATABASE_URL:?set HUB_DATABASE_URL=postgres://...}"
: "${HUB_REDIS_URL:?set HUB_REDIS_URL=redis://...}"
: "${HUB_JWT_SECRET:?set HUB_JWT_SECRET to one secret for both nodes}"
run="${HUB_DEPLOY_DIR:-$root/hub-data/deploy}"
mkdir -p "$run/node-a" "$run/node-b" "$run/nginx"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
for node in a b; do
    port=$([ "$node" = a ] && echo 8001 || echo 8002)
    HUB_BIND="127.0.0.1:$port" HUB_NODE_ID="node-$node" HUB_DATA_DIR="$run/node-$node" \
        "$root/target/release/hub-server" &
    pids+=($!)
done
nginx -p "$run/nginx" -c "$here/nginx.conf" -g 'daemon off;' &
pids+=($!)
echo "hub on http://127.0.0.1:8080 (nodes on :8001 and :8002); Ctrl-C stops all three"
wait -n
