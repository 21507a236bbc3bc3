#!/usr/bin/env python3
"""Writes the seed corpus of the setup.bin parser fuzz target.

The seeds are the real files of ../shared/corpus/real (copied when that directory is there) plus
small files built here byte by byte from the setup.bin format, independently of the C++ writer:
every format version, PID/PPS, consumed and multi-record files, scrambling, typed variables, and a
few malformed files so that the error paths are covered from the start.

Usage: fuzz/make_seeds.py [OUTPUT_DIR] [--real DIR]
Default OUTPUT_DIR: fuzz/corpus/setupbin beside this script. The output is deterministic.
"""

import argparse
import pathlib
import shutil
import struct

CHUNK = 512

GUIDS = {
    (1, 0): bytes.fromhex("b516fb7187cbf94ab441ca7b383578f9"),
    (2, 0): bytes.fromhex("96b28158cf6b724c8b91a15e512e99c4"),
    (2, 1): bytes.fromhex("96b28158cf6b724c8b91a15e512e99c4"),
    (3, 0): bytes.fromhex("a7f7f6c689c4f64793ede2e5020da51d"),
    (4, 0): bytes.fromhex("aaa93452e129a9448d4d081c07b96353"),
}


def pid_pps_check(chars):
    v = sum(ord(c) for c in chars) % 36
    return chr(ord("0") + v) if v <= 9 else chr(ord("A") + v - 10)


def make_pid(seven):
    return seven + pid_pps_check(seven)


def make_pps(groups):
    return "".join(g + pid_pps_check(g) for g in groups)


def entry(module, variable, value, reserved=0):
    if isinstance(value, str):
        value = value.encode("ascii")
    pad = (4 - len(value) % 4) % 4
    return struct.pack("<HHHH", module, variable, len(value), reserved) + value + b"\0" * pad


def u8(v):
    return struct.pack("<B", v)


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def ip4(text):
    return bytes(reversed([int(x) for x in text.split(".")]))


def record(number, entries, scrambled=False, valid=True, chunks=1, consumed=False):
    body_size = chunks * CHUNK - 24
    body = b"".join(entries)
    assert len(body) <= body_size, "entries overflow the record"
    body = body + b"\0" * (body_size - len(body))
    flags = (1 if valid and not consumed else 0) | (2 if scrambled else 0)
    if consumed:
        body = b"\0" * body_size
    elif scrambled:
        body = bytes((b + 0x11) & 0xFF for b in body)
    header = struct.pack("<IIIIHHI", 1, flags, 0, 0, chunks, 24, number)
    return header + body


def header(version, count, modules=(1, 2), flags=0, consumed=0, record_chunks=1,
           header_chunks=1, header_bytes=None):
    major, minor = version
    if header_bytes is None:
        header_bytes = 40 + 2 * (len(modules) + 1)
    h = GUIDS[version] + struct.pack("<HHIBBHIIHH", header_chunks, header_bytes, 0, major, minor,
                                     flags, count, consumed, record_chunks, 0)
    h += b"".join(u16(m) for m in modules) + u16(0)
    return h + b"\0" * (CHUNK - len(h))


def setup_bin(version, records, **kw):
    modules = sorted({struct.unpack_from("<H", e, 0)[0] for r in records for e in r[1]} or {1})
    kw.setdefault("modules", modules)
    head = header(version, len(records), **kw)
    body = b"".join(record(i + 1, entries, **opts) for i, (opts, entries) in enumerate(records))
    return head + body


PID = make_pid("ABCD123")
PPS = make_pps(["NKL", "G5D", "RRN", "E9Y", "ZIJ", "7LF", "VJE", "69X"])
PSK = [entry(1, 1, "admin"), entry(1, 2, "Str0ng!Pass"), entry(2, 1, PID), entry(2, 2, PPS)]
CERT_HASH = bytes(range(32))


def seeds():
    s = {}
    s["v1-psk.bin"] = setup_bin((1, 0), [({}, PSK)])
    s["v2.0-psk.bin"] = setup_bin((2, 0), [({}, PSK)])
    # The v2.0 file MeshCentral's encoder writes for this record, byte for byte (SHA-256
    # d3f9b0f8...44805); the PID and PPS are placeholders without valid checksums.
    s["spec-11.1-v2.0-psk.bin"] = setup_bin((2, 0), [({}, [
        entry(1, 1, "admin"), entry(1, 2, "P@ssw0rd"), entry(2, 1, "ABCD1234"),
        entry(2, 2, "ABCD1234EFGH5678IJKL9012MNOP3456")])])
    s["v2.0-psk-3-records-1-consumed.bin"] = setup_bin(
        (2, 0), [({"consumed": True}, PSK), ({}, PSK), ({}, PSK)], consumed=1)
    s["v2.0-psk-all-consumed.bin"] = setup_bin(
        (2, 0), [({"consumed": True, "scrambled": True}, PSK)] * 2, consumed=2)
    s["v2.1-settings.bin"] = setup_bin((2, 1), [({}, [
        entry(1, 1, "admin"), entry(1, 2, "N3w-Passw0rd"), entry(1, 3, u8(1)), entry(1, 4, u8(1)),
        entry(1, 5, u8(1)), entry(1, 6, bytes.fromhex("7322734623dc432fa98a13d37982d855")),
        entry(2, 3, u8(1)), entry(2, 4, "example.com"), entry(2, 10, u8(2)),
        entry(2, 11, "amt-host"), entry(2, 12, "corp.example.com"), entry(2, 13, u8(1)),
        entry(2, 14, u16(0)), entry(2, 15, u8(1)), entry(2, 17, ip4("192.168.1.10")),
        entry(2, 18, u16(9971)),
    ])], flags=1)
    s["v3-ipv6-static.bin"] = setup_bin((3, 0), [({"scrambled": True}, [
        entry(1, 1, "admin"), entry(1, 2, "N3w-Passw0rd"),
        entry(2, 13, u8(0)),
        entry(2, 19, ip4("10.0.0.5") + ip4("255.255.255.0") + ip4("10.0.0.1") + ip4("10.0.0.2")
              + ip4("10.0.0.3")),
        entry(2, 22, bytes([0, 1, 0]) + bytes(17) + bytes(reversed(range(16))) + bytes(16)
              + bytes(16) + bytes(16)),
        entry(2, 23, u8(1)), entry(2, 26, u8(1)), entry(2, 27, u8(1)),
    ])], flags=1)
    s["v4-pki-scrambled.bin"] = setup_bin((4, 0), [({"scrambled": True}, [
        entry(1, 1, "admin"), entry(1, 2, "P@ssw0rd-1"), entry(1, 3, u8(1)),
        entry(2, 5, "corp.example.com"), entry(2, 6, u8(1)), entry(2, 7, u8(1)),
        entry(2, 8, u8(2) + CERT_HASH + u8(7) + b"Root CA"),
        entry(2, 8, u8(1) + bytes(20) + u8(3) + b"Old"),
        entry(2, 8, u8(3) + bytes(range(48)) + u8(4) + b"P384"),
        entry(2, 28, u8(1)),
    ])], flags=1)
    s["v4-multi-record-scrambled.bin"] = setup_bin(
        (4, 0), [({"scrambled": True}, [entry(1, 1, "admin"), entry(1, 2, f"Pass-{i}-w0rD")])
                 for i in range(4)])
    s["v4-unknown-variables.bin"] = setup_bin((4, 0), [({}, [
        entry(1, 1, "admin"), entry(1, 2, "P@ssw0rd"), entry(3, 1, b"\x01\x02\x03"),
        entry(2, 99, b"x" * 13, reserved=5), entry(2, 29, u8(1)),
    ])], modules=[1, 2, 3])
    s["v4-two-chunk-record.bin"] = setup_bin(
        (4, 0), [({"chunks": 2}, [entry(1, 1, "admin"), entry(2, 4, "f" * 256),
                                  entry(2, 5, "s" * 200)])], record_chunks=2)
    s["v4-invalid-scrambled-record.bin"] = setup_bin(
        (4, 0), [({"scrambled": True, "valid": False}, [entry(1, 1, "admin")])])
    s["v4-empty-record.bin"] = setup_bin((4, 0), [({}, [])])
    # Malformed files.
    good = s["v4-pki-scrambled.bin"]
    s["bad-truncated.bin"] = good[:700]
    s["bad-header-only.bin"] = good[:CHUNK]
    s["bad-zero-chunk-counts.bin"] = setup_bin(
        (4, 0), [({}, [entry(1, 1, "admin")])], header_chunks=0, record_chunks=0)
    s["bad-guid-version-mismatch.bin"] = GUIDS[(4, 0)] + setup_bin((3, 0), [({}, PSK)])[16:]
    s["bad-count-beyond-file.bin"] = good[:0x1C] + u32(9) + good[0x20:]
    s["bad-consumed-over-count.bin"] = good[:0x20] + u32(5) + good[0x24:]
    s["bad-trailing-byte.bin"] = s["v2.0-psk.bin"] + b"\0"
    overrun = bytearray(s["v2.0-psk.bin"])
    struct.pack_into("<H", overrun, CHUNK + 24 + 4, 600)
    s["bad-entry-overrun.bin"] = bytes(overrun)
    badlen = bytearray(s["v2.1-settings.bin"])
    struct.pack_into("<HHH", badlen, CHUNK + 24, 1, 3, 3)  # 1/3 is a u8; length 3
    s["bad-u8-length.bin"] = bytes(badlen)
    s["bad-empty-module-list.bin"] = setup_bin((4, 0), [({}, [entry(1, 1, "admin")])],
                                               modules=[], header_bytes=46)
    return s


def main():
    here = pathlib.Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", nargs="?", default=str(here / "corpus" / "setupbin"))
    ap.add_argument("--real", default=str(here.parent.parent / "shared" / "corpus" / "real"))
    args = ap.parse_args()
    out = pathlib.Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    real = pathlib.Path(args.real)
    n = 0
    if real.is_dir():
        for f in sorted(real.glob("*.bin")):
            shutil.copyfile(f, out / f"real-{f.name}")
            n += 1
    for name, data in sorted(seeds().items()):
        (out / name).write_bytes(data)
        n += 1
    print(f"{n} seed files in {out}")


if __name__ == "__main__":
    main()
