#!/bin/busybox sh
# Kernel lab, stage 1: the /init of the lab's initramfs (busybox only). Loads the virtio/9p
# modules, mounts the host's root read-only over 9p with tmpfs on /run /tmp /var/tmp /var/log,
# mounts the extra shares listed by run.sh (checkout, build, results) at their host paths, and
# chroots into stage 2 (guest.sh from the checkout). Any failure powers the VM off at once.
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

echo "lab-init: up $(cut -d' ' -f1 /proc/uptime)s, loading 9p" >/dev/console
while read -r ko; do
	insmod "/modules/$ko" || fail "insmod $ko"
done </modules/order

# msize: bigger 9p messages make reading binaries over the share much faster.
opts=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /newroot /ctl
mount -t 9p -o "$opts,ro" host /newroot || fail "mount host root"
mount -t 9p -o "$opts,ro" results /ctl || fail "mount results share"
[ -r /ctl/.lab/mounts ] && [ -r /ctl/.lab/stage2 ] || fail "no .lab/mounts in results share"
cp /ctl/.lab/mounts /ctl/.lab/stage2 / || fail "copy lab config"
umount /ctl

for d in proc sys dev; do
	mount -o move /$d /newroot/$d || fail "move /$d"
done
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
ln -sf /proc/self/fd /newroot/dev/fd
ln -sf /proc/self/fd/0 /newroot/dev/stdin
ln -sf /proc/self/fd/1 /newroot/dev/stdout
ln -sf /proc/self/fd/2 /newroot/dev/stderr
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
[ -r "/newroot$stage2" ] || fail "stage 2 $stage2 not readable"
echo "lab-init: up $(cut -d' ' -f1 /newroot/proc/uptime)s, starting $stage2" >/dev/console
exec chroot /newroot /bin/bash "$stage2" "$results"
fail "exec chroot"
