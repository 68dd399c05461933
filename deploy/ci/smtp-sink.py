#!/usr/bin/env python3
"""A minimal SMTP sink for the container smoke test: accepts every message and writes each to
a file in DIR (message-N.eml). Answers EHLO/HELO, MAIL, RCPT, DATA, NOOP, RSET and QUIT.

    smtp-sink.py PORT DIR
"""
import socketserver
import sys
import threading
from pathlib import Path

PORT = int(sys.argv[1])
OUT = Path(sys.argv[2])
OUT.mkdir(parents=True, exist_ok=True)
counter = iter(range(1, 1_000_000))
lock = threading.Lock()


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        self.reply("220 smtp-sink ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            verb = raw.decode("utf-8", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-smtp-sink")
                self.reply("250-8BITMIME")
                self.reply("250 SIZE 10485760")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                with lock:
                    n = next(counter)
                (OUT / f"message-{n}.eml").write_bytes(b"".join(lines))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 command not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


with Server(("127.0.0.1", PORT), Session) as server:
    server.serve_forever()
