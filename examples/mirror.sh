#!/usr/bin/env bash
# mirror.sh SITE_URL OUT_DIR [JOB] — archive a whole ProBoards forum into
# OUT_DIR/forum.db and OUT_DIR/images/, resuming wherever an earlier run stopped.
# JOB is what pb-urls starts from (default: forum), e.g. "board 12" for one
# board with its sub-boards and threads, "thread 345", or "members".
#
# It runs the crawl loop of DESIGN.md until the frontier is empty:
#   pb-urls pending DB | pb-fetch | pb-parse | pb-images -o IMAGES | pb-load DB
# Environment:
#   PB_FETCH_FLAGS  extra pb-fetch flags, e.g. "--delay 0" for the fake forum
#   PB_IMAGES_FLAGS extra pb-images flags (default: PB_FETCH_FLAGS)
#   PB_COOKIES      a cookies.txt exported from a browser (or by pb-fetch --save-cookies):
#                   checked before the first request, then used by pb-fetch and pb-images
#   PB_RENDER       "1" forces --render, "0" disables it; default: on when Chromium is installed
#   PB_MAX_PASSES   stop after this many passes (default 1000)
#   PB_WARC         also archive every response into WARC files in this folder (see pb-warc)
# Kill it at any moment (Ctrl-C, SIGKILL, a reboot) and run it again: nothing is lost.
set -u

if [ $# -lt 2 ]; then
  echo "usage: $0 SITE_URL OUT_DIR [forum | members | board ID | thread ID | user ID]" >&2
  exit 2
fi
site=$1
out=$2
shift 2
job=("$@")
[ ${#job[@]} -eq 0 ] && job=(forum)
here=$(cd "$(dirname "$0")" && pwd)
# Prefer the binaries built by `make build`; fall back to $PATH.
if [ -x "$here/../bin/pb-urls" ]; then PATH="$here/../bin:$PATH"; fi
for tool in pb-urls pb-fetch pb-parse pb-images pb-load; do
  command -v "$tool" >/dev/null || { echo "mirror: $tool not found (run make build)" >&2; exit 2; }
done

db=$out/forum.db
mkdir -p "$out/images" || exit 2
read -r -a fetch_flags <<<"${PB_FETCH_FLAGS:-}"
read -r -a images_flags <<<"${PB_IMAGES_FLAGS-${PB_FETCH_FLAGS:-}}"
cookies=()
if [ -n "${PB_COOKIES:-}" ]; then cookies=(--cookies "$PB_COOKIES"); fi
warc=()
if [ -n "${PB_WARC:-}" ]; then warc=(--warc "$PB_WARC"); fi

render=()
case "${PB_RENDER:-auto}" in
  1) render=(--render) ;;
  0) ;;
  *) if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null; then render=(--render); fi ;;
esac

# Seeding is idempotent: pb-load adds the home page only if it is new.
# pb-urls also checks PB_COOKIES here, so a wrong export stops the run at once.
seed=$(pb-urls "${cookies[@]}" --site "$site" "${job[@]}") || exit 2
printf '%s\n' "$seed" | pb-load -q "$db" || exit 2

pass=0
stalled=0
last=""
while :; do
  pending=$(pb-urls pending "${render[@]}" "$db" | wc -l)
  [ "$pending" -eq 0 ] && break
  pass=$((pass + 1))
  if [ "$pass" -gt "${PB_MAX_PASSES:-1000}" ]; then
    echo "mirror: stopping after ${PB_MAX_PASSES:-1000} passes with $pending pages pending" >&2
    break
  fi
  if [ "$pending" -eq 1 ]; then what="1 page"; else what="$pending pages"; fi
  echo "mirror: pass $pass: $what to fetch" >&2
  pb-urls pending "${render[@]}" "$db" |
    pb-fetch "${render[@]}" "${cookies[@]}" "${warc[@]}" "${fetch_flags[@]}" |
    pb-parse |
    pb-images -q -o "$out/images" "${cookies[@]}" "${warc[@]}" "${images_flags[@]}" |
    pb-load -q "$db"
  status=("${PIPESTATUS[@]}")
  # pb-load exiting 2 means the database is unusable: stop. Other stages
  # exiting 1 means some pages failed; they stay in the frontier and are retried.
  if [ "${status[4]}" -ge 2 ]; then
    echo "mirror: pb-load failed (exit ${status[4]}); stopping" >&2
    exit 2
  fi
  # Failed pages are retried a bounded number of times; stop if nothing moves.
  now=$(pb-urls status "$db" --crawl-only 2>/dev/null)
  if [ "$now" = "$last" ]; then stalled=$((stalled + 1)); else stalled=0; fi
  last=$now
  if [ "$stalled" -ge 3 ]; then
    echo "mirror: no progress in 3 passes; $pending pages left (see: pb-urls pending $db)" >&2
    break
  fi
done

pb-urls status "$db"
if [ ${#render[@]} -eq 0 ]; then
  left=$(pb-urls pending --render-only "$db" | wc -l)
  if [ "$left" -gt 0 ]; then
    echo "mirror: $left pages need a browser (poll voters, moderators, likers); install chromium and run again, or PB_RENDER=1" >&2
  fi
fi
