# Kernel lab: reference IKE peers (strongSwan's charon + swanctl, libreswan's pluto) for interop
# scenarios. Source after lib.sh. Every helper is prefixed peer_; an instance is known by a NAME
# (unique per scenario) and lives in one network namespace NS with its own mount namespace, where
# a per-instance run directory is bind-mounted over /run (kernel-lab.md: charon writes
# /run/charon.{pid,vici}, pluto /run/pluto/*). Config and logs live in the instance's DIR
# (normally $RESULTS/NAME, so they are kept with the results); the run directory is on tmpfs
# ($PEER_RUNBASE/NAME: unix sockets cannot live on the 9p results share).
#
# strongSwan (charon 5.9.8 from Debian):
#   peer_prewarm                        page cache for the daemons' files (background)
#   peer_charon_start NS NAME DIR       strongswan.conf + swanctl dir in DIR, charon in NS; waits
#                                       for its vici socket (PEER_CHARON_WAIT s, default 120);
#                                       PEER_CHARON_AGGRESSIVE_PSK=yes: answers IKEv1 Aggressive
#                                       Mode PSK (off by default, as in strongSwan)
#   peer_swanctl NAME ARGS...           swanctl in the instance's namespaces (nsenter to charon)
#   peer_swanctl_conf_v2 NAME KEY=VALUE...   writes DIR/swanctl/swanctl.conf (see peer_swanctl_conf)
#   peer_swanctl_conf_v1 NAME KEY=VALUE...   the same with version = 1 (aggressive=yes|no)
#   peer_swanctl_load NAME              swanctl --load-all --clear (credentials + connections)
#   peer_charon_wait_child NAME CHILD SECS   waits for "CHILD_SA CHILD{N} established" in its log
# Both:
#   peer_nsenter NAME COMMAND...        COMMAND in the daemon's network + mount namespaces
#   peer_log_mark NAME / peer_log_has NAME REGEX   awk ERE on the daemon's log after the mark
#   peer_stop NAME                      SIGTERM, waits for the exit (SIGKILL after 20 s)
# libreswan (pluto 4.10, unpacked with dpkg -x, see scripts/deps.sh lab_libreswan):
#   peer_pluto_start NS NAME DIR        NSS db, ipsec.conf (ikev1-policy=accept), pluto in NS;
#                                       waits for its ctl socket, then whack --listen
#   peer_pluto_available                libreswan is unpacked (else skip pluto cases)
#   peer_pluto_conf_v1_psk NAME KEY=VALUE...  writes DIR/ipsec.d/CONN.conf + DIR/ipsec.secrets
#   peer_whack NAME ARGS...             whack on the instance's ctl socket, in its namespaces
#   peer_pluto_add NAME CONN            whack --rereadsecrets, then addconn CONN
# Data plane:
#   peer_vti_add NS DEV LOCAL REMOTE KEY ADDR/LEN ROUTE...   VTI with ikey = okey = KEY, the
#                                       sysctls (rp_filter=0, disable_policy=1), address, routes
#   peer_pki_make DIR NAME...           openssl CA (DIR/ca.crt) + a cert/key per NAME (CN=NAME,
#                                       SAN DNS NAME): DIR/NAME.crt, DIR/NAME.key (PKCS#8)
#
# Route-based mode: the CHILD_SA carries local_ts = remote_ts = 0.0.0.0/0 and
# mark_in = mark_out = KEY (pluto: mark=KEY/0xffffffff), charon/pluto install the 0/0 policies and
# the SAs with that mark; the VTI with key KEY marks what it sends and selects the SA on input.
# No xfrm policies are added by hand. charon runs with install_routes = no.
#
# State per instance: PEER_NS[NAME], PEER_DIR[NAME], PEER_RUN[NAME], PEER_PID[NAME],
# PEER_KIND[NAME] (charon|pluto). The ikegwd daemon will take one side's place in later
# scenarios: the conf helpers take addresses, key, proposals, auth and files as arguments.
# shellcheck shell=bash

PEER_RUNBASE=${PEER_RUNBASE:-/var/tmp/ikegw-lab/peers}
PEER_CHARON=${PEER_CHARON:-/usr/lib/ipsec/charon}
PEER_CHARON_WAIT=${PEER_CHARON_WAIT:-120}
# yes: charon answers IKEv1 Aggressive Mode with pre-shared keys as responder (strongSwan refuses
# it otherwise: the PSK hash travels in the clear); read when peer_charon_start writes the conf.
PEER_CHARON_AGGRESSIVE_PSK=${PEER_CHARON_AGGRESSIVE_PSK:-no}
# charon's plugins (Debian 12 has all of these in /usr/lib/ipsec/plugins). No "resolve": it
# rewrites /etc/resolv.conf. kdf: the IKE key derivation (prf+) of 5.9.8.
PEER_CHARON_PLUGINS=${PEER_CHARON_PLUGINS:-"random nonce x509 revocation constraints pubkey pkcs1 pkcs8 pem openssl kdf kernel-netlink socket-default vici updown"}
# swanctl's own plugin list (its default loads every plugin: the slow first start in a boot).
PEER_SWANCTL_PLUGINS=${PEER_SWANCTL_PLUGINS:-"random pem pkcs1 pkcs8 x509 pubkey openssl"}
# libreswan unpacked by scripts/deps.sh (lab_libreswan); PEER_LIBRESWAN overrides.
PEER_LIBRESWAN=${PEER_LIBRESWAN:-${IKEGW_LAB_CACHE:-/var/cache/ikegw-lab}/libreswan/root}
PEER_PLUTO_WAIT=${PEER_PLUTO_WAIT:-120}

declare -A PEER_NS=() PEER_DIR=() PEER_RUN=() PEER_PID=() PEER_KIND=()

# peer_runs PID EXE: process PID runs EXE. In the guest (chrooted by init.sh) /proc/PID/exe of a
# daemon in its own mount namespace does not read as EXE (the path is resolved from that
# namespace's root, with the chroot's directory in front), so only the tail is compared.
peer_runs() {
	local exe
	exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	[[ $exe == "$2" || $exe == */"${2#/}" ]]
}

# peer_find_pid NS EXE [PIDFILE]: prints the PID of the process running EXE in namespace NS
# (from PIDFILE when it names such a process, else the first of `ip netns pids NS`).
peer_find_pid() {
	local ns=$1 exe=$2 pidfile=${3:-} pid want
	want=$(readlink -f "$exe")
	if [ -n "$pidfile" ] && [ -r "$pidfile" ]; then
		read -r pid <"$pidfile" || pid=
		if [ -n "$pid" ] && peer_runs "$pid" "$want"; then
			printf '%s\n' "$pid"
			return 0
		fi
	fi
	for pid in $(ip netns pids "$ns" 2>/dev/null); do
		if peer_runs "$pid" "$want"; then
			printf '%s\n' "$pid"
			return 0
		fi
	done
	return 1
}

# peer_nsenter NAME COMMAND...: runs COMMAND in the network and mount namespaces of instance
# NAME's daemon. -r as well: entering a mount namespace resets the root to the namespace's root,
# which in the guest is the initramfs, not the chroot the lab runs in (init.sh).
peer_nsenter() {
	local name=$1
	shift
	nsenter -t "${PEER_PID[$name]}" -n -m -r "$@"
}

peer_find_pid_quiet() { peer_find_pid "$@" >/dev/null; }

# peer_set_pid NAME EXE PIDFILE: PEER_PID[NAME] = the PID of EXE in the instance's namespace
# (waits up to 30 s for it to show up).
peer_set_pid() {
	local name=$1 exe=$2 pidfile=$3 pid=
	lab_wait_for "$name: PID of $exe" 30 peer_find_pid_quiet "${PEER_NS[$name]}" "$exe" \
		"$pidfile" || return 1
	pid=$(peer_find_pid "${PEER_NS[$name]}" "$exe" "$pidfile") || return 1
	PEER_PID[$name]=$pid
}

# peer_exec_ns NS RUNDIR LOG [--bind SRC DST]... COMMAND...: starts COMMAND in the background in
# netns NS, in a new private mount namespace with RUNDIR bind-mounted over /run (and each SRC
# over DST); stdout+stderr to LOG.
peer_exec_ns() {
	local ns=$1 run=$2 log=$3 binds=''
	shift 3
	while [ "$1" = --bind ]; do
		binds+="mount --bind '$2' '$3' && "
		shift 3
	done
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$ns" unshare -m --propagation private \
		sh -c 'mount --bind "$0" /run && '"$binds"'exec "$@"' "$run" "$@" </dev/null >"$log" 2>&1 &
}

# peer_instance NS NAME DIR KIND: registers an instance and makes its directories.
peer_instance() {
	local ns=$1 name=$2 dir=$3 kind=$4 run=$PEER_RUNBASE/$2
	rm -rf "$run"
	mkdir -p "$run" "$dir"
	PEER_NS[$name]=$ns
	PEER_DIR[$name]=$(cd "$dir" && pwd -P)
	PEER_RUN[$name]=$run
	PEER_KIND[$name]=$kind
	PEER_PID[$name]=
}

# --- strongSwan -------------------------------------------------------------------------------

# peer_prewarm: reads charon, swanctl, their libraries and plugins (and pluto when unpacked) into
# the page cache in the background: the first start of a program in a boot otherwise pays for
# reading it over 9p. Returns at once.
peer_prewarm() {
	local files=("$PEER_CHARON" /usr/sbin/swanctl /usr/lib/ipsec/lib*.so.0 /usr/lib/x86_64-linux-gnu/libcrypto.so.3) p
	for p in $PEER_CHARON_PLUGINS $PEER_SWANCTL_PLUGINS; do
		files+=("/usr/lib/ipsec/plugins/libstrongswan-$p.so")
	done
	[ -x "$PEER_LIBRESWAN/usr/libexec/ipsec/pluto" ] &&
		files+=("$PEER_LIBRESWAN/usr/libexec/ipsec/pluto" "$PEER_LIBRESWAN/usr/libexec/ipsec/whack")
	cat "${files[@]}" >/dev/null 2>&1 &
}

# peer_strongswan_conf NAME: writes DIR/strongswan.conf for charon and swanctl of instance NAME.
peer_strongswan_conf() {
	local name=$1 dir=${PEER_DIR[$1]}
	cat >"$dir/strongswan.conf" <<-EOF
		# generated by tests/lab/lib-peers.sh for instance $name
		charon {
		    load = $PEER_CHARON_PLUGINS
		    install_routes = no
		    install_virtual_ip = no
		    threads = 8
		    i_dont_care_about_security_and_use_aggressive_mode_psk = $PEER_CHARON_AGGRESSIVE_PSK
		    plugins {
		        random {
		            random = /dev/urandom
		            urandom = /dev/urandom
		        }
		        vici {
		            socket = unix:///run/charon.vici
		        }
		    }
		    filelog {
		        peer {
		            path = $dir/charon.log
		            append = no
		            flush_line = yes
		            time_format = %H:%M:%S
		            time_add_ms = yes
		            ike_name = yes
		            default = 2
		            ike = 2
		            knl = 2
		            cfg = 2
		            net = 1
		            enc = 1
		            asn = 1
		            lib = 1
		            job = 1
		            mgr = 1
		        }
		    }
		    syslog {
		        daemon {
		            default = -1
		        }
		    }
		}
		swanctl {
		    load = $PEER_SWANCTL_PLUGINS
		}
	EOF
}

# peer_charon_start NS NAME DIR: charon for instance NAME in netns NS (own mount namespace, /run
# = $PEER_RUNBASE/NAME), STRONGSWAN_CONF=DIR/strongswan.conf, SWANCTL_DIR=DIR/swanctl (x509,
# x509ca, private made here), log DIR/charon.log (+ DIR/charon.out: its stdout/stderr). Returns
# once the vici socket exists and the daemon's PID is known (PEER_PID[NAME]).
peer_charon_start() {
	local ns=$1 name=$2 dir=$3 t0 run
	t0=$(lab_uptime)
	peer_instance "$ns" "$name" "$dir" charon
	dir=${PEER_DIR[$name]}
	run=${PEER_RUN[$name]}
	mkdir -p "$dir/swanctl/x509" "$dir/swanctl/x509ca" "$dir/swanctl/private" \
		"$dir/swanctl/conf.d"
	peer_strongswan_conf "$name"
	[ -e "$dir/swanctl/swanctl.conf" ] || : >"$dir/swanctl/swanctl.conf"
	STRONGSWAN_CONF=$dir/strongswan.conf peer_exec_ns "$ns" "$run" "$dir/charon.out" "$PEER_CHARON"
	if ! lab_wait_for "charon $name: vici socket" "$PEER_CHARON_WAIT" test -S "$run/charon.vici"; then
		lab_log "charon $name did not come up; its output and log:"
		sed 's/^/    /' "$dir/charon.out" "$dir/charon.log" 2>/dev/null | tail -n 40
		return 1
	fi
	peer_set_pid "$name" "$PEER_CHARON" "$run/charon.pid" || return 1
	lab_log "charon $name up in $ns (pid ${PEER_PID[$name]}) after" \
		"$(awk -v a="$t0" -v b="$(lab_uptime)" 'BEGIN { printf "%.1f", b - a }') s"
}

# peer_swanctl NAME ARGS...: swanctl in instance NAME's network and mount namespaces (nsenter
# to its charon) with its STRONGSWAN_CONF and SWANCTL_DIR.
peer_swanctl() {
	local name=$1
	shift
	[ -n "${PEER_PID[$name]:-}" ] || { lab_log "peer_swanctl: no instance $name"; return 1; }
	STRONGSWAN_CONF=${PEER_DIR[$name]}/strongswan.conf SWANCTL_DIR=${PEER_DIR[$name]}/swanctl \
		peer_nsenter "$name" swanctl "$@"
}

# peer_swanctl_conf NAME KEY=VALUE...: writes instance NAME's swanctl.conf with one route-based
# connection. Keys (defaults in brackets):
#   version=1|2 [2]  aggressive=yes|no [no] (IKEv1)  conn=NAME [site] (IKE and CHILD name)
#   local=ADDR remote=ADDR (required)  mark=KEY (VTI key: mark_in = mark_out) [1]
#   ike=PROPOSALS [aes256-sha256-modp2048]  esp=PROPOSALS [aes256-sha256]
#   auth=psk|pubkey [psk]  psk=SECRET  local_id=ID remote_id=ID [the addresses; pubkey: none]
#   cert=FILE key=FILE cacert=FILE (pubkey: copied into x509/, private/, x509ca/)
#   start=start|trap|none [none]  dpd=SECS [0: off]  dpd_action=clear|trap|restart [clear]
#   rekey=SECS (CHILD_SA rekey_time) [3600]  ike_rekey=SECS (IKE rekey/reauth time) [14400]
#   ts_local=TS ts_remote=TS [0.0.0.0/0]  mobike=yes|no [no]  encap=yes|no [no]
peer_swanctl_conf() {
	local name=$1 dir=${PEER_DIR[$1]}
	shift
	local -A o=([version]=2 [aggressive]=no [conn]=site [mark]=1 [ike]=aes256-sha256-modp2048
		[esp]=aes256-sha256 [auth]=psk [start]=none [dpd]=0 [dpd_action]=clear [rekey]=3600
		[ike_rekey]=14400 [ts_local]=0.0.0.0/0 [ts_remote]=0.0.0.0/0 [mobike]=no [encap]=no)
	local kv
	for kv in "$@"; do
		[[ $kv == *=* ]] || { lab_log "peer_swanctl_conf: not KEY=VALUE: $kv"; return 1; }
		o[${kv%%=*}]=${kv#*=}
	done
	if [ -z "${o[local]:-}" ] || [ -z "${o[remote]:-}" ]; then
		lab_log "peer_swanctl_conf: local= and remote= are required"
		return 1
	fi
	local lid=${o[local_id]:-} rid=${o[remote_id]:-} certs='' f
	if [ "${o[auth]}" = psk ]; then
		lid=${lid:-${o[local]}}
		rid=${rid:-${o[remote]}}
	else
		for f in cert key cacert; do
			[ -n "${o[$f]:-}" ] || { lab_log "peer_swanctl_conf: auth=pubkey needs $f="; return 1; }
		done
		cp "${o[cert]}" "$dir/swanctl/x509/"
		cp "${o[key]}" "$dir/swanctl/private/"
		cp "${o[cacert]}" "$dir/swanctl/x509ca/"
		certs="certs = $(basename "${o[cert]}")"
	fi
	local ikerekey="rekey_time = ${o[ike_rekey]}s"
	[ "${o[version]}" = 1 ] && ikerekey="reauth_time = ${o[ike_rekey]}s"
	{
		printf '# generated by tests/lab/lib-peers.sh for instance %s\n' "$name"
		printf 'connections {\n  %s {\n' "${o[conn]}"
		printf '    version = %s\n' "${o[version]}"
		[ "${o[version]}" = 1 ] && printf '    aggressive = %s\n' "${o[aggressive]}"
		printf '    local_addrs = %s\n    remote_addrs = %s\n' "${o[local]}" "${o[remote]}"
		printf '    proposals = %s\n' "${o[ike]}"
		printf '    %s\n' "$ikerekey"
		printf '    dpd_delay = %ss\n' "${o[dpd]}"
		printf '    mobike = %s\n    encap = %s\n' "${o[mobike]}" "${o[encap]}"
		printf '    local {\n      auth = %s\n' "${o[auth]}"
		[ -n "$lid" ] && printf '      id = "%s"\n' "$lid"
		[ -n "$certs" ] && printf '      %s\n' "$certs"
		printf '    }\n    remote {\n      auth = %s\n' "${o[auth]}"
		[ -n "$rid" ] && printf '      id = "%s"\n' "$rid"
		printf '    }\n    children {\n      %s {\n' "${o[conn]}"
		printf '        local_ts = %s\n        remote_ts = %s\n' "${o[ts_local]}" "${o[ts_remote]}"
		printf '        esp_proposals = %s\n' "${o[esp]}"
		printf '        mark_in = %s\n        mark_out = %s\n' "${o[mark]}" "${o[mark]}"
		printf '        mode = tunnel\n'
		printf '        start_action = %s\n' "${o[start]}"
		printf '        dpd_action = %s\n' "${o[dpd_action]}"
		printf '        rekey_time = %ss\n' "${o[rekey]}"
		printf '      }\n    }\n  }\n}\n'
		if [ "${o[auth]}" = psk ]; then
			printf 'secrets {\n  ike-%s {\n' "${o[conn]}"
			printf '    id-1 = "%s"\n    id-2 = "%s"\n' "$lid" "$rid"
			printf '    secret = "%s"\n  }\n}\n' "${o[psk]:?psk= needed for auth=psk}"
		fi
	} >"$dir/swanctl/swanctl.conf"
}
peer_swanctl_conf_v2() { peer_swanctl_conf "$1" version=2 "${@:2}"; }
peer_swanctl_conf_v1() { peer_swanctl_conf "$1" version=1 "${@:2}"; }

# peer_swanctl_load NAME: loads credentials and connections of instance NAME in one swanctl run
# (--load-all --clear: connections no longer in swanctl.conf are unloaded). Output in
# DIR/load-all.out.
peer_swanctl_load() {
	local out=${PEER_DIR[$1]}/load-all.out
	peer_swanctl "$1" --load-all --clear --noprompt >"$out" 2>&1 || { cat "$out"; return 1; }
}

# peer_log_mark NAME: later peer_log_has calls only look at log lines written after this.
declare -A PEER_MARK=()
peer_log_mark() {
	local n
	n=$(wc -l <"$(peer_log "$1")" 2>/dev/null) || n=0
	PEER_MARK[$1]=$n
}

# peer_log NAME: the daemon's log file (charon.log or pluto.log in DIR).
peer_log() {
	printf '%s/%s.log' "${PEER_DIR[$1]}" "${PEER_KIND[$1]}"
}

# peer_log_has NAME REGEX: the daemon log of NAME has a line matching REGEX (an awk ERE) since the
# last peer_log_mark NAME.
peer_log_has() {
	awk -v from="${PEER_MARK[$1]:-0}" -v re="$2" 'NR > from && $0 ~ re { found = 1; exit }
		END { exit !found }' "$(peer_log "$1")" 2>/dev/null
}

# peer_charon_wait_child NAME CHILD SECS: waits until charon NAME logged "CHILD_SA CHILD{N}
# established" (since the last peer_log_mark).
peer_charon_wait_child() {
	lab_wait_for "$1: CHILD_SA $2 established" "$3" \
		peer_log_has "$1" "CHILD_SA $2\\{[0-9]+\\} established"
}

# peer_stop NAME: stops the instance's daemon (SIGTERM, then SIGKILL after 20 s) and waits.
peer_stop() {
	local name=$1 pid=${PEER_PID[$1]:-}
	[ -n "$pid" ] || return 0
	lab_log "stopping ${PEER_KIND[$name]} $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || :
	if ! lab_wait_for "$name (pid $pid) to exit" 20 test ! -e "/proc/$pid"; then
		kill -KILL "$pid" 2>/dev/null || :
		lab_wait_for "$name (pid $pid) killed" 10 test ! -e "/proc/$pid" || :
	fi
	PEER_PID[$name]=
}

# --- libreswan --------------------------------------------------------------------------------

# peer_pluto_available: libreswan's pluto is unpacked where PEER_LIBRESWAN says.
peer_pluto_available() {
	[ -x "$PEER_LIBRESWAN/usr/libexec/ipsec/pluto" ] && command -v certutil >/dev/null
}

# peer_pluto_start NS NAME DIR: pluto for instance NAME in netns NS (own mount namespace, /run =
# $PEER_RUNBASE/NAME): NSS db (empty password) in /run/nss, DIR/ipsec.conf (config setup with
# ikev1-policy=accept, includes DIR/ipsec.d/*.conf), secrets DIR/ipsec.secrets, log DIR/pluto.log
# (+ DIR/pluto.out). Waits for /run/pluto/pluto.ctl, then whack --listen.
peer_pluto_start() {
	local ns=$1 name=$2 dir=$3 t0 run bin=$PEER_LIBRESWAN/usr/libexec/ipsec
	t0=$(lab_uptime)
	peer_pluto_available || { lab_log "pluto: no $bin/pluto or certutil (scripts/deps.sh)"; return 1; }
	peer_instance "$ns" "$name" "$dir" pluto
	dir=${PEER_DIR[$name]}
	run=${PEER_RUN[$name]}
	mkdir -p "$run/pluto" "$run/nss" "$dir/ipsec.d"
	certutil -N -d "sql:$run/nss" --empty-password || return 1
	[ -e "$dir/ipsec.secrets" ] || : >"$dir/ipsec.secrets"
	cat >"$dir/ipsec.conf" <<-EOF
		# generated by tests/lab/lib-peers.sh for instance $name
		config setup
		    ikev1-policy=accept
		    plutodebug=none
		    logtime=yes
		include $dir/ipsec.d/*.conf
	EOF
	# pluto runs /usr/libexec/ipsec/addconn (a fixed path) at start and exits if it is missing:
	# the unpacked /usr/libexec (only ipsec/ in it) over /usr/libexec, in pluto's namespace only.
	peer_exec_ns "$ns" "$run" "$dir/pluto.out" \
		--bind "$PEER_LIBRESWAN/usr/libexec" /usr/libexec "$bin/pluto" --config "$dir/ipsec.conf" --nofork \
		--rundir /run/pluto --nssdir /run/nss --ipsecdir "$dir" \
		--secretsfile "$dir/ipsec.secrets" --no-dnssec --logfile "$dir/pluto.log"
	if ! lab_wait_for "pluto $name: ctl socket" "$PEER_PLUTO_WAIT" test -S "$run/pluto/pluto.ctl"; then
		lab_log "pluto $name did not come up; its output and log:"
		sed 's/^/    /' "$dir/pluto.out" "$dir/pluto.log" 2>/dev/null | tail -n 40
		return 1
	fi
	peer_set_pid "$name" "$bin/pluto" "$run/pluto/pluto.pid" || return 1
	peer_whack "$name" --listen >"$dir/listen.out" 2>&1 || { cat "$dir/listen.out"; return 1; }
	lab_log "pluto $name up in $ns (pid ${PEER_PID[$name]}) after" \
		"$(awk -v a="$t0" -v b="$(lab_uptime)" 'BEGIN { printf "%.1f", b - a }') s"
}

# peer_whack NAME ARGS...: whack on instance NAME's control socket, in its namespaces.
peer_whack() {
	local name=$1
	shift
	[ -n "${PEER_PID[$name]:-}" ] || { lab_log "peer_whack: no instance $name"; return 1; }
	peer_nsenter "$name" "$PEER_LIBRESWAN/usr/libexec/ipsec/whack" \
		--ctlsocket /run/pluto/pluto.ctl "$@"
}

# peer_pluto_conf_v1_psk NAME KEY=VALUE...: writes DIR/ipsec.d/CONN.conf, an IKEv1 PSK
# route-based connection, and its line in DIR/ipsec.secrets. Keys (defaults in brackets):
#   conn=NAME [site]  local=ADDR remote=ADDR (required)  psk=SECRET (required)
#   mark=KEY [1] (mark=KEY/0xffffffff, leftupdown=%disabled)  aggressive=yes|no [no]
#   ike=PROPOSALS [aes256-sha2_256;modp2048]  esp=PROPOSALS (phase2alg) [aes256-sha2_256]
#   pfs=yes|no [no]  start=add|start|ondemand (auto=) [add]  rekey=SECS (salifetime) [3600]
#   ike_rekey=SECS (ikelifetime) [14400]  dpd=SECS (dpddelay, 0: off) [0]
#   local_id=ID remote_id=ID [the addresses]
peer_pluto_conf_v1_psk() {
	local name=$1 dir=${PEER_DIR[$1]}
	shift
	local -A o=([conn]=site [mark]=1 [aggressive]=no [ike]="aes256-sha2_256;modp2048"
		[esp]=aes256-sha2_256 [pfs]=no [start]=add [rekey]=3600 [ike_rekey]=14400 [dpd]=0)
	local kv
	for kv in "$@"; do
		[[ $kv == *=* ]] || { lab_log "peer_pluto_conf_v1_psk: not KEY=VALUE: $kv"; return 1; }
		o[${kv%%=*}]=${kv#*=}
	done
	if [ -z "${o[local]:-}" ] || [ -z "${o[remote]:-}" ] || [ -z "${o[psk]:-}" ]; then
		lab_log "peer_pluto_conf_v1_psk: local=, remote= and psk= are required"
		return 1
	fi
	local lid=${o[local_id]:-${o[local]}} rid=${o[remote_id]:-${o[remote]}}
	{
		printf '# generated by tests/lab/lib-peers.sh for instance %s\n' "$name"
		printf 'conn %s\n' "${o[conn]}"
		printf '\tkeyexchange=ike\n\tikev2=no\n\tauthby=secret\n'
		printf '\taggressive=%s\n' "${o[aggressive]}"
		printf '\tleft=%s\n\tleftid=%s\n' "${o[local]}" "$lid"
		printf '\tright=%s\n\trightid=%s\n' "${o[remote]}" "$rid"
		printf '\tleftsubnet=0.0.0.0/0\n\trightsubnet=0.0.0.0/0\n'
		printf '\tmark=%s/0xffffffff\n\tleftupdown=%%disabled\n' "${o[mark]}"
		printf '\tike=%s\n\tphase2=esp\n\tphase2alg=%s\n\tpfs=%s\n' \
			"${o[ike]}" "${o[esp]}" "${o[pfs]}"
		printf '\tsalifetime=%ss\n\tikelifetime=%ss\n' "${o[rekey]}" "${o[ike_rekey]}"
		if [ "${o[dpd]}" != 0 ]; then
			printf '\tdpddelay=%ss\n\tdpdtimeout=%ss\n\tdpdaction=clear\n' \
				"${o[dpd]}" "$((o[dpd] * 4))"
		fi
		printf '\tauto=%s\n' "${o[start]}"
	} >"$dir/ipsec.d/${o[conn]}.conf"
	printf '%s %s : PSK "%s"\n' "$lid" "$rid" "${o[psk]}" >>"$dir/ipsec.secrets"
}

# peer_pluto_add NAME CONN: whack --rereadsecrets, then addconn CONN from DIR/ipsec.conf (output
# in DIR/addconn-CONN.out).
peer_pluto_add() {
	local name=$1 conn=$2 dir=${PEER_DIR[$1]}
	if ! peer_whack "$name" --rereadsecrets >"$dir/addconn-$conn.out" 2>&1 ||
		! peer_nsenter "$name" "$PEER_LIBRESWAN/usr/libexec/ipsec/addconn" \
			--config "$dir/ipsec.conf" --ctlsocket /run/pluto/pluto.ctl "$conn" \
			>>"$dir/addconn-$conn.out" 2>&1; then
		cat "$dir/addconn-$conn.out"
		return 1
	fi
}

# --- data plane -------------------------------------------------------------------------------

# peer_vti_add NS DEV LOCAL REMOTE KEY ADDR/LEN [ROUTE...]: VTI DEV (ikey = okey = KEY) from
# LOCAL to REMOTE with address ADDR/LEN, up, a route per ROUTE prefix through it, and the
# sysctls a VTI needs (rp_filter=0 all/default/DEV, disable_policy=1 on DEV).
peer_vti_add() {
	local ns=$1 dev=$2 local=$3 remote=$4 key=$5 addr=$6 r
	shift 6
	{
		printf 'link add %s type vti local %s remote %s key %s\n' "$dev" "$local" "$remote" "$key"
		printf 'addr add %s dev %s\n' "$addr" "$dev"
		printf 'link set %s up\n' "$dev"
		for r in "$@"; do
			printf 'route add %s dev %s\n' "$r" "$dev"
		done
	} | ip -n "$ns" -batch - || return 1
	lab_vti_sysctls "$ns" "$dev"
}

# --- certificates -----------------------------------------------------------------------------

# peer_pki_make DIR NAME...: a CA (DIR/ca.crt, DIR/ca.key, CN=ikegw lab CA) and for each NAME
# an ECDSA P-256 key (DIR/NAME.key, PKCS#8 PEM) with a certificate (DIR/NAME.crt, subject
# CN=NAME, SAN DNS:NAME, serverAuth+clientAuth) signed by the CA. Keep DIR outside /run.
peer_pki_make() {
	local dir=$1 n
	shift
	mkdir -p "$dir"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=ikegw lab CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		2>"$dir/openssl.err" || { cat "$dir/openssl.err"; return 1; }
	for n in "$@"; do
		printf 'subjectAltName = DNS:%s\nextendedKeyUsage = serverAuth, clientAuth\n' "$n" \
			>"$dir/$n.ext"
		if ! openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/CN=$n" -keyout "$dir/$n.key" -out "$dir/$n.csr" 2>>"$dir/openssl.err" ||
			! openssl x509 -req -in "$dir/$n.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
				-CAcreateserial -days 30 -extfile "$dir/$n.ext" -out "$dir/$n.crt" \
				2>>"$dir/openssl.err"; then
			cat "$dir/openssl.err"
			return 1
		fi
	done
}
