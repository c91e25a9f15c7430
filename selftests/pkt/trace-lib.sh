#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Tracepoint checks for the packet scripts (trace-*.pkt):
#   sh trace-lib.sh start            clear the buffer, enable events/xtcp
#   sh trace-lib.sh expect FILE      stop, then every line of FILE (an
#                                    ERE; "#" starts a comment) must
#                                    match a line of the buffer
#   sh trace-lib.sh diagram-start PORT
#                                    run xtcp-trace -p PORT (live, this
#                                    namespace) in the background
#   sh trace-lib.sh diagram-check GOLDEN
#                                    stop it with SIGINT; its diagram,
#                                    times and our ephemeral port masked,
#                                    must equal GOLDEN, and its PlantUML
#                                    GOLDEN.puml
# A failing ERE is printed with the buffer, a diagram with its diff.
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
[ -d $T/events/xtcp ] || { echo "trace-lib: no events/xtcp in $T" >&2; exit 1; }
case "$1" in
start)
	# No task names: they would hook sched_switch (see xtcp-trace.c).
	echo 0 > $T/options/record-cmd
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
diagram-start)
	echo 0 > $T/options/record-cmd	# before xtcp-trace makes its instance
	D=/tmp/xtcp-diagram
	rm -rf $D && mkdir -p $D || exit 1
	"$XTCP_PKT_DIR/../../build/tools/xtcp-trace" -p "$2" -u $D/puml \
		> $D/out 2> $D/err &
	echo $! > $D/pid
	# Ready when its instance has the events on.
	for i in $(seq 100); do
		grep -qs 1 $T/instances/xtcp-trace.$!/events/xtcp/enable && exit 0
		sleep 0.05
	done
	echo "trace-lib: xtcp-trace did not start" >&2
	cat $D/err >&2
	exit 1
	;;
diagram-check)
	D=/tmp/xtcp-diagram
	pid=$(cat $D/pid)
	kill -INT "$pid"
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "trace-lib: xtcp-trace ignored SIGINT" >&2
		exit 1
	fi
	[ -d $T/instances/xtcp-trace.$pid ] && { echo "trace-lib: instance left behind" >&2; exit 1; }
	mask() { sed -E 's/^ *[0-9]+\.[0-9]+/T/; s/[0-9]+\.[0-9]{3,}/N.NNN/g; s/192\.0\.2\.1:[0-9]+/192.0.2.1:PORT/g' "$1"; }
	mask $D/out > $D/out.masked
	mask $D/puml > $D/puml.masked
	st=0
	diff -u "$2" $D/out.masked >&2 || st=1
	diff -u "$2.puml" $D/puml.masked >&2 || st=1
	[ $st = 0 ] || cat $D/err >&2
	exit $st
	;;
*)
	echo "usage: trace-lib.sh start | expect FILE | diagram-start PORT | diagram-check GOLDEN" >&2
	exit 2
	;;
esac
