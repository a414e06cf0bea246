#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks of gp-testgw's getconfig, HIP, logout and HTTPS tunnel
(PROTOCOL.md sections 8, 9, 11, 12) that no real client makes: frames
split over TLS records or packed into one, bad magic, lengths over the
tunnel buffer, the fault switches, the built-in ping responder.

Usage: frames.py PORT, against a gateway on 127.0.0.1:PORT started with
--control --user alice:secret and without --tun (frames.sh does that).
Prints TAP, the plan last."""

import re
import socket
import ssl
import struct
import sys
import time

GW = '198.19.0.1'
GW6 = '2001:db8:19::1'
MAGIC = 0x1a2b3c4d
KEEPALIVE = struct.pack('>I', MAGIC) + bytes(12)
LOGIN = ('user=alice&passwd=secret&computer=box&clientos=Linux'
         '&os-version=linux-64&jnlpReady=jnlpReady&ok=Login&direct=yes')
GETCONFIG = ('&client-type=1&protocol-version=p1&app-version=6.3.0-33'
             '&clientos=Linux&os-version=linux-64'
             '&enc-algo=aes-128-cbc,aes-256-cbc&hmac-algo=sha1,md5,sha256')
HIP = '&client-role=global-protect-full&client-ip=%s&md5=' + '0' * 32

port = 0
failed = 0
count = 0
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE


def check(name, cond, info=''):
    global failed, count
    count += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', count, name))
    if not cond:
        failed += 1
        print('# ' + repr(info)[:300])


# ---- HTTP -------------------------------------------------------------------

def tls():
    return ctx.wrap_socket(socket.create_connection(('127.0.0.1', port), 5))


def read_all(s):
    r = b''
    while True:
        d = s.recv(65536)
        if not d:
            return r.decode(errors='replace')
        r += d


def post(path, body):
    s = tls()
    b = body.encode()
    s.sendall(b'POST %s HTTP/1.1\r\nHost: x\r\n'
              b'User-Agent: PAN GlobalProtect\r\n'
              b'Content-Type: application/x-www-form-urlencoded\r\n'
              b'Connection: close\r\nContent-Length: %d\r\n\r\n%s'
              % (path.encode(), len(b), b))
    return read_all(s)


def control(settings):
    return post('/testgw/control', settings)


def stats():
    s = tls()
    s.sendall(b'GET /testgw/stats HTTP/1.1\r\nConnection: close\r\n\r\n')
    body = read_all(s).split('\r\n\r\n', 1)[1]
    return {k: int(v) for k, v in (l.split() for l in body.splitlines())}


def login():
    return re.findall(r'<argument>(.*?)</argument>',
                      post('/ssl-vpn/login.esp', LOGIN))


def fields(cookie, extra=''):
    return ('authcookie=%s&portal=testgw&user=alice'
            '&domain=%%28empty_domain%%29&computer=box%s' % (cookie, extra))


def getconfig(cookie, extra=''):
    return post('/ssl-vpn/getconfig.esp', fields(cookie, GETCONFIG + extra))


def tag(xml, name):
    return re.findall('<%s>(.*?)</%s>' % (name, name), xml)


# ---- Tunnel -----------------------------------------------------------------

def tunnel(cookie, user='alice'):
    """A tunnel connection and the first 12 bytes of its answer."""
    s = tls()
    s.sendall(b'GET /ssl-tunnel-connect.sslvpn?user=%s&authcookie=%s '
              b'HTTP/1.1\r\n\r\n' % (user.encode(), cookie.encode()))
    r = b''
    while len(r) < 12:
        d = s.recv(12 - len(r))
        if not d:
            break
        r += d
    return s, r


def rest(s, wait=2.0):
    """What arrives within @wait seconds, and whether the peer closed."""
    s.settimeout(wait)
    r = b''
    try:
        while True:
            d = s.recv(65536)
            if not d:
                return r, 'closed'
            r += d
    except socket.timeout:
        return r, 'open'
    except (ConnectionResetError, ssl.SSLError):
        return r, 'closed'


def recv_exact(s, n):
    b = b''
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            return None
        b += d
    return b


def recv_frame(s, wait=2.0):
    """One whole frame, or None after @wait seconds or at the end."""
    s.settimeout(wait)
    try:
        head = recv_exact(s, 16)
        body = head and recv_exact(s, struct.unpack('>H', head[6:8])[0])
    except socket.timeout:
        return None
    return head + body if head and body is not None else None


def frame(pkt, ethertype=None, magic=MAGIC):
    if ethertype is None:
        ethertype = 0x86dd if pkt[0] >> 4 == 6 else 0x0800
    return struct.pack('>IHHII', magic, ethertype, len(pkt), 0x01000000,
                       0) + pkt


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('>%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def echo4(src, dst, seq=1, data=b'hello tunnel'):
    icmp = struct.pack('>BBHHH', 8, 0, 0, 0x1234, seq) + data
    icmp = icmp[:2] + struct.pack('>H', csum(icmp)) + icmp[4:]
    h = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), 1, 0, 64, 1,
                    0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack('>H', csum(h)) + h[12:] + icmp


def pseudo6(src, dst, n):
    return src + dst + struct.pack('>IxxxB', n, 58)


def echo6(src, dst, seq=1, data=b'hello six'):
    s6 = socket.inet_pton(socket.AF_INET6, src)
    d6 = socket.inet_pton(socket.AF_INET6, dst)
    icmp = struct.pack('>BBHHH', 128, 0, 0, 0x4321, seq) + data
    sum6 = csum(pseudo6(s6, d6, len(icmp)) + icmp)
    icmp = icmp[:2] + struct.pack('>H', sum6) + icmp[4:]
    return struct.pack('>IHBB16s16s', 0x60000000, len(icmp), 58, 64, s6,
                       d6) + icmp


def seq_of(f):
    """The ICMP sequence number of an IPv4 echo in frame @f."""
    return f[16 + 27] if f and len(f) > 16 + 27 else None


# ---- The checks -------------------------------------------------------------

def test_getconfig(cookie, ip):
    s, r = tunnel(cookie)
    check('tunnel before getconfig: 502, closed',
          r.startswith(b'HTTP/1.1 502') and rest(s)[1] == 'closed', r)
    s, r = tunnel('0' * 32)
    check('tunnel with an unknown cookie: 502',
          r.startswith(b'HTTP/1.1 502') and rest(s)[1] == 'closed', r)
    g1, g2 = getconfig(cookie), getconfig(cookie)
    check('getconfig: success', '<response status="success">' in g1, g1)
    check('getconfig: the login\'s address, /32',
          tag(g1, 'ip-address') == [ip] and
          tag(g1, 'netmask') == ['255.255.255.255'], g1)
    check('getconfig: no IPv6 unless asked', 'ip-address-v6' not in g1)
    spis = [tag(g, 'c2s-spi') + tag(g, 's2c-spi') for g in (g1, g2)]
    keys = [tag(g, 'val') for g in (g1, g2)]
    check('fresh SPIs on every getconfig',
          len(spis[0]) == 2 and spis[0] != spis[1], spis)
    check('fresh keys on every getconfig, four different ones',
          len(set(keys[0])) == 4 and not set(keys[0]) & set(keys[1]), keys)
    check('offer order: aes-128-cbc, sha1, 128 and 160 bits',
          tag(g1, 'enc-algo') == ['aes-128-cbc'] and
          tag(g1, 'hmac-algo') == ['sha1'] and
          sorted(set(tag(g1, 'bits'))) == ['128', '160'], g1)
    g = post('/ssl-vpn/getconfig.esp', fields(cookie, GETCONFIG).replace(
        'aes-128-cbc,aes-256-cbc', 'aes-256-cbc').replace(
        'sha1,md5,sha256', 'md5,sha256'))
    check('offer aes-256-cbc, md5 first: chosen, 256 and 128 bits',
          tag(g, 'enc-algo') == ['aes-256-cbc'] and
          tag(g, 'hmac-algo') == ['md5'] and
          sorted(set(tag(g, 'bits'))) == ['128', '256'], g)
    bad = getconfig('f' * 32)
    check('unknown cookie: HTTP 200, Invalid authentication cookie',
          bad.startswith('HTTP/1.1 200') and
          tag(bad, 'error') == ['Invalid authentication cookie'], bad)
    for what, a, b in (('computer', 'computer=box', 'computer=other'),
                       ('user', 'user=alice', 'user=Alice'),
                       ('domain', 'empty_domain', 'other'),
                       ('portal', 'portal=testgw', 'portal=x')):
        bad = post('/ssl-vpn/getconfig.esp',
                   fields(cookie, GETCONFIG).replace(a, b))
        check('another %s than the login\'s: refused' % what,
              'Invalid authentication cookie' in bad, bad)


def test_frames(cookie, ip):
    getconfig(cookie)
    s, r = tunnel(cookie)
    check('START_TUNNEL', r == b'START_TUNNEL', r)
    s2, r2 = tunnel(cookie)
    check('a second tunnel without a getconfig: 502',
          r2.startswith(b'HTTP/1.1 502'), r2)
    s.sendall(KEEPALIVE)
    check('keepalive answered with an identical frame',
          recv_frame(s) == KEEPALIVE)
    s.sendall(frame(echo4(ip, GW, 7)))
    f = recv_frame(s)
    p = f[16:] if f else b''
    check('ping answered: data frame header',
          f is not None and f[:8] == frame(p)[:8] and
          f[8:16] == b'\x01' + bytes(7), f)
    check('ping answered: addresses, type 0, checksums, payload',
          len(p) > 28 and p[12:16] == socket.inet_aton(GW) and
          p[16:20] == socket.inet_aton(ip) and p[20] == 0 and
          csum(p[:20]) == 0 and csum(p[20:]) == 0 and
          p[28:] == b'hello tunnel', p)
    s.sendall(frame(echo4(ip, GW, 1)) + KEEPALIVE + frame(echo4(ip, GW, 2)))
    got = [recv_frame(s) for _ in range(3)]
    check('three frames in one TLS record',
          seq_of(got[0]) == 1 and got[1] == KEEPALIVE and
          seq_of(got[2]) == 2, got)
    one = frame(echo4(ip, GW, 3))
    for i in range(len(one)):
        s.sendall(one[i:i + 1])
    check('one frame over a TLS record per byte', seq_of(recv_frame(s)) == 3)
    s.sendall(frame(echo4('198.18.9.9', GW, 4)))
    check('a packet from another address: dropped', rest(s, 0.5)[0] == b'')
    s.sendall(frame(b'\x45' + bytes(30), ethertype=0x86dd))
    check('ethertype not the IP version: dropped, connection kept',
          rest(s, 0.5) == (b'', 'open'))
    before = stats()['bad-frames']
    s.sendall(bytes(16))
    check('16 zero bytes (bad magic): connection closed',
          rest(s)[1] == 'closed')
    check('bad frames counted', stats()['bad-frames'] == before + 1)
    getconfig(cookie)
    s, r = tunnel(cookie)
    s.sendall(struct.pack('>IHHII', MAGIC, 0x0800, 16385, 0x01000000, 0))
    check('a length over the tunnel buffer: connection closed',
          r == b'START_TUNNEL' and rest(s)[1] == 'closed')
    getconfig(cookie)
    s, r = tunnel(cookie)
    s.sendall(frame(echo4(ip, GW, 9, b'x' * (16384 - 28))))
    f = recv_frame(s)
    check('the largest frame (16384 bytes) carried',
          f is not None and len(f) == 16 + 16384)
    return s


def test_faults(s):
    control('no-keepalive-reply=1')
    s.sendall(KEEPALIVE)
    check('no-keepalive-reply', rest(s, 0.7) == (b'', 'open'))
    control('no-keepalive-reply=0&malformed-frame=1')
    f = recv_frame(s)
    check('malformed-frame: one frame with a bad magic',
          f is not None and f[:4] != KEEPALIVE[:4], f)
    control('malformed-frame=0&close-tls-after=1')
    t0 = time.time()
    st = rest(s, 4)[1]
    check('close-tls-after=1 closes the tunnel',
          st == 'closed' and time.time() - t0 < 3, (st, time.time() - t0))
    control('close-tls-after=0')


def test_two_clients(a, aip):
    b = login()
    bc, bip = b[1], b[15]
    check('a second session gets another address',
          bip != aip and bip.startswith('198.18.128.'), bip)
    getconfig(a)
    getconfig(bc)
    sa, _ = tunnel(a)
    sb, _ = tunnel(bc)
    sa.sendall(frame(echo4(aip, bip, 5)))
    f = recv_frame(sb)
    check('client A to client B', seq_of(f) == 5, f)
    sb.sendall(frame(echo4(bip, GW, 6)))
    f = recv_frame(sb)
    check('client B pings the gateway', f is not None and f[16 + 20] == 0)
    g = getconfig(bc, '&preferred-ip=' + aip)
    check('preferred-ip held by another session: ignored',
          tag(g, 'ip-address') == [bip], g)
    for pref, want, what in (('198.18.130.7', '198.18.130.7', 'honoured'),
                             ('', '198.18.130.7', 'stable'),
                             ('10.1.2.3', '198.18.130.7', 'ignored')):
        g = getconfig(bc, '&preferred-ip=' + pref if pref else '')
        check('address %s (preferred-ip %s)' % (what, pref or 'none'),
              tag(g, 'ip-address') == [want], g)
    sa.close()
    sb.close()
    return bc


def test_hip(cookie, ip):
    hip = fields(cookie, HIP % ip)
    check('hipreportcheck: not needed',
          tag(post('/ssl-vpn/hipreportcheck.esp', hip),
              'hip-report-needed') == ['no'])
    control('hip-needed=yes')
    check('hip-needed=yes: needed',
          tag(post('/ssl-vpn/hipreportcheck.esp', hip),
              'hip-report-needed') == ['yes'])
    r = post('/ssl-vpn/hipreport.esp',
             hip + '&report=%3Chip-report%3E%3C%2Fhip-report%3E')
    check('hipreport: success', '<response status="success">' in r, r)
    check('needed no more after the report',
          tag(post('/ssl-vpn/hipreportcheck.esp', hip),
              'hip-report-needed') == ['no'])
    control('hip-needed=no')


def test_logout(cookie):
    ok = '<response status="success">'
    r = post('/ssl-vpn/logout.esp', fields(cookie, '&os-version=Windows'))
    check('logout with another os-version: success...', ok in r, r)
    check('... but the cookie still works', ok in getconfig(cookie))
    post('/ssl-vpn/logout.esp', fields(cookie).replace('portal=testgw',
                                                       'portal=other'))
    check('logout with another portal: the cookie still works',
          ok in getconfig(cookie))
    r = post('/ssl-vpn/logout.esp', fields(cookie, '&os-version=linux-64'))
    check('logout: success', ok in r, r)
    check('then getconfig refused',
          'Invalid authentication cookie' in getconfig(cookie))
    s, r = tunnel(cookie)
    check('and the tunnel refused', r.startswith(b'HTTP/1.1 502'), r)


def test_modes(cookie, bc):
    control('cookie-error=plain')
    check('cookie-error=plain',
          getconfig(cookie).endswith('\r\n\r\nerrors getting SSL/VPN config'))
    control('cookie-error=xml'
            '&getconfig-error=Assign+private+IP+address+failed')
    check('getconfig-error', tag(getconfig(bc), 'error') ==
          ['Assign private IP address failed'])
    control('getconfig-error=&no-esp=1')
    g = getconfig(bc)
    check('no-esp: no <ipsec>',
          '<response status="success">' in g and '<ipsec>' not in g, g)
    control('no-esp=0&esp-enc=aes-256-cbc&esp-hmac=sha256')
    g = getconfig(bc)
    check('esp-enc, esp-hmac restrict the choice',
          tag(g, 'enc-algo') == ['aes-256-cbc'] and
          tag(g, 'hmac-algo') == ['sha256'], g)
    control('ip6-pool=2001:db8:1::/64&route=&route=10.0.0.0/8'
            '&route=2001:db8::/32&dns=198.19.0.53&dns=2001:db8:19::53'
            '&exclude-route=10.9.0.0/16&wins=198.19.0.137'
            '&dns-suffix=test.example&timeout=70&gw-address=198.18.0.1'
            .replace(':', '%3A').replace('/', '%2F'))
    g = getconfig(bc, '&ipv6-support=yes')
    v6 = tag(g, 'ip-address-v6')
    check('ip6-pool: an IPv6 address', v6 == ['2001:db8:1::2'], g)
    for want in ('<access-routes>\n<member>10.0.0.0/8</member>\n'
                 '</access-routes>',
                 '<access-routes-v6>\n<member>2001:db8::/32</member>',
                 '<dns>\n<member>198.19.0.53</member>',
                 '<dns-v6>\n<member>2001:db8:19::53</member>',
                 '<exclude-access-routes>\n<member>10.9.0.0/16',
                 '<wins>\n<member>198.19.0.137',
                 '<dns-suffix>\n<member>test.example',
                 '<timeout>70</timeout>',
                 '<gw-address>198.18.0.1</gw-address>'):
        check('config has ' + want.replace('\n', ''), want in g)
    s, r = tunnel(bc)
    s.sendall(frame(echo6(v6[0] if v6 else '::', GW6, 3)))
    f = recv_frame(s)
    p = f[16:] if f else b''
    check('ICMPv6 echo answered', len(p) > 48 and p[40] == 129 and
          p[8:24] == socket.inet_pton(socket.AF_INET6, GW6) and
          csum(pseudo6(p[8:24], p[24:40], len(p) - 40) + p[40:]) == 0, p)
    check('no IPv6 without ipv6-support=yes',
          'ip-address-v6' not in getconfig(bc))
    control('reject-cookie=1')
    check('reject-cookie: getconfig refused',
          'Invalid authentication cookie' in getconfig(bc))
    control('reject-cookie=0')
    r = control('timeout=0')
    check('control refuses timeout=0',
          r.startswith('HTTP/1.1 400') and 'timeout: bad value' in r, r)
    r = control('route=300.1.1.1')
    check('control refuses a bad route',
          r.startswith('HTTP/1.1 400') and 'route: bad value' in r, r)


def main():
    a = login()
    cookie, ip = a[1], a[15]
    check('login: an address from the pool', ip.startswith('198.18.128.'))
    test_getconfig(cookie, ip)
    test_faults(test_frames(cookie, ip))
    bc = test_two_clients(cookie, ip)
    test_hip(cookie, ip)
    test_logout(cookie)
    test_modes(cookie, bc)
    st = stats()
    check('stats count what happened',
          st['logins'] == 2 and st['logouts'] == 1 and
          st['logouts-ignored'] == 2 and st['hip-reports'] == 1 and
          st['keepalives'] >= 3 and st['pings'] >= 7 and
          st['bad-frames'] == 3 and st['tunnels-started'] >= 6, st)


if __name__ == '__main__':
    port = int(sys.argv[1])
    try:
        main()
    except (OSError, IndexError, KeyError, ValueError) as e:
        print('Bail out! %s: %s' % (type(e).__name__, e))
        sys.exit(1)
    print('1..%d' % count)
    sys.exit(1 if failed else 0)
