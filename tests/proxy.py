#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# A small proxy for the tests, on 127.0.0.1: HTTP CONNECT or SOCKS5,
# optionally with a user name and password (Basic, or RFC 1929). It only
# connects to loopback addresses, logs one line per request, and relays
# bytes until either side closes.
#
#   proxy.py http|socks5 PORT-FILE LOG [USER:PASS]
import base64
import os
import socket
import struct
import sys
import threading

kind, port_file, log_path = sys.argv[1:4]
cred = sys.argv[4] if len(sys.argv) > 4 else None
log_lock = threading.Lock()


def log(line):
    with log_lock, open(log_path, "a") as f:
        f.write(line + "\n")


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def loopback(host):
    try:
        return socket.gethostbyname(host).startswith("127.")
    except OSError:
        return False


def relay(a, b):
    a.settimeout(None)
    def pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    t = threading.Thread(target=pump, args=(b, a), daemon=True)
    t.start()
    pump(a, b)
    t.join(30)


def http(c):
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = c.recv(1)
        if not chunk or len(head) > 16384:
            return
        head += chunk
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    log("CONNECT %s ua=%s auth=%s" % (target, headers.get("user-agent"),
                                     "yes" if "proxy-authorization" in headers else "no"))
    if cred:
        want = "Basic " + base64.b64encode(cred.encode()).decode()
        if headers.get("proxy-authorization") != want:
            c.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                      b"Proxy-Authenticate: Basic realm=\"t\"\r\n"
                      b"Content-Length: 0\r\n\r\n")
            return
    host, port = target.rsplit(":", 1)
    host = host.strip("[]")
    if method != "CONNECT" or not loopback(host):
        c.sendall(b"HTTP/1.1 403 Forbidden\r\n\r\n")
        return
    u = socket.create_connection((host, int(port)), timeout=10)
    u.settimeout(None)
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    relay(c, u)


def socks5(c):
    ver, n = recv_exact(c, 2)
    methods = recv_exact(c, n)
    want = 2 if cred else 0
    if ver != 5 or want not in methods:
        c.sendall(b"\x05\xff")
        return
    c.sendall(bytes([5, want]))
    if cred:
        _, ulen = recv_exact(c, 2)
        user = recv_exact(c, ulen).decode()
        plen = recv_exact(c, 1)[0]
        pw = recv_exact(c, plen).decode()
        ok = "%s:%s" % (user, pw) == cred
        c.sendall(b"\x01" + (b"\x00" if ok else b"\x01"))
        if not ok:
            log("SOCKS5 bad credentials")
            return
    ver, cmd, _, atyp = recv_exact(c, 4)
    if atyp == 3:
        host = recv_exact(c, recv_exact(c, 1)[0]).decode()
    elif atyp == 1:
        host = socket.inet_ntoa(recv_exact(c, 4))
    else:
        c.sendall(b"\x05\x08\x00\x01" + b"\x00" * 6)
        return
    port = struct.unpack("!H", recv_exact(c, 2))[0]
    log("SOCKS5 %s:%d" % (host, port))
    if cmd != 1 or not loopback(host):
        c.sendall(b"\x05\x02\x00\x01" + b"\x00" * 6)
        return
    u = socket.create_connection((host, port), timeout=10)
    u.settimeout(None)
    c.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") +
              struct.pack("!H", u.getsockname()[1]))
    relay(c, u)


def serve(c):
    try:
        c.settimeout(30)
        (socks5 if kind == "socks5" else http)(c)
    except (OSError, EOFError, ValueError):
        pass
    finally:
        c.close()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % srv.getsockname()[1])
os.rename(port_file + ".tmp", port_file)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
