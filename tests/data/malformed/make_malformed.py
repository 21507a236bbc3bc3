#!/usr/bin/env python3
"""Writes the malformed setup.bin files of tests/data/malformed and their MANIFEST.tsv.

Each file is derived from one of two well-formed files: the v2.0 file MeshCentral's encoder
writes for one consumable unscrambled record (rebuilt here byte by byte and checked by its
SHA-256) or the real Intel ACU file acu-12.1-default.bin (v4.0, one scrambled record) from the
corpus. Each carries exactly one format error; the manifest names its code (as ukpu prints it),
field and offset.

Usage: make_malformed.py [--corpus DIR] [--out DIR]
"""

import argparse
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_CORPUS = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus", "real"))

EXAMPLE_SHA256 = "d3f9b0f83d7a92b4bcc2d8c61dec401fd4dfc7b8e758714ed58b1da2a2b44805"


def example_11_1():
    """MeshCentral's v2.0 example: flags 0, one record of 1/1 admin, 1/2 P@ssw0rd, PID, PPS."""
    b = bytearray(1024)
    b[0x00:0x10] = bytes.fromhex("96b28158cf6b724c8b91a15e512e99c4")
    struct.pack_into("<HHIBBHII", b, 0x10, 1, 46, 0, 2, 0, 0, 1, 0)
    struct.pack_into("<HH", b, 0x24, 1, 0)
    struct.pack_into("<HHH", b, 0x28, 1, 2, 0)
    struct.pack_into("<IIIIHHI", b, 0x200, 1, 1, 0, 0, 1, 24, 1)
    pos = 0x218
    for module, variable, value in [(1, 1, b"admin"), (1, 2, b"P@ssw0rd"), (2, 1, b"ABCD1234"),
                                    (2, 2, b"ABCD1234EFGH5678IJKL9012MNOP3456")]:
        struct.pack_into("<HHHH", b, pos, module, variable, len(value), 0)
        b[pos + 8:pos + 8 + len(value)] = value
        pos += 8 + (len(value) + 3) // 4 * 4
    digest = hashlib.sha256(b).hexdigest()
    if digest != EXAMPLE_SHA256:
        raise SystemExit("rebuilt example file has SHA-256 %s, not the expected one" % digest)
    return b


def put_u16(b, off, v):
    struct.pack_into("<H", b, off, v)


def put_u32(b, off, v):
    struct.pack_into("<I", b, off, v)


def scrambled_u16(v):
    """A u16 as stored in a scrambled record body (each byte + 0x11)."""
    return bytes(((x + 0x11) & 0xFF) for x in struct.pack("<H", v))


def cases(example, acu):
    out = []

    def add(name, data, code, field, offset, what):
        out.append((name, bytes(data), code, field, offset, what))

    add("truncated-header.bin", example[:300], "truncated", "file header", 300,
        "11.1 example cut to 300 bytes, shorter than the 512-byte header")
    add("truncated-empty.bin", b"", "truncated", "file header", 0, "an empty file")
    add("truncated-mid-record.bin", example[:800], "count-mismatch", "DataRecordCount", 0x1C,
        "11.1 example cut to 800 bytes, in the middle of its only record")

    b = bytearray(example)
    put_u16(b, 0x10, 0)
    add("zero-header-chunks.bin", b, "bad-header", "RecordChunkCount", 0x10,
        "header RecordChunkCount 0 (MeshCommander \"New\" bug)")

    b = bytearray(example)
    put_u16(b, 0x24, 0)
    add("zero-record-chunks.bin", b, "bad-header", "DataRecordChunkCount", 0x24,
        "header DataRecordChunkCount 0 (zero-size records)")

    b = bytearray(example)
    put_u16(b, 0x10, 3)
    add("header-chunks-beyond-file.bin", b, "truncated", "RecordChunkCount", 0x10,
        "header RecordChunkCount 3 in a 1024-byte file")

    b = bytearray(example)
    b[0] ^= 0xFF
    add("unknown-guid.bin", b, "unknown-guid", "FileTypeUUID", 0x0,
        "first GUID byte altered: none of the four GUIDs")

    b = bytearray(acu)
    b[0x18] = 2
    add("guid-version-mismatch.bin", b, "version-mismatch", "MajorVersion/MinorVersion", 0x18,
        "ACU v4 file with MajorVersion 2 (v4 GUID, version 2.0)")

    b = bytearray(example)
    b[0x19] = 2
    add("v2-minor-2.bin", b, "version-mismatch", "MajorVersion/MinorVersion", 0x18,
        "v2 GUID with version 2.2, which no BIOS accepts")

    b = bytearray(example)
    put_u32(b, 0x1C, 3)
    add("count-beyond-file.bin", b, "count-mismatch", "DataRecordCount", 0x1C,
        "DataRecordCount 3 in a file holding one record")

    b = bytearray(example)
    put_u32(b, 0x20, 2)
    add("consumed-over-count.bin", b, "consumed-overflow", "DataRecordsConsumed", 0x20,
        "DataRecordsConsumed 2 with DataRecordCount 1")

    b = bytearray(example)
    put_u16(b, 0x248 + 4, 440)
    add("entry-overrun.bin", b, "entry-overrun", "entry 2/2", 0x248,
        "PPS entry length 440 where 432 value bytes are left (overruns by 8)")

    b = bytearray(acu)
    b[0x228 + 4:0x228 + 6] = scrambled_u16(0x200)
    add("entry-overrun-scrambled.bin", b, "entry-overrun", "entry 1/2", 0x228,
        "ACU file: scrambled 1/2 entry with length 512, past its record")

    b = bytearray(example)
    put_u16(b, 0x212, 0)
    add("record-header-bytes-zero.bin", b, "bad-record", "RecordHeaderByteCount", 0x212,
        "record RecordHeaderByteCount 0 (rejected by the MEBx)")

    b = bytearray(example)
    put_u16(b, 0x212, 32)
    add("record-header-bytes-32.bin", b, "bad-record", "RecordHeaderByteCount", 0x212,
        "record RecordHeaderByteCount 32 (only 24 is supported)")

    b = bytearray(example)
    put_u16(b, 0x210, 0)
    add("record-chunks-zero.bin", b, "bad-record", "RecordChunkCount", 0x210,
        "record RecordChunkCount 0")

    b = bytearray(example)
    put_u16(b, 0x210, 11)
    add("record-chunks-eleven.bin", b, "bad-record", "RecordChunkCount", 0x210,
        "record RecordChunkCount 11 (the MEBx accepts 1..10)")

    b = bytearray(example)
    put_u16(b, 0x210, 2)
    add("record-chunks-differ.bin", b, "bad-record", "RecordChunkCount", 0x210,
        "record RecordChunkCount 2 while the header's DataRecordChunkCount is 1")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--out", default=HERE)
    args = ap.parse_args()

    with open(os.path.join(args.corpus, "acu-12.1-default.bin"), "rb") as f:
        acu = f.read()
    rows = ["file\tcode\tfield\toffset_hex\tdescription"]
    for name, data, code, field, offset, what in cases(example_11_1(), acu):
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        rows.append("%s\t%s\t%s\t0x%x\t%s" % (name, code, field, offset, what))
    with open(os.path.join(args.out, "MANIFEST.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
