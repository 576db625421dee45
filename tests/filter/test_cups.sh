#!/bin/bash
# xpstoraster under a real cupsd (Debian's cups package).
#
# Starts cupsd on loopback in a private directory with its own cupsd.conf
# and cups-files.conf (its own ServerBin holding the built filter), adds a
# queue whose file: device writes into that directory, prints documents
# with lp, and checks each job's state and its PWG raster output. Stops
# cupsd by its PID. Skips only when cupsd cannot run here at all.
#
# Env: XR_SOURCE_DIR, XR_BINARY_DIR (set by CTest). XR_CUPS_KEEP=1 keeps the
# directory for inspection.
set -u
SRC=${XR_SOURCE_DIR:?XR_SOURCE_DIR not set}
BIN=${XR_BINARY_DIR:?XR_BINARY_DIR not set}
CHECK="python3 $SRC/tests/filter/rastercheck.py"
T=""
PID=""
FAILS=0

skip() {
  echo "SKIP: $*"
  exit 0
}

cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 50); do
      kill -0 "$PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID"
  fi
  if [ -n "$T" ] && [ -z "${XR_CUPS_KEEP:-}" ]; then
    rm -rf "$T"
  elif [ -n "$T" ]; then
    echo "kept $T"
  fi
}
trap cleanup EXIT
# cupsd must not outlive the test, however the test ends.
trap 'exit 1' INT TERM HUP PIPE

fail() {
  echo "FAIL: $*"
  FAILS=$((FAILS + 1))
}

dump_logs() {
  echo "---- error_log (tail) ----"
  tail -n 60 "$T/log/error_log" 2>/dev/null
  echo "---- cupsd output ----"
  cat "$T/log/cupsd.out" 2>/dev/null
}

CUPSD=$(command -v cupsd || echo /usr/sbin/cupsd)
[ -x "$CUPSD" ] || skip "cupsd is not installed (Debian package cups)"
for tool in lp lpadmin lpstat ipptool python3; do
  command -v $tool >/dev/null || skip "$tool is not installed"
done
[ "$(id -u)" = 0 ] ||
  skip "must run as root: cupsd runs filters as user lp and requires them to be owned by root"
id lp >/dev/null 2>&1 || skip "there is no user 'lp' for cupsd to run filters as"

FILTER="${XR_CUPS_FILTER:-$BIN/xpstoraster}"
if [ ! -x "$FILTER" ]; then
  echo "FAIL: $FILTER is not built"
  exit 1
fi

T=$(mktemp -d /tmp/xr-cups.XXXXXX)
chmod 0755 "$T"
mkdir -p "$T/etc/ppd" "$T/lib" "$T/spool" "$T/cache" "$T/run" "$T/log" \
  "$T/out" "$T/docs"
chmod 0755 "$T/etc" "$T/lib" "$T/run" "$T/log" "$T/out" "$T/docs"

# ServerBin: the system's backends, daemons and filters, plus ours, copied
# (not linked) so that cupsd's ownership check sees a root-owned 0755 file.
SERVERBIN=$(cups-config --serverbin 2>/dev/null || echo /usr/lib/cups)
for d in "$SERVERBIN"/*; do
  [ "$(basename "$d")" = filter ] && continue
  ln -s "$d" "$T/lib/"
done
mkdir "$T/lib/filter"
chmod 0755 "$T/lib/filter"
for f in "$SERVERBIN"/filter/*; do ln -s "$f" "$T/lib/filter/"; done
install -m 0755 -o root -g root "$FILTER" "$T/lib/filter/xpstoraster"
install -m 0644 "$SRC/filter/cups/xpstoraster.types" \
  "$SRC/filter/cups/xpstoraster.convs" "$T/etc/"

# Documents: readable by lp through the whole path.
cp "$SRC"/corpus/ticket/*.xps "$SRC"/corpus/ticket/*.oxps "$T/docs/"
chmod 0644 "$T"/docs/*

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cat >"$T/etc/cups-files.conf" <<EOF
ServerRoot $T/etc
ServerBin $T/lib
RequestRoot $T/spool
CacheDir $T/cache
StateDir $T/run
AccessLog $T/log/access_log
ErrorLog $T/log/error_log
PageLog $T/log/page_log
FileDevice Yes
User lp
Group lp
SystemGroup root
Sandboxing Relaxed
EOF

cat >"$T/etc/cupsd.conf" <<EOF
LogLevel debug
MaxLogSize 0
Listen 127.0.0.1:$PORT
Listen $T/run/cups.sock
Browsing No
BrowseLocalProtocols none
WebInterface No
DefaultAuthType None
JobRetryLimit 0
MaxJobTime 120
PreserveJobFiles No
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow 127.0.0.1
  Allow @LOCAL
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF

# A minimal PPD for a PWG raster printer: its defaults (Letter, 100 dpi,
# colour) are the weakest settings, below the document's PrintTicket.
cat >"$T/etc/xpstest.ppd" <<'EOF'
*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "XPSTEST.PPD"
*Manufacturer: "xpsraster"
*Product: "(xpsraster test)"
*ModelName: "xpsraster PWG test"
*ShortNickName: "xpsraster PWG test"
*NickName: "xpsraster PWG test"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: True
*DefaultColorSpace: RGB
*FileSystem: False
*Throughput: "1"
*TTRasterizer: Type42
*cupsVersion: 2.4
*cupsManualCopies: True
*cupsFilter2: "image/pwg-raster image/pwg-raster 0 -"
*OpenUI *PageSize/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageSize
*DefaultPageSize: Letter
*PageSize Letter/US Letter: "<</PageSize[612 792]>>setpagedevice"
*PageSize A4/A4: "<</PageSize[595 842]>>setpagedevice"
*CloseUI: *PageSize
*OpenUI *PageRegion/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageRegion
*DefaultPageRegion: Letter
*PageRegion Letter/US Letter: "<</PageSize[612 792]>>setpagedevice"
*PageRegion A4/A4: "<</PageSize[595 842]>>setpagedevice"
*CloseUI: *PageRegion
*DefaultImageableArea: Letter
*ImageableArea Letter/US Letter: "0 0 612 792"
*ImageableArea A4/A4: "0 0 595 842"
*DefaultPaperDimension: Letter
*PaperDimension Letter/US Letter: "612 792"
*PaperDimension A4/A4: "595 842"
*OpenUI *Resolution/Resolution: PickOne
*OrderDependency: 20 AnySetup *Resolution
*DefaultResolution: 100dpi
*Resolution 100dpi/100 DPI: "<</HWResolution[100 100]>>setpagedevice"
*Resolution 150dpi/150 DPI: "<</HWResolution[150 150]>>setpagedevice"
*CloseUI: *Resolution
*OpenUI *ColorModel/Color Mode: PickOne
*OrderDependency: 30 AnySetup *ColorModel
*DefaultColorModel: RGB
*ColorModel RGB/Color: "<</cupsColorSpace 19/cupsBitsPerColor 8>>setpagedevice"
*ColorModel Gray/Grayscale: "<</cupsColorSpace 18/cupsBitsPerColor 8>>setpagedevice"
*CloseUI: *ColorModel
*DefaultFont: Courier
*Font Courier: Standard "(001.004S)" Standard ROM
EOF

# Run a copy of cupsd: an AppArmor profile for /usr/sbin/cupsd (Debian
# ships one) would confine it to the system's directories and deny ours.
mkdir -p "$T/sbin"
install -m 0755 "$CUPSD" "$T/sbin/cupsd"
CUPSD="$T/sbin/cupsd"

if ! "$CUPSD" -t -c "$T/etc/cupsd.conf" -s "$T/etc/cups-files.conf" \
  >"$T/log/config-test.out" 2>&1; then
  echo "FAIL: cupsd rejects the test configuration:"
  cat "$T/log/config-test.out"
  exit 1
fi

"$CUPSD" -f -c "$T/etc/cupsd.conf" -s "$T/etc/cups-files.conf" \
  >"$T/log/cupsd.out" 2>&1 &
PID=$!
export CUPS_SERVER="$T/run/cups.sock"
up=0
for _ in $(seq 100); do
  if ! kill -0 "$PID" 2>/dev/null; then
    dump_logs
    PID=""
    skip "cupsd exits at start-up in this environment (logs above)"
  fi
  if lpstat -r 2>/dev/null | grep -q "is running"; then
    up=1
    break
  fi
  sleep 0.1
done
[ $up = 1 ] || { dump_logs; skip "cupsd never answered on $CUPS_SERVER"; }
echo "cupsd $PID on 127.0.0.1:$PORT, $T"

if ! lpadmin -p xpsq -E -v "file://$T/out/xpsq.prn" -P "$T/etc/xpstest.ppd" \
  -o printer-error-policy=abort-job; then
  dump_logs
  echo "FAIL: lpadmin could not add the queue"
  exit 1
fi
cupsenable xpsq 2>/dev/null
cupsaccept xpsq 2>/dev/null
# A second queue that takes CUPS raster (as a raster driver would).
sed -e 's|image/pwg-raster image/pwg-raster|application/vnd.cups-raster application/vnd.cups-raster|' \
  -e 's|xpsraster PWG test|xpsraster CUPS raster test|' \
  "$T/etc/xpstest.ppd" >"$T/etc/xpscups.ppd"
lpadmin -p xpsc -E -v "file://$T/out/xpsc.prn" -P "$T/etc/xpscups.ppd" \
  -o printer-error-policy=abort-job || fail "lpadmin could not add xpsc"

cat >"$T/get-job.test" <<'EOF'
{
  NAME "Get-Job-Attributes"
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR integer job-id $job_id
  ATTR name requesting-user-name root
  ATTR keyword requested-attributes job-state,job-printer-state-message,job-impressions-completed
  STATUS successful-ok
  DISPLAY job-state
  DISPLAY job-printer-state-message
  DISPLAY job-impressions-completed
}
EOF

# job_attr ID NAME: one attribute of a job as ipptool shows it.
job_attr() {
  ipptool -t -T 10 -d "job_id=$1" "ipp://127.0.0.1:$PORT/printers/xpsq" \
    -v "$T/get-job.test" 2>/dev/null |
    sed -n "s/^ *$2 ([^)]*) = //p" | head -n 1
}

# print_doc NAME LPARGS...: prints, waits for the job to end, leaves
# $T/out/NAME.prn, $T/out/NAME.txt (rastercheck) and JOB_STATE, JOB_MSG.
print_doc() {
  local name=$1
  shift
  : >"$T/out/xpsq.prn"
  local out
  out=$(lp -d xpsq "$@" 2>&1) || {
    fail "$name: lp failed: $out"
    return 1
  }
  JOB_ID=$(echo "$out" | sed -n 's/.*request id is xpsq-\([0-9]*\).*/\1/p')
  [ -n "$JOB_ID" ] || {
    fail "$name: no job id in '$out'"
    return 1
  }
  JOB_STATE=""
  for _ in $(seq 600); do
    JOB_STATE=$(job_attr "$JOB_ID" job-state)
    case "$JOB_STATE" in
    completed | aborted | canceled | processing-stopped) break ;;
    esac
    sleep 0.1
  done
  JOB_MSG=$(job_attr "$JOB_ID" job-printer-state-message)
  JOB_PAGES=$(job_attr "$JOB_ID" job-impressions-completed)
  cp "$T/out/xpsq.prn" "$T/out/$name.prn"
  $CHECK "$T/out/$name.prn" >"$T/out/$name.txt" 2>&1
  echo "== $name: job $JOB_ID $JOB_STATE, impressions ${JOB_PAGES:-?}, message '$JOB_MSG'"
  sed 's/^/   /' "$T/out/$name.txt"
  return 0
}

# expect NAME PAGE FIELD=VALUE...: fields of one page of the last output.
expect_page() {
  local name=$1 page=$2
  shift 2
  local line
  line=$(grep "^page $page " "$T/out/$name.txt")
  [ -n "$line" ] || {
    fail "$name: no page $page"
    return
  }
  for kv in "$@"; do
    echo " $line " | grep -q " $kv " || fail "$name page $page: want $kv in: $line"
  done
}

expect_pages() {
  grep -q "^pages $2\$" "$T/out/$1.txt" ||
    fail "$1: want $2 pages, got: $(tail -n 1 "$T/out/$1.txt")"
}

expect_completed() {
  [ "$JOB_STATE" = completed ] || fail "$1: job state '$JOB_STATE', message '$JOB_MSG'"
}

# 1. Job ticket beats the PPD defaults: A4, 150 dpi, gray, duplex, 2 copies.
if print_doc job_ticket -o document-format=application/vnd.ms-xpsdocument \
  "$T/docs/job_ticket.xps"; then
  expect_completed job_ticket
  expect_pages job_ticket 4
  for p in 1 2 3 4; do
    expect_page job_ticket $p w=1240 h=1754 dpi=150x150 bpp=8 cs=18 \
      name=iso_a4_210x297mm duplex=1 tumble=0
  done
  grep -q "ink=0.0000" "$T/out/job_ticket.txt" && fail "job_ticket: a blank page"
  [ "${JOB_PAGES:-}" = 4 ] || fail "job_ticket: job-impressions-completed '${JOB_PAGES:-}', want 4"
fi

# 2. Job options beat the ticket: 75 dpi, Letter, monochrome; the ticket's
#    copies (2) still apply since the job did not ask for copies.
if print_doc options_win -o document-format=application/vnd.ms-xpsdocument \
  -o Resolution=75dpi -o media=na_letter_8.5x11in \
  -o print-color-mode=bi-level "$T/docs/job_ticket.xps"; then
  expect_completed options_win
  expect_page options_win 1 w=638 h=825 dpi=75x75 bpp=1 cs=3 pt=612x792
  expect_pages options_win 4
fi

# 3. Job, document and page tickets merged: doc 1 twice, page 2 landscape
#    on A5; auto-typed by name (no document-format given).
if print_doc levels "$T/docs/levels.xps"; then
  expect_completed levels
  expect_pages levels 5
  for p in 1 3 5; do expect_page levels $p w=850 h=1100 dpi=100x100 bpp=24 cs=19; done
  for p in 2 4; do expect_page levels $p w=583 h=827 dpi=100x100 name=iso_a5_148x210mm; done
fi

# 3b. Auto-typed by content: no extension, no document-format.
cp "$T/docs/levels.xps" "$T/docs/levels-noext"
if print_doc sniffed "$T/docs/levels-noext"; then
  expect_completed sniffed
  expect_pages sniffed 5
  grep -q "\[Job $JOB_ID\] Request file type is application/vnd.ms-xpsdocument" \
    "$T/log/error_log" || fail "sniffed: not typed application/vnd.ms-xpsdocument"
fi

# 4. page-ranges select within the copies: page 2 of doc 1, twice.
if print_doc ranges -o page-ranges=2 "$T/docs/levels.xps"; then
  expect_completed ranges
  expect_pages ranges 2
  expect_page ranges 1 w=583 h=827
fi

# 5. OpenXPS, ticket via the OpenXPS relationship: 75 dpi mono, 3 copies;
#    media from the PPD default (Letter). -n 2 overrides the ticket copies.
if print_doc oxps -o document-format=application/oxps -n 2 \
  "$T/docs/oxps_ticket.oxps"; then
  expect_completed oxps
  expect_pages oxps 2
  expect_page oxps 1 w=638 h=825 dpi=75x75 bpp=1 cs=3 name=na_letter_8.5x11in
fi

# 6. A malformed ticket is ignored with a warning: PPD defaults apply.
if print_doc bad_ticket "$T/docs/bad_ticket.xps"; then
  expect_completed bad_ticket
  expect_pages bad_ticket 1
  expect_page bad_ticket 1 w=850 h=1100 dpi=100x100 bpp=24
  grep -q "^W .*\[Job $JOB_ID\] .*PrintTicket" "$T/log/error_log" ||
    fail "bad_ticket: no PrintTicket warning in error_log"
fi

# 7. A broken document: the job ends (cupsd stops a job whose filter
#    fails, whatever the error policy), with our ERROR: text naming the part
#    as its job-printer-state-message; page 1 still came out.
if print_doc broken "$T/docs/broken.xps"; then
  case "$JOB_STATE" in
  processing-stopped | aborted) ;;
  *) fail "broken: job state '$JOB_STATE', want stopped or aborted" ;;
  esac
  cancel "$JOB_ID" 2>/dev/null
  case "$JOB_MSG" in
  *2.fpage*) ;;
  *) fail "broken: job-printer-state-message '$JOB_MSG' does not name the page part" ;;
  esac
  grep -q "^E .*\[Job $JOB_ID\] .*2.fpage" "$T/log/error_log" ||
    fail "broken: no ERROR: line naming the part in error_log"
  expect_pages broken 1
fi

# 8. Cancel: cupsd sends SIGTERM; the filter finishes its page, ends the
#    stream and exits, and the job ends cancelled without waiting.
: >"$T/out/xpsq.prn"
out=$(lp -d xpsq -n 500 -o Resolution=150dpi "$T/docs/job_ticket.xps" 2>&1)
JOB_ID=$(echo "$out" | sed -n 's/.*request id is xpsq-\([0-9]*\).*/\1/p')
for _ in $(seq 600); do
  n=$(job_attr "$JOB_ID" job-impressions-completed)
  [ -n "$n" ] && [ "$n" -ge 1 ] && break
  sleep 0.1
done
t0=$(date +%s)
cancel "$JOB_ID" || fail "cancel: cancel $JOB_ID failed"
for _ in $(seq 300); do
  JOB_STATE=$(job_attr "$JOB_ID" job-state)
  [ "$JOB_STATE" = canceled ] && break
  sleep 0.1
done
t1=$(date +%s)
echo "== cancel: job $JOB_ID $JOB_STATE after $((t1 - t0)) s"
[ "$JOB_STATE" = canceled ] || fail "cancel: job state '$JOB_STATE'"
[ $((t1 - t0)) -le 10 ] || fail "cancel: took $((t1 - t0)) s"
sleep 0.5
pgrep -f "$T/lib/filter/xpstoraster" >/dev/null && fail "cancel: filter still running"
grep -q "\[Job $JOB_ID\] .*PID [0-9]* (.*xpstoraster) exited with no errors" \
  "$T/log/error_log" || fail "cancel: filter did not exit cleanly (exit status 0)"

# 9. The CUPS raster queue: same document, CUPS raster v2 out.
: >"$T/out/xpsc.prn"
out=$(lp -d xpsc -o document-format=application/vnd.ms-xpsdocument \
  "$T/docs/levels.xps" 2>&1)
JOB_ID=$(echo "$out" | sed -n 's/.*request id is xpsc-\([0-9]*\).*/\1/p')
for _ in $(seq 600); do
  JOB_STATE=$(ipptool -t -T 10 -d "job_id=$JOB_ID" \
    "ipp://127.0.0.1:$PORT/printers/xpsc" -v "$T/get-job.test" 2>/dev/null |
    sed -n 's/^ *job-state ([^)]*) = //p' | head -n 1)
  case "$JOB_STATE" in completed | aborted | canceled | processing-stopped) break ;; esac
  sleep 0.1
done
$CHECK "$T/out/xpsc.prn" >"$T/out/cupsraster.txt" 2>&1
echo "== cupsraster: job $JOB_ID $JOB_STATE"
sed 's/^/   /' "$T/out/cupsraster.txt"
[ "$JOB_STATE" = completed ] || fail "cupsraster: job state '$JOB_STATE'"
expect_pages cupsraster 5
expect_page cupsraster 2 w=583 h=827 dpi=100x100 bpp=24 cs=19
head -c 13 "$T/out/xpsc.prn" | grep -q PwgRaster && fail "cupsraster: got PWG raster"
grep -q "\[Job $JOB_ID\] envp\[[0-9]*\]=\"FINAL_CONTENT_TYPE=application/vnd.cups-raster\"" \
  "$T/log/error_log" || fail "cupsraster: FINAL_CONTENT_TYPE was not application/vnd.cups-raster"

if [ $FAILS -ne 0 ]; then
  dump_logs
  echo "$FAILS check(s) failed"
  exit 1
fi
echo "all cupsd checks passed"
exit 0
