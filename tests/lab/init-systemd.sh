#!/bin/busybox sh
# Kernel lab, stage 1 of a systemd boot (run.sh --systemd; kernel-lab.md "A real systemd in the
# guest"): the /init of its initramfs (busybox only). Loads the virtio/9p and overlay modules,
# builds a writable root (the host's / over 9p, read-only, under a tmpfs overlay), mounts tmpfs
# on /run /tmp /var/tmp /var/log and the shares run.sh lists (kernel, checkout, build, results),
# writes the test's units into /run/systemd/system and switch_roots to systemd, which runs the
# test service (guest-systemd.sh) and powers the VM off when it ends. Any failure here powers
# the VM off at once.
# shellcheck shell=dash disable=SC2093
/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
	echo "lab-init: FAILED: $*" >/dev/console
	sync
	poweroff -f
	sleep 60
}

echo "lab-init: up $(cut -d' ' -f1 /proc/uptime)s, loading 9p and overlay" >/dev/console
while read -r ko; do
	insmod "/modules/$ko" || fail "insmod $ko"
done </modules/order

opts=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /lower /rw /newroot /ctl
mount -t 9p -o "$opts,ro" host /lower || fail "mount host root"
mount -t tmpfs -o size=1g,mode=0755 tmpfs /rw || fail "tmpfs for the overlay"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	fail "mount overlay root"
mount -t 9p -o "$opts,ro" results /ctl || fail "mount results share"
[ -r /ctl/.lab/mounts ] && [ -r /ctl/.lab/stage2 ] || fail "no .lab/mounts in results share"
cp /ctl/.lab/mounts /ctl/.lab/stage2 / || fail "copy lab config"
umount /ctl

for d in proc sys dev; do
	mount -o move /$d /newroot/$d || fail "move /$d"
done
mount -t tmpfs -o mode=0755 tmpfs /newroot/run || fail "tmpfs /run"
for d in tmp var/tmp; do
	mount -t tmpfs -o mode=1777 tmpfs /newroot/$d || fail "tmpfs /$d"
done
mount -t tmpfs -o mode=0755 tmpfs /newroot/var/log || fail "tmpfs /var/log"

# Lines "TAG ro|rw PATH", parents before children (run.sh sorts them).
while read -r tag mode path; do
	mkdir -p "/newroot$path" || fail "mkdir $path"
	mount -t 9p -o "$opts,$mode" "$tag" "/newroot$path" || fail "mount $tag at $path"
done </mounts

stage2=$(sed -n 1p /stage2)
results=$(sed -n 2p /stage2)
limit=$(sed -n 3p /stage2)
kdir=$(sed -n 4p /stage2)
[ -r "/newroot$stage2" ] || fail "stage 2 $stage2 not readable"
# plain modprobe and udev find the unpacked kernel's modules (the kernel's own module
# autoloading runs /sbin/modprobe too)
krel=$(uname -r)
mkdir -p /newroot/usr/lib/modules
rm -rf "/newroot/usr/lib/modules/$krel"
ln -s "$kdir/lib/modules/$krel" "/newroot/usr/lib/modules/$krel" || fail "link the modules"

units=/newroot/run/systemd/system
mkdir -p "$units"
# nothing that waits for time or the network
for u in timers.target systemd-timesyncd.service systemd-networkd-wait-online.service \
	networking.service; do
	ln -s /dev/null "$units/$u"
done
cat >"$units/ikegw-lab.target" <<EOT
[Unit]
Description=ikegw kernel lab (systemd)
Requires=basic.target ikegw-lab-test.service
After=basic.target ikegw-lab-test.service
AllowIsolate=yes
JobTimeoutSec=$limit
JobTimeoutAction=poweroff-immediate
EOT
cat >"$units/ikegw-lab-test.service" <<EOT
[Unit]
Description=ikegw kernel lab scenarios
DefaultDependencies=no
Requires=basic.target
After=basic.target
SuccessAction=poweroff-immediate
FailureAction=poweroff-immediate

[Service]
Type=oneshot
ExecStart=/bin/bash $stage2 $results
TimeoutStartSec=$limit
StandardOutput=journal+console
StandardError=journal+console
EOT
echo "lab-init: up $(cut -d' ' -f1 /proc/uptime)s, switch_root to systemd" >/dev/console
exec switch_root /newroot /lib/systemd/systemd systemd.unit=ikegw-lab.target \
	systemd.show_status=error
fail "exec switch_root"
