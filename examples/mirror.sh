#!/usr/bin/env bash
# mirror.sh SITE_URL OUT_DIR [JOB] — archive a whole ProBoards forum into
# OUT_DIR/forum.db and OUT_DIR/images/, resuming wherever an earlier run stopped.
# JOB is what pb-urls starts from (default: forum), e.g. "board 12" for one
# board with its sub-boards and threads, "thread 345", or "members".
#
# It runs the crawl loop of docs/architecture.md until the frontier is empty:
#   pb-urls pending DB | pb-fetch | pb-parse | pb-images -o IMAGES --site SITE | pb-load DB
# Environment:
#   PB_FETCH_FLAGS  extra pb-fetch flags, e.g. "--delay 3s" or "--board-passwords boards.txt".
#                   pb-images gets those of them it shares with pb-fetch (the network
#                   flags: --delay, --other-delay, --limit-dir, --robots, --retries, ...),
#                   so both keep to one schedule; the others (--board-passwords, --login,
#                   --render, --max-body, ...) go to pb-fetch only.
#   PB_IMAGES_FLAGS extra pb-images flags, after those (e.g. "--max-size 5MB"; a later flag wins)
#   PB_COOKIES      a cookies.txt exported from a browser (or by pb-fetch --save-cookies):
#                   checked before the first request, then used by pb-fetch and pb-images
#   PB_RENDER       "1" forces --render, "0" disables it; default: on when Chromium is installed
#   PB_MAX_PASSES   stop after this many passes (default 1000)
#   PB_WARC         also archive every response into WARC files in this folder (see pb-warc)
#   PB_BIN          the folder of the pb tools to use (default: the repository's bin/ when
#                   built, else $PATH)
#   PB_MAX_ATTEMPTS fetch a failing page at most this many times in all (default 5; raise it
#                   to retry pages that failed every attempt in earlier runs)
# Exit status:
#   0  complete: every page is archived (when rendering is off, the pages that need
#      a browser are only counted on stderr)
#   1  gave up with pages left: pages failed every attempt (e.g. a password-protected
#      board without its password), no progress in 3 passes (the forum is down, the
#      disk is full), or PB_MAX_PASSES reached;
#      stderr says why and how many (run it again later to continue)
#   2  setup error: a tool is missing, or a stage (pb-urls, pb-fetch, pb-parse,
#      pb-images, pb-load) exited 2 — a bad flag, an unusable database or folder, a
#      failed login; mirror.sh stops after that pass and names the stage
#   130 interrupted (Ctrl-C, SIGTERM)
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
# $PB_BIN first, then the binaries built by `make build`, then $PATH.
if [ -n "${PB_BIN:-}" ]; then PATH="$PB_BIN:$PATH"
elif [ -x "$here/../bin/pb-urls" ]; then PATH="$here/../bin:$PATH"; fi
for tool in pb-urls pb-fetch pb-parse pb-images pb-load; do
  command -v "$tool" >/dev/null || { echo "mirror: $tool not found (run make build)" >&2; exit 2; }
done
# The tools stop cleanly on Ctrl-C; so does the loop, instead of starting another pass.
trap 'echo "mirror: interrupted; run the same command again to continue" >&2; exit 130' INT TERM

db=$out/forum.db
mkdir -p "$out/images" || { echo "mirror: cannot create $out/images" >&2; exit 2; }
read -r -a fetch_flags <<<"${PB_FETCH_FLAGS:-}"
read -r -a images_extra <<<"${PB_IMAGES_FLAGS:-}"

# The flags pb-images shares with pb-fetch (fetch.Flags; e2e/mirrorsh_test.go
# checks this list against both tools). A value that follows a flag as its own
# word goes wherever the flag goes; "-c8" and "--delay=3s" are one word.
shared_flags=" --delay --long-delay --long-every --jitter --other-delay -c --concurrency --retries --backoff --max-wait --timeout --user-agent --header --cookies --robots --breaker --breaker-pause --limit-dir --warc --warc-max-size --from-warc --progress -q --quiet "
images_flags=()
keep=0
for arg in ${fetch_flags[@]+"${fetch_flags[@]}"}; do
  case $arg in
    --*) name=${arg%%=*} ;;
    -*) name=${arg:0:2} ;;
    *) name="" ;; # a flag's value: keep follows the flag
  esac
  if [ -n "$name" ]; then
    case $shared_flags in *" $name "*) keep=1 ;; *) keep=0 ;; esac
  fi
  [ "$keep" -eq 1 ] && images_flags+=("$arg")
done
images_flags+=(${images_extra[@]+"${images_extra[@]}"})

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

# pages prints how many pages pb-urls pending lists with the given flags;
# a failing pb-urls (an unusable database) is a setup error.
pages() {
  local n
  n=$(pb-urls pending "$@" "$db" | wc -l; exit "${PIPESTATUS[0]}") || {
    echo "mirror: pb-urls pending $* $db failed; stopping" >&2
    exit 2
  }
  echo "$n"
}

max_passes=${PB_MAX_PASSES:-1000}
max_attempts=${PB_MAX_ATTEMPTS:-5}
attempts=(--max-attempts "$max_attempts")

plural() { if [ "$1" -eq 1 ]; then echo "1 page"; else echo "$1 pages"; fi; }

# Seeding is idempotent: pb-load adds the home page only if it is new.
# pb-urls also checks PB_COOKIES here, so a wrong export stops the run at once.
seed=$(pb-urls "${cookies[@]}" --site "$site" "${job[@]}") || exit 2
printf '%s\n' "$seed" | pb-load -q "$db" || exit 2

stages=(pb-urls pb-fetch pb-parse pb-images pb-load)
pass=0
stalled=0
last=""
gaveup=""
while :; do
  pending=$(pages "${render[@]}" "${attempts[@]}") || exit 2
  [ "$pending" -eq 0 ] && break
  pass=$((pass + 1))
  if [ "$pass" -gt "$max_passes" ]; then
    gaveup="stopped after $max_passes passes (PB_MAX_PASSES)"
    break
  fi
  echo "mirror: pass $pass: $(plural "$pending") to fetch" >&2
  pb-urls pending "${render[@]}" "${attempts[@]}" "$db" |
    pb-fetch "${render[@]}" "${cookies[@]}" ${warc[@]+"${warc[@]}"} ${fetch_flags[@]+"${fetch_flags[@]}"} |
    pb-parse |
    pb-images -q -o "$out/images" --site "$site" "${cookies[@]}" ${warc[@]+"${warc[@]}"} ${images_flags[@]+"${images_flags[@]}"} |
    pb-load -q "$db"
  status=("${PIPESTATUS[@]}")
  # Exit 1 means some pages or images failed: they stay in the frontier and
  # are retried. Exit 2 (a setup error) or death by a signal will not get
  # better by itself: stop. A stage killed by SIGPIPE (141) only lost its
  # reader, which is the stage to blame.
  broken=()
  for i in "${!stages[@]}"; do
    s=${status[$i]}
    if [ "$s" -eq 2 ] || { [ "$s" -gt 2 ] && [ "$s" -ne 141 ]; }; then
      broken+=("${stages[$i]} (exit $s)")
    fi
  done
  if [ ${#broken[@]} -gt 0 ]; then
    echo "mirror: stopping after pass $pass: ${broken[*]} failed; see its message above" >&2
    exit 2
  fi
  # Failed pages are retried a bounded number of times; stop if nothing moves.
  now=$(pb-urls status "$db" --crawl-only 2>/dev/null)
  if [ "$now" = "$last" ]; then stalled=$((stalled + 1)); else stalled=0; fi
  last=$now
  if [ "$stalled" -ge 3 ]; then
    gaveup="no progress in 3 passes"
    break
  fi
done

pb-urls status "$db"
if [ ${#render[@]} -eq 0 ]; then
  left=$(pages --render-only) || exit 2
  if [ "$left" -gt 0 ]; then
    if [ "$left" -eq 1 ]; then need="needs"; else need="need"; fi
    echo "mirror: $(plural "$left") $need a browser (poll voters, moderators, likers); install chromium and run again, or PB_RENDER=1" >&2
  fi
fi
# Every page not done (of those this mode fetches) is left: still pending,
# or failed every attempt (those pb-urls pending no longer lists).
left=$(pages "${render[@]}" --max-attempts 2147483647) || exit 2
if [ -n "$gaveup" ] || [ "$left" -gt 0 ]; then
  retry=$(pages "${render[@]}" "${attempts[@]}") || exit 2
  exhausted=$((left - retry))
  list="list them: pb-urls pending --max-attempts 1000 $db"
  again="PB_MAX_ATTEMPTS=$((max_attempts + 5)) retries them"
  if [ -z "$gaveup" ]; then
    echo "mirror: gave up on $(plural "$left"): each failed $max_attempts times (a password-protected board" \
      "without PB_FETCH_FLAGS=\"--board-passwords FILE\", or pages the forum keeps refusing); $list; $again" >&2
  elif [ "$exhausted" -gt 0 ]; then
    echo "mirror: gave up: $gaveup; $(plural "$left") left, $exhausted of them failed $max_attempts times" \
      "($again); $list; run again later to continue" >&2
  else
    echo "mirror: gave up: $gaveup; $(plural "$left") left; $list; run again later to continue" >&2
  fi
  exit 1
fi
exit 0
