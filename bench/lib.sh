# Shared helpers for the single-scenario bench scripts (large_prompts.sh, idle_conns.sh,
# soak.sh). Sourced; expects ROOT and TMP to be set. Everything listens on 127.0.0.1 only.

# The peers harness's fake upstream (nginx serving a fixed chat.completion on :9001) and its
# nginx proxy_pass peer (:9002), started from a scratch copy of ../shared/bench/peers.
start_nginx_pair() {
  local src=${PEERS_SRC:-$ROOT/../shared/bench/peers}
  cp -rT "$src" "$TMP/peers"
  chmod -R u+w "$TMP/peers"
  mkdir -p "$TMP/peers/run" "$TMP/peers/logs"
  # nginx workers run as an unprivileged user: they must reach run/ to buffer large bodies.
  chmod 755 "$TMP"
  chmod 777 "$TMP/peers/run"
  (cd "$TMP/peers" && ./gen-upstream-conf.sh >/dev/null)
  nginx -p "$TMP/peers/" -c conf/upstream.conf >"$TMP/upstream.log" 2>&1 &
  UP_PID=$!
  nginx -p "$TMP/peers/" -c conf/proxy.conf >"$TMP/proxy.log" 2>&1 &
  NGX_PID=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:9001/health >/dev/null && break; sleep 0.05; done
}

# The project's fake provider (node, every provider's wire format) on a free port: FAKE_PORT.
start_fake() {
  node tests/fake_provider/server.mjs --port 0 >"$TMP/fake.log" 2>&1 &
  FAKE_PID=$!
  for _ in $(seq 100); do grep -q 'port=' "$TMP/fake.log" && break; sleep 0.05; done
  FAKE_PORT=$(grep -o 'port=[0-9]*' "$TMP/fake.log" | cut -d= -f2)
}

# parapet serve with the config text in $1 and extra flags after it; sets GW_PID, DATA, ADMIN.
start_parapet() {
  local conf=$1
  shift
  printf '%s\n' "$conf" >"$TMP/parapet.toml"
  "${BUILD:-$ROOT/build}/parapet" serve --config "$TMP/parapet.toml" --listen 127.0.0.1:0 \
    --admin 127.0.0.1:0 --data-dir "$TMP/data" "$@" >"$TMP/gw.log" 2>&1 &
  GW_PID=$!
  for _ in $(seq 200); do grep -q '^listening' "$TMP/gw.log" && break; sleep 0.05; done
  DATA=$(sed -n 's/^listening data=\([^ ]*\) admin=.*/\1/p' "$TMP/gw.log")
  ADMIN=$(sed -n 's/^listening data=[^ ]* admin=\(.*\)$/\1/p' "$TMP/gw.log")
}

rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/{print $2}' "/proc/$1/status"; }

stop_all() {
  for p in ${GW_PID:-} ${NGX_PID:-} ${UP_PID:-} ${FAKE_PID:-}; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
