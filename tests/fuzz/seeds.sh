#!/usr/bin/env bash
# Writes the hand-made seeds of every target into DIR/<target>/. The kept corpus (corpus/) grew
# from them; `tests/fuzz/seeds.sh build/fuzz/corpus` puts them back into the next run.
#   tests/fuzz/seeds.sh DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=$1
mkdir -p "$seeds/sdp_fuzzer" "$seeds/candidate_fuzzer" "$seeds/transfer_fuzzer" "$seeds/signal_fuzzer" \
  "$seeds/voice_fuzzer" "$seeds/ws_frames_fuzzer" "$seeds/cluster_fuzzer"

# The SDP fixtures for the SDP target, their candidate lines (one per file) for the other.
cp tests/fixtures/sdp/*.sdp "$seeds/sdp_fuzzer/"
cp tests/fixtures/voice/*.opus "$seeds/voice_fuzzer/"
n=0
while IFS= read -r line; do
  n=$((n + 1)); printf '%s' "$line" >"$seeds/candidate_fuzzer/$n"
done < <(cat tests/fixtures/sdp/*.sdp | tr -d '\r' | grep '^a=candidate:' | sort -u)

# Transfer seeds (records of op u8, length u16 LE, body; see transfer_fuzzer.cpp): offer t1 of
# one 10-byte file "f1", accept it, its chunk, its end frame; then the same with a cancel.
printf '\x02\x04\x00\x00\x00\x01\x0a\x06\x02\x00\x00\x00\x03\x0c\x00\x00\x000123456789\x04\x02\x00\x00\x00' \
  >"$seeds/transfer_fuzzer/whole"
printf '\x02\x04\x00\x00\x00\x01\x0a\x06\x02\x00\x00\x00\x03\x06\x00\x00\x000123\x07\x02\x00\x00\x01' \
  >"$seeds/transfer_fuzzer/cancelled"
printf '{"type":"transfer-offer","transfer":"t1","files":[{"name":"a","size":3,"mime":"text/plain"}]}' \
  | { printf '\x00\x5d\x00'; cat; } >"$seeds/transfer_fuzzer/offer-json"

# Signal seeds: one client text frame each, for the relay's fast path (scan_json_object).
printf '%s' '{"type":"signal","to":"abc","data":{"kind":"candidate","candidate":"candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host","n":[1,2.5e3,-0,true,null],"s":"\u00e9\uD83D\uDE00"}}' \
  >"$seeds/signal_fuzzer/signal"
printf '%s' '{"type":"hello","name":"x"}' >"$seeds/signal_fuzzer/hello"

# WebSocket seeds ([flags][limit][stream], see ws_frames_fuzzer.cpp), built from RFC 6455 5.7's
# examples. To a server, 9 bytes a read: a masked text "Hello", a masked pong, a close 1000
# (mask key 0, so the payload reads as is).
{ printf '\x10\x04\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58'; printf '\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58'
  printf '\x88\x82\x00\x00\x00\x00\x03\xe8'; } >"$seeds/ws_frames_fuzzer/to-server"
# To a client, a byte a read, text limit 32: "Hel" + ping + "lo", then a 40-byte text (too
# large), then a close 1000.
{ printf '\x01\x01\x01\x03Hel\x89\x05Hello\x80\x02lo\x81\x28'; printf '%040d' 0; printf '\x88\x02\x03\xe8'; } \
  >"$seeds/ws_frames_fuzzer/to-client"
# To a server, 128 bytes a read: a 200-byte binary message (16-bit length), a close with a reason.
{ printf '\xfe\x10\x82\xfe\x00\xc8\x00\x00\x00\x00'; printf '%0200d' 0; printf '\x88\x85\x00\x00\x00\x00\x03\xe9bye'; } \
  >"$seeds/ws_frames_fuzzer/binary-to-server"

# Cluster seeds ([mode][payload], cluster_fuzzer.cpp): a text and a binary delivery, a bounce, and
# each kind of presence message, as server/cluster_messages.cpp writes them.
printf '\x00Mtb1\none\nn:abc\n\n{"type":"signal","from":"a1","data":{}}' >"$seeds/cluster_fuzzer/text"
printf '\x00Mbb1\none\nn:abc\ni:room\n\x00\x0c{"from":"a1"}payload' >"$seeds/cluster_fuzzer/binary"
printf '\x00Usignal\na1' >"$seeds/cluster_fuzzer/bounce"
member='{"device":"desktop","id":"a1","invite":"","joined":1700000000000000,"name":"Ada","network":"n:abc"}'
printf '\x01{"i":"one","k":"J","m":%s}' "$member" >"$seeds/cluster_fuzzer/joined"
printf '\x01{"i":"one","k":"J","m":%s,"u":true}' "$member" >"$seeds/cluster_fuzzer/renamed"
printf '\x01{"i":"one","k":"S","m":[%s,%s]}' "$member" "${member/a1/b2}" >"$seeds/cluster_fuzzer/snapshot"
printf '\x01{"i":"one","id":"a1","k":"L"}' >"$seeds/cluster_fuzzer/left"
printf '\x01{"i":"one","k":"X"}' >"$seeds/cluster_fuzzer/shutdown"
