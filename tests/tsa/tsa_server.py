#!/usr/bin/env python3
"""A time-stamping authority for the tests: OpenSSL's `ts -reply` behind HTTP.

Usage: tsa_server.py CONFIG PORT_FILE

Listens on 127.0.0.1 (a free port, written to PORT_FILE once it listens) and
answers POSTs of application/timestamp-query (RFC 3161 over HTTP, RFC 3161
section 3.4). The path picks the behaviour, so that one server plays a good
TSA and the broken ones a client must survive:

  /SECTION      a real answer signed with the [SECTION] of CONFIG (openssl ts)
  /stale        the first answer this server gave, to every later request
  /refuse       a granted-looking HTTP answer whose PKIStatus is rejection (2)
  /wrong-type   a real answer sent as text/html
  /huge         300 KiB of zeros as application/timestamp-reply
  /slow         a real answer after 5 seconds
  /http500      HTTP 500

Stops on SIGTERM. Uses only the Python standard library and the openssl tool.
"""
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import time

REPLY_TYPE = "application/timestamp-reply"


def der_length(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der(tag, body):
    return bytes([tag]) + der_length(len(body)) + body


def rejection(text):
    # TimeStampResp ::= SEQUENCE { status PKIStatusInfo }, with
    # PKIStatusInfo ::= SEQUENCE { status INTEGER (2), statusString PKIFreeText }
    free_text = der(0x30, der(0x0C, text.encode()))
    status = der(0x30, der(0x02, b"\x02") + free_text)
    return der(0x30, status)


class Handler(http.server.BaseHTTPRequestHandler):
    config = None
    first_answer = None

    def log_message(self, *args):
        pass

    def answer(self, code, body, content_type=REPLY_TYPE):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def stamp(self, query, section):
        with tempfile.TemporaryDirectory() as tmp:
            q = os.path.join(tmp, "q.tsq")
            r = os.path.join(tmp, "r.tsr")
            with open(q, "wb") as f:
                f.write(query)
            subprocess.run(["openssl", "ts", "-reply", "-config", Handler.config,
                            "-section", section, "-queryfile", q, "-out", r],
                           check=True, capture_output=True)
            with open(r, "rb") as f:
                return f.read()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        query = self.rfile.read(min(length, 65536))
        path = self.path.strip("/")
        try:
            if path == "http500":
                return self.answer(500, b"broken", "text/plain")
            if path == "refuse":
                return self.answer(200, rejection("policy not accepted"))
            if path == "huge":
                return self.answer(200, bytes(300 * 1024))
            if path == "stale":
                if Handler.first_answer is None:
                    Handler.first_answer = self.stamp(query, "tsa")
                return self.answer(200, Handler.first_answer)
            if path == "slow":
                time.sleep(5)
                return self.answer(200, self.stamp(query, "tsa"))
            if path == "wrong-type":
                return self.answer(200, self.stamp(query, "tsa"), "text/html")
            return self.answer(200, self.stamp(query, path))
        except (subprocess.CalledProcessError, BrokenPipeError) as e:
            detail = getattr(e, "stderr", b"") or b""
            sys.stderr.write("tsa_server: %s %s\n" % (path, detail.decode(errors="replace")))
            try:
                self.answer(500, b"openssl ts failed", "text/plain")
            except BrokenPipeError:
                pass


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    Handler.config = sys.argv[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
