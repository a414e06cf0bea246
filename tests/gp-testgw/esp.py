#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks of gp-testgw's ESP side (PROTOCOL.md section 10) that no real
client makes: probes of both families, the built-in responder over ESP,
replays, bad ICVs, bad padding, unknown SPIs, a foreign source, the
previous SA after a rekey, the HTTPS tunnel taking the keys away, a
client that moves, two clients, every algorithm, the key log, and the
fault switches (esp-drop, esp-stop-after, esp-ignore-probes, esp-reorder,
esp-duplicate).

Usage: esp.py PORT KEYLOG, against a gateway on 127.0.0.1:PORT started
with --control --user alice:secret --keylog KEYLOG and without --tun
(esp.sh does that). The ESP packets are made and checked here with
Python's cryptography package: no code is shared with the gateway.
Prints TAP, the plan last."""

import hashlib
import hmac
import os
import re
import socket
import struct
import sys
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frames  # noqa: E402  (login, getconfig, tunnel, packets)
from frames import csum, echo4, echo6, pseudo6, tag  # noqa: E402

MAGIC = bytes.fromhex('6d6f6e69746f72000070616e20686120')
HASH = {'sha1': (hashlib.sha1, 12), 'md5': (hashlib.md5, 12),
        'sha256': (hashlib.sha256, 16)}
GW = frames.GW
GW6 = frames.GW6

failed = 0
count = 0


def check(name, cond, info=''):
    global failed, count
    count += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', count, name))
    if not cond:
        failed += 1
        print('# ' + repr(info)[:400])


# ---- ESP, independently -----------------------------------------------------

class SA:
    def __init__(self, spi, enc, ekey, hmac_name, akey):
        self.spi, self.ekey, self.akey = spi, ekey, akey
        self.hash, self.icv = HASH[hmac_name]
        self.enc = enc
        self.seq = 0

    def mac(self, data):
        return hmac.new(self.akey, data, self.hash).digest()[:self.icv]

    def seal(self, inner, seq=None, bad_pad=False):
        if seq is None:
            self.seq += 1
            seq = self.seq
        nh = 41 if inner[0] >> 4 == 6 else 4
        n = (-(len(inner) + 2)) % 16
        pad = bytes(range(1, n + 1))
        if bad_pad:
            pad = pad[:-1] + bytes([n + 1]) if n else bytes(range(2, 18))
        pt = inner + pad + bytes([len(pad), nh])
        iv = os.urandom(16)
        e = Cipher(algorithms.AES(self.ekey), modes.CBC(iv)).encryptor()
        body = struct.pack('>II', self.spi, seq) + iv + e.update(pt) + \
            e.finalize()
        return body + self.mac(body)

    def open(self, pkt):
        """(seq, inner) of a packet of this SA, or None when bad."""
        body, icv = pkt[:-self.icv], pkt[-self.icv:]
        if len(body) < 24 + 16 or struct.unpack('>I', body[:4])[0] != \
                self.spi or not hmac.compare_digest(self.mac(body), icv):
            return None
        d = Cipher(algorithms.AES(self.ekey), modes.CBC(body[8:24])) \
            .decryptor()
        pt = d.update(body[24:]) + d.finalize()
        n, nh = pt[-2], pt[-1]
        if pt[-2 - n:-2] != bytes(range(1, n + 1)) or nh not in (4, 41):
            return None
        return struct.unpack('>I', body[4:8])[0], pt[:-2 - n]


def key(xml, name):
    m = re.search(r'<%s>\s*<bits>(\d+)</bits>\s*<val>([0-9a-f]+)</val>' %
                  name, xml)
    return bytes.fromhex(m.group(2)) if m else b''


class Client:
    """A session: login, getconfig, and a UDP socket for its ESP."""

    def __init__(self, offer=''):
        a = frames.login()
        self.cookie, self.ip = a[1], a[15]
        self.udp = self.socket()
        self.getconfig(offer)

    def socket(self):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(('127.0.0.1', 0))
        return u

    def getconfig(self, extra='', enc=None, mac=None):
        if 'ipv6-support' not in extra:
            extra = '&ipv6-support=no' + extra
        body = frames.GETCONFIG + extra
        if enc:
            body = body.replace('aes-128-cbc,aes-256-cbc', enc).replace(
                'sha1,md5,sha256', mac)
        g = frames.post('/ssl-vpn/getconfig.esp',
                        frames.fields(self.cookie, body))
        self.xml = g
        self.port = int((tag(g, 'udp-port') or ['0'])[0])
        enc, mac = (tag(g, 'enc-algo') or ['?'])[0], \
            (tag(g, 'hmac-algo') or ['?'])[0]
        self.algos = (enc, mac)
        spi = [int((tag(g, t) or ['0'])[0], 16)
               for t in ('c2s-spi', 's2c-spi')]
        self.out = SA(spi[0], enc, key(g, 'ekey-c2s'), mac,
                      key(g, 'akey-c2s')) if '<ipsec>' in g else None
        self.inb = SA(spi[1], enc, key(g, 'ekey-s2c'), mac,
                      key(g, 'akey-s2c')) if '<ipsec>' in g else None
        self.gw = (tag(g, 'gw-address') or tag(g, 'gw-address-v6') or
                   ['?'])[0]
        self.ip6 = (tag(g, 'ip-address-v6') or [''])[0]
        return g

    def send(self, inner, sa=None, sock=None, **kw):
        pkt = (sa or self.out).seal(inner, **kw)
        (sock or self.udp).sendto(pkt, ('127.0.0.1', self.port))
        return pkt

    def raw(self, wait=0.5, sock=None, n=1):
        """Every datagram within @wait seconds, or until @n came (and
        50 ms more for any extra ones)."""
        s = sock or self.udp
        end = time.time() + wait
        got = []
        try:
            while time.time() < end:
                s.settimeout(max(0.001, end - time.time()))
                got.append(s.recv(65536))
                if len(got) >= n:
                    end = min(end, time.time() + 0.05)
        except socket.timeout:
            pass
        return got

    def recv(self, wait=0.5, sock=None, n=1):
        """(seq, inner) of the valid packets among raw()'s."""
        got = (self.inb.open(p) for p in self.raw(wait, sock, n))
        return [r for r in got if r]

    def probe(self, seq=1, extra=b'\0' * 32):
        return echo4(self.ip, self.gw, seq, MAGIC + extra)

    def ping(self, seq=1):
        return echo4(self.ip, GW, seq, b'ping over esp')


def stat(name):
    return frames.stats()[name]


def icmp_seq4(p):
    return struct.unpack('>H', p[26:28])[0]


# ---- The checks -------------------------------------------------------------

def test_config(keylog):
    c = Client()
    check('getconfig: <ipsec> with the socket\'s port',
          c.out is not None and c.port == stat('udp-port') and c.port > 0,
          c.xml)
    lines = open(keylog).read().splitlines()
    want = [r'spi=0x%08x dir=c2s enc=aes-128-cbc ekey=%s hmac=sha1 akey=%s'
            % (c.out.spi, c.out.ekey.hex(), c.out.akey.hex()),
            r'spi=0x%08x dir=s2c enc=aes-128-cbc ekey=%s hmac=sha1 akey=%s'
            % (c.inb.spi, c.inb.ekey.hex(), c.inb.akey.hex())]
    check('keylog: two lines per getconfig, exactly as the XML',
          lines[-2:] == want, (lines[-2:], want))
    return c


def test_probe(c):
    before = stat('esp-probes')
    sent = c.probe(7, b'official extra bytes, 32 of them')
    c.send(sent)
    got = c.recv()
    p = got[0][1] if got else b''
    check('probe answered: one echo reply under the s2c SPI, seq 1',
          len(got) == 1 and got[0][0] == 1 and len(p) == len(sent), got)
    check('probe answer: from gw-address to the client, type 0, '
          'id, seq and payload kept, checksums right',
          p[12:16] == socket.inet_aton(c.gw) and
          p[16:20] == socket.inet_aton(c.ip) and p[20] == 0 and
          p[24:] == sent[24:] and csum(p[:20]) == 0 and
          csum(p[20:]) == 0, p)
    check('probes counted', stat('esp-probes') == before + 1)
    c.send(echo4(c.ip, c.gw, 8, b'not the magic, just a ping'))
    check('an echo to gw-address without the magic is no probe',
          c.recv() == [] and stat('esp-probes') == before + 1)
    c.send(echo4('198.18.9.9', c.gw, 9, MAGIC))
    check('a probe from another address: dropped', c.recv() == [])


def test_traffic(c):
    c.send(c.ping(3))
    got = c.recv()
    p = got[0][1] if got else b''
    check('ping 198.19.0.1 over ESP: the responder answers over ESP',
          len(p) > 28 and p[20] == 0 and p[12:16] == socket.inet_aton(GW) and
          icmp_seq4(p) == 3 and p[28:] == b'ping over esp', got)
    st = frames.stats()
    check('stats: ESP packets and bytes in and out',
          st['esp-packets-in'] >= 4 and st['esp-packets-out'] >= 2 and
          st['esp-bytes-in'] > 100 and st['esp-bytes-out'] > 100 and
          st['frames-in'] == 0, st)


def test_errors(c):
    st = frames.stats()
    pkt = c.send(c.ping(4))
    c.recv()
    c.udp.sendto(pkt, ('127.0.0.1', c.port))
    check('a replayed packet: dropped, counted',
          c.recv() == [] and stat('esp-replays') == st['esp-replays'] + 1)
    bad = bytearray(c.out.seal(c.ping(5)))
    bad[30] ^= 1
    c.udp.sendto(bytes(bad), ('127.0.0.1', c.port))
    check('a bad ICV: dropped, counted',
          c.recv() == [] and stat('esp-bad-icv') == st['esp-bad-icv'] + 1)
    c.send(c.ping(6), bad_pad=True)
    check('wrong padding bytes: dropped, counted as bad',
          c.recv() == [] and stat('esp-bad') == st['esp-bad'] + 1)
    alien = SA(0x01020304, c.algos[0], c.out.ekey, c.algos[1], c.out.akey)
    c.send(c.ping(7), sa=alien)
    c.udp.sendto(b'\0\0', ('127.0.0.1', c.port))
    s = frames.stats()
    check('an unknown SPI and a runt: dropped, counted',
          c.recv() == [] and
          s['esp-unknown-spi'] == st['esp-unknown-spi'] + 1 and
          s['esp-bad'] == st['esp-bad'] + 2, s)
    top = c.out.seq + 1000
    c.send(c.ping(8), seq=top)
    c.recv()
    c.send(c.ping(9), seq=top - 300)
    check('a sequence number older than the window: replay',
          c.recv() == [] and stat('esp-replays') == st['esp-replays'] + 2)
    c.out.seq = top
    c.send(c.ping(9))
    check('then traffic still flows', len(c.recv()) == 1)


def test_rekey(c):
    old_out, old_in = c.out, c.inb
    c.getconfig()
    check('getconfig again: new SPIs both ways',
          c.out.spi != old_out.spi and c.inb.spi != old_in.spi)
    c.send(c.ping(10), sa=old_out)
    got = c.recv()
    check('a packet under the previous keys still decrypts; the answer '
          'comes under the new s2c SPI, its counter at 1 (the client\'s '
          'address is kept)',
          len(got) == 1 and icmp_seq4(got[0][1]) == 10 and got[0][0] == 1,
          got)
    c.send(c.probe(11))
    check('new keys: probe answered', len(c.recv()) == 1)
    return old_out


def test_moved(c):
    other = c.socket()
    c.send(c.ping(12), sock=other)
    check('the client moves to another UDP port: answers follow it',
          len(c.recv(sock=other)) == 1 and c.recv(0.2) == [])
    c.udp.close()
    c.udp = other


def test_https_takes_over(c):
    c.getconfig()
    s, r = frames.tunnel(c.cookie)
    before = stat('esp-unknown-spi')
    c.send(c.ping(13))
    check('HTTPS tunnel started: ESP under its keys is an unknown SPI',
          r == b'START_TUNNEL' and c.recv() == [] and
          stat('esp-unknown-spi') == before + 1, r)
    s.sendall(frames.frame(c.ping(14)))
    f = frames.recv_frame(s)
    check('... and the answers come over HTTPS', f is not None and
          f[16 + 20] == 0 and c.recv(0.2) == [], f)
    s.close()
    time.sleep(0.3)
    c.getconfig()
    c.send(c.ping(15))
    check('a getconfig after it: ESP works again', len(c.recv()) == 1)


def test_two_clients(a):
    b = Client()
    check('a second client: other SPIs',
          {b.out.spi, b.inb.spi}.isdisjoint({a.out.spi, a.inb.spi}))
    b.send(b.probe(1))
    a.send(a.ping(16))
    ga, gb = a.recv(), b.recv()
    check('each client gets its own answer under its own SAs',
          len(ga) == 1 and len(gb) == 1 and
          icmp_seq4(ga[0][1]) == 16 and gb[0][1][20] == 0, (ga, gb))
    a.send(echo4(a.ip, b.ip, 17, b'a to b'))
    gb = b.recv()
    check('client A to client B, over both ESP links',
          len(gb) == 1 and gb[0][1][28:] == b'a to b', gb)
    check('stats: two sessions with ESP', stat('esp-sessions') >= 2)
    return b


def test_algos():
    for enc, mac in (('aes-256-cbc', 'sha256'), ('aes-128-cbc', 'md5'),
                     ('aes-256-cbc', 'sha1')):
        c = Client()
        c.getconfig(enc=enc, mac=mac)
        c.send(c.probe(1))
        got = c.recv()
        check('%s with %s: probe answered' % (enc, mac),
              c.algos == (enc, mac) and len(got) == 1, (c.algos, got))


def test_ipv6(c):
    frames.control('ip6-pool=2001%3Adb8%3A1%3A%3A%2F64'
                   '&gw-address=2001%3Adb8%3A%3A1')
    c.getconfig('&ipv6-support=yes')
    v6 = c.ip6
    sent = echo6(v6 or '::', '2001:db8::1', 2, MAGIC + bytes(32))
    c.send(sent)
    got = c.recv()
    p = got[0][1] if got else b''
    check('gw-address-v6: an ICMPv6 probe is answered, type 129, '
          'checksum over the pseudo-header',
          c.gw == '2001:db8::1' and len(p) == len(sent) and p[40] == 129 and
          p[8:24] == socket.inet_pton(socket.AF_INET6, '2001:db8::1') and
          p[48:] == sent[48:] and
          csum(pseudo6(p[8:24], p[24:40], len(p) - 40) + p[40:]) == 0, got)
    c.send(echo6(v6 or '::', GW6, 3))
    got = c.recv()
    check('ICMPv6 echo to the gateway over ESP answered',
          len(got) == 1 and got[0][1][40] == 129, got)
    frames.control('ip6-pool=&gw-address=')
    c.getconfig()


def test_faults(c):
    frames.control('esp-ignore-probes=1')
    before = stat('esp-probes-ignored')
    c.send(c.probe(20))
    c.send(c.ping(21))
    got = c.recv()
    check('esp-ignore-probes: no probe answer, pings pass',
          len(got) == 1 and icmp_seq4(got[0][1]) == 21 and
          stat('esp-probes-ignored') == before + 1, got)
    frames.control('esp-ignore-probes=0&esp-drop=1')
    before = stat('esp-dropped')
    c.send(c.probe(22))
    check('esp-drop: nothing answered, counted',
          c.raw() == [] and stat('esp-dropped') == before + 1)
    frames.control('esp-drop=0&esp-reorder=2')
    c.getconfig()
    for i in range(4):
        c.send(c.ping(30 + i))
    got = c.recv(1.0, n=4)
    check('esp-reorder=2: every 2nd packet after the next one; the last '
          'after the hold-back time',
          [icmp_seq4(p) for _, p in got] == [30, 32, 31, 33] and
          [s for s, _ in got] == [1, 3, 2, 4],
          [(s, icmp_seq4(p)) for s, p in got])
    frames.control('esp-reorder=0&esp-duplicate=3')
    c.getconfig()
    for i in range(3):
        c.send(c.ping(40 + i))
    got = c.recv(1.0, n=4)
    check('esp-duplicate=3: the 3rd packet twice, same sequence number',
          [icmp_seq4(p) for _, p in got] == [40, 41, 42, 42] and
          [s for s, _ in got] == [1, 2, 3, 3],
          [(s, icmp_seq4(p)) for s, p in got])
    frames.control('esp-duplicate=0')
    check('reordered and duplicated packets counted',
          stat('esp-reordered') >= 2 and stat('esp-duplicated') >= 1)


def test_stop_after():
    frames.control('esp-stop-after=1')
    c = Client()
    c.send(c.probe(1))
    check('esp-stop-after=1: answered at first', len(c.recv()) == 1)
    time.sleep(1.2)
    c.send(c.ping(2))
    check('... and nothing a second after the first packet',
          c.raw(0.7) == [])
    frames.control('esp-stop-after=0')
    c.send(c.ping(3))
    check('esp-stop-after=0: back', len(c.recv()) == 1)


def test_prev_expires(c, old, since):
    time.sleep(max(0, since + 10.5 - time.time()))
    before = stat('esp-unknown-spi')
    c.send(c.ping(50), sa=old)
    check('10 s after the next getconfig the previous SA is gone',
          c.recv() == [] and stat('esp-unknown-spi') == before + 1)


def main(keylog):
    c = test_config(keylog)
    d = Client()
    d_old = d.out
    d.getconfig()
    d_since = time.time()
    test_probe(c)
    test_traffic(c)
    test_errors(c)
    test_rekey(c)
    test_moved(c)
    test_https_takes_over(c)
    test_two_clients(c)
    test_algos()
    test_ipv6(c)
    test_faults(c)
    test_stop_after()
    test_prev_expires(d, d_old, d_since)


if __name__ == '__main__':
    frames.port = int(sys.argv[1])
    try:
        main(sys.argv[2])
    except (OSError, IndexError, KeyError, ValueError) as e:
        print('Bail out! %s: %s' % (type(e).__name__, e))
        sys.exit(1)
    print('1..%d' % count)
    sys.exit(1 if failed else 0)
