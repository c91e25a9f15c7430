#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Tracepoint checks for the packet scripts (trace-*.pkt):
#   sh trace-lib.sh start            clear the buffer, enable events/xtcp
#   sh trace-lib.sh expect FILE      stop, then every line of FILE (an
#                                    ERE; "#" starts a comment) must
#                                    match a line of the buffer
# A failing ERE is printed with the buffer, for the log.
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
[ -d $T/events/xtcp ] || { echo "trace-lib: no events/xtcp in $T" >&2; exit 1; }
case "$1" in
start)
	echo 0 > $T/tracing_on
	echo > $T/trace
	echo 1 > $T/events/xtcp/enable
	echo 1 > $T/tracing_on
	;;
expect)
	echo 0 > $T/events/xtcp/enable
	buf=$(cat $T/trace)
	st=0
	while IFS= read -r re; do
		case "$re" in ""|"#"*) continue ;; esac
		printf '%s\n' "$buf" | grep -Eq -- "$re" && continue
		echo "trace-lib: no line matches: $re" >&2
		st=1
	done < "$2"
	[ $st = 0 ] || printf '%s\n' "$buf" | grep xtcp_ >&2
	exit $st
	;;
*)
	echo "usage: trace-lib.sh start | expect FILE" >&2
	exit 2
	;;
esac
