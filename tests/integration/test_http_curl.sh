#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tcpterm authors
#
# HTTP from the kernel side with curl and raw sockets: GET returns 200 and
# the configured body; HEAD has headers only; two URLs in one curl reuse one
# connection (keep-alive); 'Connection: close' makes tcpterm close; a request
# split across segments and pipelined requests work; a malformed request
# gets 400 and a close. Also ICMP echo, and RST for a port nobody listens on.
# shellcheck disable=SC2317,SC2119 # check functions run through tt_check
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

tt_it_begin http_curl
BODY="tcpterm integration body $$"
TT_CONF_EXTRA="body = $BODY" tt_it_config
tt_it_start

URL=http://$TT_ADDR/
CURL=(timeout 20 ip netns exec "$TT_NS" curl -sS --max-time 10)

tt_check "ping $TT_ADDR: 5 of 5 echo replies" \
	tt_ns ping -c 5 -i 0.2 -W 2 -q "$TT_ADDR"

check_get() {
	local out code body
	out=$("${CURL[@]}" -o "$TT_TMP/body" -w '%{http_code}' "$URL") || return 1
	code=$out
	body=$(cat "$TT_TMP/body")
	echo "GET $URL -> $code, body '$body'"
	[ "$code" = 200 ] && [ "$body" = "$BODY" ]
}
tt_check "curl GET / returns 200 and the configured body" check_get

check_head() {
	local hdrs
	hdrs=$("${CURL[@]}" -I "$URL") || return 1
	printf '%s\n' "$hdrs" | tr -d '\r' | sed -n '1p;/^[Cc]ontent-[Ll]ength/p'
	[[ $hdrs == "HTTP/1.1 200 "* ]]
}
tt_check "curl HEAD / returns 200" check_head
tt_check "HEAD: no body, Content-Length of the GET body" tt_client http-check --mode head

check_keepalive() {
	local out
	out=$("${CURL[@]}" -v -o /dev/null -o /dev/null -w '%{http_code} connects=%{num_connects}\n' \
		"$URL" "${URL}second" 2>"$TT_TMP/curl-v.log") || { tail -5 "$TT_TMP/curl-v.log"; return 1; }
	echo "$out"
	grep -i 're-using existing connection' "$TT_TMP/curl-v.log" | head -1
	[ "$(printf '%s\n' "$out" | tr '\n' ' ')" = "200 connects=1 200 connects=0 " ]
}
tt_check "keep-alive: two URLs in one curl, one connection, both 200" check_keepalive

check_conn_close() {
	local out
	out=$("${CURL[@]}" -v -H 'Connection: close' -o /dev/null -w '%{http_code}\n' "$URL" \
		2>"$TT_TMP/curl-close.log") || return 1
	echo "status $out"
	grep -i -E '^< connection:' "$TT_TMP/curl-close.log" | tr -d '\r'
	[ "$out" = 200 ]
}
tt_check "curl with 'Connection: close' returns 200" check_conn_close
tt_check "'Connection: close': tcpterm closes the connection after the response" \
	tt_client --timeout 5 http-close --count 1 --parallel 1
tt_check "a request split across five segments, then keep-alive" tt_client http-check --mode split
tt_check "three pipelined requests in one segment" tt_client http-check --mode pipeline
tt_check "a malformed request gets 400 and a close" tt_client --timeout 5 http-check --mode bad

check_refused() {
	tt_ns "$TT_PYTHON" - "$TT_ADDR" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(5)
try:
    s.connect((sys.argv[1], 81))
except ConnectionRefusedError:
    print("connect to port 81: refused (RST)")
    sys.exit(0)
except OSError as e:
    print("connect to port 81: %s" % e)
    sys.exit(1)
print("connect to port 81: accepted?!")
sys.exit(1)
PY
}
tt_check "SYN to a port without listener is answered with RST" check_refused

tt_check "all connections gone (only LISTEN left)" tt_state idle --within 5
tt_it_end
