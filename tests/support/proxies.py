"""Real proxy servers for tests: an HTTP forward proxy and a SOCKS5 proxy, both with
optional user/password, counting what passes through them."""

from __future__ import annotations

import base64
import http.client
import select
import socket
import socketserver
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class HttpProxy:
    """Forwards absolute-URI requests (plain HTTP), like a corporate proxy would."""

    def __init__(self, username: str = "", password: str = "") -> None:
        self.requests = 0
        self.rejected = 0
        expected = (
            "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
            if username
            else None
        )
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                if expected and self.headers.get("Proxy-Authorization") != expected:
                    proxy.rejected += 1
                    self.send_response(407)
                    self.send_header("Proxy-Authenticate", 'Basic realm="test"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                proxy.requests += 1
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("proxy-authorization", "proxy-connection", "connection")
                }
                target = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
                path = url.path + (f"?{url.query}" if url.query else "")
                try:
                    target.request(self.command, path, body=body, headers=headers)
                    response = target.getresponse()
                    data = response.read()
                finally:
                    target.close()
                self.send_response(response.status)
                for k, v in response.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Socks5Proxy:
    """RFC 1928 CONNECT with RFC 1929 username/password authentication."""

    def __init__(self, username: str = "", password: str = "") -> None:
        self.connections = 0
        self.rejected = 0
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                version, nmethods = sock.recv(2)
                methods = sock.recv(nmethods)
                wanted = 0x02 if username else 0x00
                if version != 5 or wanted not in methods:
                    sock.sendall(b"\x05\xff")
                    return
                sock.sendall(bytes([5, wanted]))
                if username:
                    _ver, ulen = sock.recv(2)
                    user = sock.recv(ulen).decode()
                    (plen,) = sock.recv(1)
                    pw = sock.recv(plen).decode()
                    if (user, pw) != (username, password):
                        proxy.rejected += 1
                        sock.sendall(b"\x01\x01")
                        return
                    sock.sendall(b"\x01\x00")
                _ver, _cmd, _rsv, atyp = sock.recv(4)
                if atyp == 1:
                    host = socket.inet_ntoa(sock.recv(4))
                elif atyp == 3:
                    (n,) = sock.recv(1)
                    host = sock.recv(n).decode()
                else:
                    sock.sendall(b"\x05\x08\x00\x01" + b"\x00" * 6)
                    return
                (port,) = struct.unpack("!H", sock.recv(2))
                try:
                    upstream = socket.create_connection((host, port), timeout=10)
                except OSError:
                    sock.sendall(b"\x05\x05\x00\x01" + b"\x00" * 6)
                    return
                proxy.connections += 1
                sock.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + b"\x00\x00")
                self._relay(sock, upstream)

            @staticmethod
            def _relay(a: socket.socket, b: socket.socket) -> None:
                try:
                    while True:
                        ready, _, _ = select.select([a, b], [], [], 30)
                        if not ready:
                            return
                        for s in ready:
                            data = s.recv(65536)
                            if not data:
                                return
                            (b if s is a else a).sendall(data)
                finally:
                    b.close()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
