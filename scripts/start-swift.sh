#!/usr/bin/env bash
# Starts a loopback OpenStack Swift (one replica, s3api + tempauth) for the tests, all under one directory.
# Idempotent: exits 0 at once when the proxy already answers /healthcheck.
#   S3 endpoint http://127.0.0.1:$FAIR_TEST_SWIFT_PORT (default 18080), region us-east-1, path-style,
#   access key test:tester, secret testing.
# Environment: FAIR_TEST_SWIFT_DIR (default /tmp/fair-test-swift), FAIR_TEST_SWIFT_PORT (default 18080; the
# object, container and account servers and memcached use the next four ports).
set -euo pipefail

base="${FAIR_TEST_SWIFT_DIR:-/tmp/fair-test-swift}"
port="${FAIR_TEST_SWIFT_PORT:-18080}"
object_port=$((port + 1)) container_port=$((port + 2)) account_port=$((port + 3)) memcached_port=$((port + 4))
health="http://127.0.0.1:${port}/healthcheck"

answers() { curl -fsS -m 2 "$health" >/dev/null 2>&1; }
if answers; then exit 0; fi

for bin in swift-ring-builder swift-proxy-server swift-object-server swift-container-server swift-account-server memcached curl; do
  command -v "$bin" >/dev/null || { echo "missing $bin (apt-get install swift-proxy swift-account swift-container swift-object memcached curl)" >&2; exit 2; }
done
[ -r /etc/swift/swift.conf ] || { echo "missing /etc/swift/swift.conf (installed by the swift package)" >&2; exit 2; }

user="$(id -un)"
etc="$base/etc" run="$base/run" log="$base/log" devices="$base/srv/node"
mkdir -p "$etc" "$run" "$log" "$devices/d1"

common() { # $1 = bind port
  cat <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 1
user = $user
swift_dir = $etc
devices = $devices
mount_check = false
disable_fallocate = true
log_level = WARNING
CONF
}

{ common "$object_port"; cat <<CONF
[pipeline:main]
pipeline = object-server
[app:object-server]
use = egg:swift#object
CONF
} >"$etc/object-server.conf"

{ common "$container_port"; cat <<CONF
[pipeline:main]
pipeline = container-server
[app:container-server]
use = egg:swift#container
CONF
} >"$etc/container-server.conf"

{ common "$account_port"; cat <<CONF
[pipeline:main]
pipeline = account-server
[app:account-server]
use = egg:swift#account
CONF
} >"$etc/account-server.conf"

cat >"$etc/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 1
user = $user
swift_dir = $etc
log_level = WARNING

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
allow_multipart_uploads = true
dns_compliant_bucket_names = true
s3_acl = false

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcached_port

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF

for ring in object:"$object_port" container:"$container_port" account:"$account_port"; do
  name="${ring%%:*}" ring_port="${ring##*:}"
  if [ ! -f "$etc/$name.ring.gz" ]; then
    rm -f "$etc/$name.builder"
    swift-ring-builder "$etc/$name.builder" create 10 1 1 >/dev/null
    swift-ring-builder "$etc/$name.builder" add "r1z1-127.0.0.1:${ring_port}/d1" 100 >/dev/null
    swift-ring-builder "$etc/$name.builder" rebalance >/dev/null
  fi
done

start() { # $1 = name, rest = command
  local name="$1"; shift
  local pidfile="$run/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return; fi
  setsid nohup "$@" >"$log/$name.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

start memcached memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 32 -u "$user"
start object swift-object-server "$etc/object-server.conf"
start container swift-container-server "$etc/container-server.conf"
start account swift-account-server "$etc/account-server.conf"
start proxy swift-proxy-server "$etc/proxy-server.conf"

for _ in $(seq 1 120); do
  if answers; then exit 0; fi
  sleep 0.25
done
echo "Swift proxy did not answer $health within 30 s; logs in $log" >&2
tail -n 20 "$log"/*.log >&2 || true
exit 1
