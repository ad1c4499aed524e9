#!/usr/bin/env bash
# A real X screen (Xvfb) with a real system tray host (stalonetray where Debian has it,
# else trayer: both own the freedesktop _NET_SYSTEM_TRAY selection) for the tray app's
# screenshot test and bench; the display goes to .ci/env as HELPDESK_TEST_XVFB_DISPLAY.
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/lib/apt.bash
DISPLAY_NUM="${HELPDESK_XVFB_DISPLAY_NUM:-99}"
# Xvfb, the tray host, a window lister, the X libraries Qt's xcb platform loads, and what
# the first-launch test uses to act and read like a person: xdotool types, imagemagick
# takes the screenshot, tesseract reads it.
packages="xvfb x11-utils x11-xserver-utils xdotool imagemagick tesseract-ocr tesseract-ocr-eng libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1
          libxcb-render-util0 libxcb-image0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libegl1 libgl1
          libfontconfig1 libdbus-1-3 fonts-dejavu-core"
# shellcheck disable=SC2086 - one package name per word
apt_install $packages
if ! command -v stalonetray >/dev/null && ! command -v trayer >/dev/null; then
  apt_install stalonetray 2>/dev/null || apt_install trayer
fi
export DISPLAY=":$DISPLAY_NUM"
if ! xdpyinfo >/dev/null 2>&1; then
  rm -f "/tmp/.X$DISPLAY_NUM-lock" "/tmp/.X11-unix/X$DISPLAY_NUM"      # left by a killed server
  setsid nohup Xvfb ":$DISPLAY_NUM" -screen 0 1280x800x24 -s 0 -nolisten tcp >/tmp/xvfb.log 2>&1 &
  for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
fi
xdpyinfo >/dev/null
# Never blank: a screen idle for 10 minutes (the X default) turns every screenshot black.
xset s off s noblank -dpms 2>/dev/null || xset s off s noblank
tray_up() { xwininfo -root -tree | grep -qiE '"(stalonetray|panel)"'; }
if ! tray_up; then
  if command -v stalonetray >/dev/null; then
    setsid nohup stalonetray --geometry 6x1+1000+0 --icon-size 48 --background '#2d2d2d' \
      >/tmp/tray-host.log 2>&1 &
  else
    setsid nohup trayer --edge top --align right --widthtype request --height 40 \
      --SetDockType true --transparent false --tint 0x2d2d2d >/tmp/tray-host.log 2>&1 &
  fi
  for _ in $(seq 1 50); do tray_up && break; sleep 0.1; done
fi
tray_up
touch .ci/env
grep -v '^HELPDESK_TEST_XVFB_DISPLAY=' .ci/env > .ci/env.tmp || true
mv .ci/env.tmp .ci/env
echo "HELPDESK_TEST_XVFB_DISPLAY=:$DISPLAY_NUM" >> .ci/env
echo "xvfb: display :$DISPLAY_NUM with a tray host"
