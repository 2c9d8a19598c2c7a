/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tcpterm authors
 */

#ifndef TT_STATS_H
#define TT_STATS_H

/**
 * @file
 * Each list is defined once here and generates its enum, its name table
 * and its telemetry keys (STYLE habit 11).
 */

/* RFC 9293 §3.3.2 connection states. */
#define TT_TCP_STATES(X)	\
	X(CLOSED)		\
	X(LISTEN)		\
	X(SYN_SENT)		\
	X(SYN_RCVD)		\
	X(ESTABLISHED)		\
	X(FIN_WAIT_1)		\
	X(FIN_WAIT_2)		\
	X(CLOSE_WAIT)		\
	X(CLOSING)		\
	X(LAST_ACK)		\
	X(TIME_WAIT)

/* Per-TCB timer kinds; each has a deadline in the TCB (STYLE habit 13). */
#define TT_TCP_TIMERS(X)	\
	X(RTX)			\
	X(PERSIST)		\
	X(DELACK)		\
	X(CONN)			\
	X(KEEPALIVE)		\
	X(LOSS)

/* Per-worker event counters. */
#define TT_STATS(X)		\
	X(rx_packets)		\
	X(rx_bytes)		\
	X(tx_packets)		\
	X(tx_bytes)		\
	X(arp_requests_rx)	\
	X(arp_replies_tx)	\
	X(arp_requests_tx)	\
	X(icmp_echo_replies)	\
	X(tcp_segs_rx)		\
	X(tcp_segs_tx)		\
	X(tcp_payload_rx)	\
	X(tcp_payload_tx)	\
	X(conn_syn_rcvd)	\
	X(conn_active_open)	\
	X(active_open_ok)	\
	X(active_open_failed)	\
	X(conn_established)	\
	X(conn_closed)		\
	X(conn_reset_rx)	\
	X(conn_reset_tx)	\
	X(conn_timeout)		\
	X(conn_aborted)		\
	X(rst_sent)		\
	X(retransmits)		\
	X(fast_retransmits)	\
	X(sack_retransmits)	\
	X(lost_retransmits)	\
	X(recovery_timeouts)	\
	X(spurious_recoveries)	\
	X(tail_loss_probes)	\
	X(rto_expired)		\
	X(syn_ack_retransmits)	\
	X(dup_acks_rx)		\
	X(ooo_segs_rx)		\
	X(delayed_acks)		\
	X(challenge_acks)	\
	X(syncookies_sent)	\
	X(syncookies_ok)	\
	X(persist_probes)	\
	X(keepalive_probes)	\
	X(time_wait_entered)	\
	X(time_wait_expired)	\
	X(time_wait_reused)	\
	X(sack_state_taken)	\
	X(sack_state_unavailable) \
	X(time_wait_fin_acked)	\
	X(handoff_out)		\
	X(handoff_in)		\
	X(arp_shared)

/* Reasons a received or outgoing packet is dropped (STYLE habit 8). */
#define TT_DROPS(X)		\
	X(eth_short)		\
	X(eth_type)		\
	X(eth_dst)		\
	X(arp_malformed)	\
	X(arp_not_for_us)	\
	X(ip_short)		\
	X(ip_version)		\
	X(ip_hdr_len)		\
	X(ip_total_len)		\
	X(ip_cksum)		\
	X(ip_fragment)		\
	X(ip_not_for_us)	\
	X(ip_src_invalid)	\
	X(ip_proto)		\
	X(icmp_malformed)	\
	X(icmp_type)		\
	X(tcp_short)		\
	X(tcp_hdr_len)		\
	X(tcp_cksum)		\
	X(tcp_bad_flags)	\
	X(tcp_bad_options)	\
	X(tcp_bad_port)		\
	X(tcp_no_listener)	\
	X(tcp_out_of_window)	\
	X(tcp_no_ack)		\
	X(tcp_ack_unsent)	\
	X(tcp_old_ack)		\
	X(tcp_rst_invalid)	\
	X(tcp_rst_time_wait)	\
	X(tcp_syn_in_window)	\
	X(tcp_data_after_fin)	\
	X(tcp_rcv_window_full)	\
	X(tcp_ooo_no_state)	\
	X(tcp_syn_data)		\
	X(tcp_listen_noise)	\
	X(syncookies_failed)	\
	X(syn_backlog_full)	\
	X(tcp_paws)		\
	X(tcb_pool_full)	\
	X(time_wait_pool_full)	\
	X(flow_table_full)	\
	X(arp_unresolved)	\
	X(no_route)		\
	X(mbuf_alloc)		\
	X(tx_ring_full)		\
	X(challenge_ack_limit)	\
	X(handoff_ring_full)

#define TT_ENUM_STATE(name) TT_##name,
enum tt_tcp_state { TT_TCP_STATES(TT_ENUM_STATE) TT_NB_STATES };
#undef TT_ENUM_STATE

#define TT_ENUM_TIMER(name) TT_TIMER_##name,
enum tt_timer_kind { TT_TCP_TIMERS(TT_ENUM_TIMER) TT_NB_TIMERS };
#undef TT_ENUM_TIMER

#define TT_ENUM_STAT(name) TT_STAT_##name,
enum tt_stat { TT_STATS(TT_ENUM_STAT) TT_NB_STATS };
#undef TT_ENUM_STAT

#define TT_ENUM_DROP(name) TT_DROP_##name,
enum tt_drop { TT_DROPS(TT_ENUM_DROP) TT_NB_DROPS };
#undef TT_ENUM_DROP

extern const char *const tt_state_names[TT_NB_STATES];
extern const char *const tt_timer_names[TT_NB_TIMERS];
extern const char *const tt_stat_names[TT_NB_STATS];
extern const char *const tt_drop_names[TT_NB_DROPS];

#endif /* TT_STATS_H */
