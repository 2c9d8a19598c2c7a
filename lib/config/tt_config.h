/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_CONFIG_H
#define TT_CONFIG_H

/**
 * @file
 * The appliance configuration: an INI file read with rte_cfgfile, validated
 * completely before any port is touched. Built once on the main lcore and
 * read-only once workers start.
 */

#include <stdint.h>
#include <stddef.h>

#include "tcpterm.h"

#define TT_MAX_PORTS 4
#define TT_MAX_LISTENERS 32
#define TT_NAME_LEN 32
#define TT_PATH_LEN 256

/** One `[portN]` section. Addresses in network byte order. */
struct tt_port_cfg {
	uint32_t addr;		/**< `address = A.B.C.D/P` */
	uint8_t prefix;		/**< prefix length from `address` */
	uint32_t gateway;	/**< `gateway = A.B.C.D` (0: none) */
	uint16_t mtu;		/**< `mtu`, 576..9000, default 1500 */
	uint32_t n_addrs;	/**< `addresses`: the port owns n_addrs consecutive addresses
				 *   from `address` (active opens spread over them), default 1 */
};

/** `[tcp] syn_cookies`: when a SYN is answered with a cookie (RFC 4987). */
enum tt_syn_cookies {
	TT_SYNCOOKIES_AUTO = 0,		/**< `auto`: only when the listener's backlog is full */
	TT_SYNCOOKIES_ALWAYS,		/**< `always`: every SYN, no state before the ACK */
	TT_SYNCOOKIES_OFF,		/**< `off`: a SYN beyond the backlog is dropped */
};

/** The `[tcp]` section. */
struct tt_tcp_cfg {
	uint16_t mss;			/**< `mss`: our MSS, 88..9000 (capped by MTU-40), default 1460 */
	uint32_t rcv_window;		/**< `rcv_window`: receive buffer per connection, 1024..1073741823
					 *   (at most 65535 with window_scaling off), default 65535 */
	uint32_t snd_buf;		/**< `snd_buf`: send buffer per connection, 1024..16 MiB, default 262144 */
	uint32_t rto_init_ms;		/**< `rto_init_ms`: RFC 6298 initial RTO, default 1000 */
	uint32_t rto_min_ms;		/**< `rto_min_ms`: default 200 */
	uint32_t rto_max_ms;		/**< `rto_max_ms`: default 60000 */
	uint32_t max_retries;		/**< `max_retries`: retransmissions of one segment before reset, default 8 */
	uint32_t syn_retries;		/**< `syn_retries`: SYN-ACK retransmissions before SYN_RCVD is dropped, default 5 */
	uint32_t time_wait_ms;		/**< `time_wait_ms`: 2MSL, default 60000 */
	uint32_t delayed_ack_ms;	/**< `delayed_ack_ms`: 0 disables delayed ACK, default 40 */
	uint32_t fin_wait_2_ms;		/**< `fin_wait_2_ms`: FIN_WAIT_2 timeout, default 60000 */
	uint32_t max_connections;	/**< `max_connections`: TCBs per worker, default 65536 */
	uint32_t max_time_wait;		/**< `max_time_wait`: TIME_WAIT records per worker, default 2*max_connections */
	uint32_t max_sack_state;	/**< `max_sack_state`: SACK state blocks per worker, default max_connections/8, at most mbufs */
	uint16_t local_port_min;	/**< `local_port_min`: active opens, default 32768 */
	uint16_t local_port_max;	/**< `local_port_max`: default 60999 */
	uint32_t initial_window;	/**< `initial_window`: segments, 1..64; 0 (default) = RFC 6928 */
	uint8_t congestion_control;	/**< `congestion_control`: enum tt_cc_id, default cubic */
	uint8_t limited_transmit;	/**< `limited_transmit`: RFC 3042 on (1, default) or off */
	uint32_t backlog;		/**< `backlog`: half-open connections per listener and worker, default 1024 */
	uint32_t syn_cookies;		/**< `syn_cookies`: enum tt_syn_cookies, default auto */
	uint16_t min_mss;		/**< `min_mss`: floor for the peer's MSS, 88..536, default 216 */
	uint8_t nagle;			/**< `nagle = on|off`: RFC 1122 §4.2.3.4, default on */
	uint8_t keepalive;		/**< `keepalive = on|off`: RFC 1122 §4.2.3.6, default off */
	uint32_t keepalive_idle_ms;	/**< `keepalive_idle_ms`: idle time before the first probe, default 7200000 */
	uint32_t keepalive_interval_ms;	/**< `keepalive_interval_ms`: between unanswered probes, default 75000 */
	uint32_t keepalive_count;	/**< `keepalive_count`: unanswered probes before reset, default 9 */
	uint32_t zero_window_timeout_ms; /**< `zero_window_timeout_ms`: reset a peer whose window stays
					 *   shut this long even if it answers probes; 0 = never, default 600000 */
	uint32_t challenge_ack_limit;	/**< `challenge_ack_limit`: RFC 5961 challenge ACKs per second and
					 *   worker, default 1000 */
	uint8_t window_scaling;		/**< `window_scaling = on|off`: RFC 7323 §2, default on */
	uint8_t timestamps;		/**< `timestamps = on|off`: RFC 7323 §3-5, default on */
	uint8_t sack;			/**< `sack = on|off`: RFC 2018 / RFC 6675, default on */
};

/** The `[workers]` section. */
struct tt_workers_cfg {
	uint32_t count;		/**< `count`: workers, 0 = one per EAL worker lcore (default) */
	uint32_t burst;		/**< `burst`: RX burst size, 1..64, default 32 */
	uint32_t rx_desc;	/**< `rx_desc`: RX descriptors per queue, 64..32768, default 1024 */
	uint32_t tx_desc;	/**< `tx_desc`: TX descriptors per queue, 64..32768, default 1024 */
	uint32_t handoff_ring;	/**< `handoff_ring`: hand-off ring slots, power of 2, 256..1 Mi, default 4096 */
	uint32_t rx_workers;	/**< `rx_workers`: workers that poll RX queues, 0 = all (default);
				 *   N: workers 0..N-1 poll every RX queue between them (worker i
				 *   polls i, i+N, ...), the others get frames by hand-off only */
};

/** The `[limits]` section. */
struct tt_limits_cfg {
	uint32_t mbufs;		/**< `mbufs`: mbufs per worker pool, default 65535 */
};

/** One `[listen.NAME]` section. */
struct tt_listen_cfg {
	char name[TT_NAME_LEN];			/**< NAME */
	uint32_t addr;				/**< network order; 0 for `*` */
	uint16_t port;				/**< host order */
	const struct tt_service *svc;		/**< from `service =` */
	void *opts;				/**< svc->opts_size bytes, owned by the config */
};

struct tt_config {
	char path[TT_PATH_LEN];
	struct tt_port_cfg ports[TT_MAX_PORTS];
	unsigned int n_ports;
	struct tt_tcp_cfg tcp;
	struct tt_limits_cfg limits;
	struct tt_workers_cfg workers;
	struct tt_listen_cfg listeners[TT_MAX_LISTENERS];
	unsigned int n_listeners;
};

/** Fill @p cfg with the defaults above and no ports or listeners. */
void tt_config_defaults(struct tt_config *cfg);

/**
 * Load and validate @p path.
 *
 * Sections other than portN, tcp, limits and listen.NAME, unknown keys,
 * malformed values, values out of range, duplicate listeners and a missing
 * [port0] are all errors. Listener keys other than `address` and `service`
 * go to the service's opt() callback. Comments start with '#' ("\#" is a
 * literal '#'). Needs no EAL. @p cfg need not be initialised.
 *
 * On failure everything allocated is already freed (tt_config_free() is
 * harmless but not needed); on success the caller owns the listener
 * options and releases them with tt_config_free().
 *
 * @param svcs NULL-terminated table of known services.
 * @param err  receives one line naming the file, section and key, e.g.
 *   "config/tcpterm.conf: [tcp] mss: 'abc' is not an integer in 88..9000".
 * @return 0, or a negative errno with @p err set.
 */
int tt_config_load(struct tt_config *cfg, const char *path,
		   const struct tt_service *const *svcs, char *err, size_t errlen);

/**
 * Free what tt_config_load() allocated (listener options). Safe to call
 * twice and after a failed load; service options must not own memory of
 * their own (there is no per-service free callback).
 */
void tt_config_free(struct tt_config *cfg);

#endif /* TT_CONFIG_H */
