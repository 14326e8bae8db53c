#!/usr/bin/env bash
# Builds para-test-base:latest from Debian's static busybox: nothing can be pulled here. The image
# has root and a "para" user (uid 1000, home /home/para), like the images Para works with.
set -euo pipefail
image=para-test-base:latest
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "::: $image present"
  exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,tmp,root,home/para/.claude,usr/bin}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
para:x:1000:1000:para:/home/para:/bin/sh
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
para:x:1000:
GROUP
chmod 1777 "$root/tmp"
chown -R 1000:1000 "$root/home/para"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/bin:/bin' \
  --change 'CMD ["/bin/sh"]' \
  - "$image" >/dev/null
echo "::: built $image"
