#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""An independent check of ESP packets on the wire.

Reads a classic pcap capture (tcpdump -w) of UDP datagrams and the test
gateway's key log, and for every ESP packet whose SPI the key log names:
verifies the ICV, decrypts with AES-CBC, checks the padding and the next
header, and prints one line per inner packet:

    SPI SEQ PROTO SRC DST LEN [icmp TYPE payload=HEX of 48 bytes]

It shares no code with the client: Python's `cryptography` package does
the crypto. Exits 1 when a packet under a known SPI fails any check.

Key log lines (one per SA, as the gateway writes them):
    spi=0x1234abcd dir=c2s enc=aes-128-cbc ekey=HEX hmac=sha1 akey=HEX
"""
import hashlib
import hmac
import ipaddress
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

ICV = {"sha1": (hashlib.sha1, 12), "md5": (hashlib.md5, 12),
       "sha256": (hashlib.sha256, 16)}


def read_keylog(path):
    sas = {}
    with open(path) as f:
        for line in f:
            kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
            if "spi" in kv:
                sas[int(kv["spi"], 16)] = kv
    return sas


def udp_payloads(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = frame[14:] if linktype == 1 else frame[16:] if linktype == 113 else frame
        if not ip:
            continue
        if ip[0] >> 4 == 4 and ip[9] == 17:
            ihl = (ip[0] & 15) * 4
            yield ip[ihl + 8:]
        elif ip[0] >> 4 == 6 and ip[6] == 17:
            yield ip[48:]


def check(esp, sa):
    hfun, icvlen = ICV[sa["hmac"]]
    body, icv = esp[:-icvlen], esp[-icvlen:]
    mac = hmac.new(bytes.fromhex(sa["akey"]), body, hfun).digest()[:icvlen]
    if not hmac.compare_digest(mac, icv):
        raise ValueError("bad ICV")
    iv, ct = body[8:24], body[24:]
    if len(ct) % 16:
        raise ValueError("ciphertext not a multiple of 16")
    dec = Cipher(algorithms.AES(bytes.fromhex(sa["ekey"])), modes.CBC(iv)).decryptor()
    pt = dec.update(ct) + dec.finalize()
    padlen, nh = pt[-2], pt[-1]
    pad = pt[-2 - padlen:-2]
    if pad != bytes(range(1, padlen + 1)):
        raise ValueError("bad padding")
    if nh not in (4, 41):
        raise ValueError("bad next header %d" % nh)
    return pt[:-2 - padlen]


def describe(spi, seq, inner):
    if inner[0] >> 4 == 4:
        proto, src, dst = inner[9], inner[12:16], inner[16:20]
        l4 = inner[(inner[0] & 15) * 4:]
        icmp = 1
    else:
        proto, src, dst = inner[6], inner[8:24], inner[24:40]
        l4 = inner[40:]
        icmp = 58
    line = "%08x %d %d %s %s %d" % (spi, seq, proto, ipaddress.ip_address(src),
                                    ipaddress.ip_address(dst), len(inner))
    if proto == icmp and len(l4) >= 8:
        line += " icmp %d payload=%s" % (l4[0], l4[8:56].hex())
    return line


def main():
    sas = read_keylog(sys.argv[2])
    bad = 0
    for esp in udp_payloads(sys.argv[1]):
        if len(esp) < 8:
            continue
        spi, seq = struct.unpack(">II", esp[:8])
        if spi not in sas:
            continue
        try:
            print(describe(spi, seq, check(esp, sas[spi])))
        except (ValueError, KeyError) as e:
            print("%08x %d BAD %s" % (spi, seq, e))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
