# shellcheck shell=sh
# Helpers of the e2e scripts, sourced by them after they set $out (their
# temporary directory).

# wait_url FILE PATTERN PID NAME: waits, up to 60s and as long as PID
# runs, for a line matching PATTERN in FILE, and prints the URL that line
# holds. It exits the script, showing FILE and the logs in $out, when PID
# ends first or the time is up.
wait_url() {
	tries=0
	until grep -qs "$2" "$1"; do
		if ! alive "$3"; then
			echo "$4 exited before listening:" >&2
			cat "$1" "$out"/*.log >&2 2>/dev/null || true
			exit 1
		fi
		tries=$((tries + 1))
		if [ "$tries" -gt 600 ]; then
			echo "$4 did not start within 60s" >&2
			exit 1
		fi
		sleep 0.1
	done
	grep -m1 "$2" "$1" | grep -o 'http://[0-9.:]*'
}

# alive PID: whether PID runs. A child that has exited but that its parent
# has not waited for yet (as when wait_url runs in a command substitution)
# still answers kill -0: its /proc state, Z, tells.
alive() {
	kill -0 "$1" 2>/dev/null && ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"
}

# fetch URL FILE: writes the body of a successful GET of URL to FILE.
fetch() {
	node -e 'fetch(process.argv[1]).then(async r => { if (!r.ok) throw new Error(r.status); require("fs").writeFileSync(process.argv[2], await r.text()) })' "$1" "$2"
}
