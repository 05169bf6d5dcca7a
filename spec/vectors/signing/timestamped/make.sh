#!/bin/sh
# Remakes the timestamped bundle of this folder: signs ../manifest.dtm with the
# TEST-ONLY key at the vector's time (the bundle of ../ byte for byte), then asks
# a throw-away TSA (OpenSSL's ts responder, tests/tsa/tsa_server.py) for a
# timestamp. Keeps the TSA's root certificate, not its keys.
# Usage: spec/vectors/signing/timestamped/make.sh path/to/dtm
set -eu
DTM=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
TMP=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
cd "$TMP"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/O=DTM Test Vectors/CN=TEST-ONLY TSA Root" -keyout root.key -out root.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/O=DTM Test Vectors/CN=TEST-ONLY TSA" -keyout tsa.key -out tsa.csr 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n' > ext
openssl x509 -req -in tsa.csr -CA root.pem -CAkey root.key -CAcreateserial -days 3650 \
  -extfile ext -out tsa.pem 2>/dev/null
echo 01 > serial
cat > ts.cnf <<CNF
[ tsa ]
dir = $TMP
serial = \$dir/serial
crypto_device = builtin
signer_cert = \$dir/tsa.pem
signer_key = \$dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
python3 "$ROOT/tests/tsa/tsa_server.py" ts.cnf port >server.log 2>&1 &
PID=$!
for _ in $(seq 100); do [ -f port ] && break; sleep 0.1; done
SOURCE_DATE_EPOCH=1767312000 "$DTM" sign "$HERE/../manifest.dtm" \
  --key "$HERE/../TEST-ONLY-ed25519.key" -o signed.json >/dev/null
cmp signed.json "$HERE/../manifest.dtm.sigstore.json"
"$DTM" timestamp signed.json --tsa "http://127.0.0.1:$(cat port)/tsa" \
  -o "$HERE/manifest.dtm.sigstore.json" >/dev/null
cp root.pem "$HERE/tsa-root.pem"
"$DTM" verify "$HERE/../manifest.dtm" --bundle "$HERE/manifest.dtm.sigstore.json" \
  --key "$HERE/../TEST-ONLY-ed25519.pub" --tsa-cert "$HERE/tsa-root.pem"
