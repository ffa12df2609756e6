#!/usr/bin/env bash
# `make run`: serve on the embedded SQLite default with demo leads loaded through the real,
# signed webhook path. Writes ./jorge.toml with a fresh API token and a local signing key pair
# the first time; later runs reuse them (and the database).
set -euo pipefail
jorge="${1:-build/jorge}"
config=./jorge.toml
keys=./.jorge
if [ ! -f "$keys/ghl-webhook-rsa.key" ]; then
  "$jorge" keygen --out "$keys" >/dev/null
fi
if [ ! -f "$config" ]; then
  token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  umask 077
  cat > "$config" <<TOML
# Written by \`make run\`. See docs/configuration.md for every key.
listen = "127.0.0.1:8080"
database = "sqlite://./jorge.db"
api_token = "$token"

[ghl]
# Local demo keys from \`jorge keygen\`. For real GoHighLevel deliveries, point this at the
# public key GoHighLevel publishes (webhook authentication guide).
webhook_public_key_file = "$keys/ghl-webhook-rsa.pub"
webhook_ed25519_public_key_file = "$keys/ghl-webhook-ed25519.pub"
TOML
  echo "wrote $config with a new API token"
fi
listen="$(sed -n 's/^listen *= *"\(.*\)"/\1/p' "$config" | head -1)"
listen="${JORGE_LISTEN:-$listen}"
token="$(sed -n 's/^api_token *= *"\(.*\)"/\1/p' "$config" | head -1)"
url="http://$listen"

"$jorge" serve --config "$config" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM
for _ in $(seq 1 100); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "jorge serve did not start (see above)"; exit 1; }
  sleep 0.1
done
"$jorge" demo --url "$url" --key "$keys/ghl-webhook-rsa.key" --count 36
cat <<MSG

  Jorge is running at $url
  API token: $token

  curl -H "Authorization: Bearer $token" $url/api/v1/leads
  Metrics: $url/metrics   Health: $url/healthz   Stop: Ctrl-C

MSG
wait $server
