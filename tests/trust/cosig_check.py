#!/usr/bin/python3
"""cosig_check.py VKEY NOTEFILE - verifies the cosignature/v1 line of the
witness VKEY (NAME+HEXID+base64(0x01||pub)) in a signed note, as C2SP
tlog-cosignature defines it, independently of src/trust: key id
SHA-256(name || 0x0A || 0x04 || pub)[:4], signature over
"cosignature/v1\\ntime T\\n" || note text, blob = id || u64 T || sig.
Prints "ok T" or exits 1."""
import base64
import hashlib
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PublicKey


def main():
    name, _, k64 = sys.argv[1].split("+", 2)
    raw = base64.b64decode(k64)
    assert raw[0] == 1 and len(raw) == 33
    pub = raw[1:]
    kid = hashlib.sha256(name.encode() + b"\n\x04" + pub).digest()[:4]
    note = open(sys.argv[2], "rb").read()
    text, sigs = note.rsplit(b"\n\n", 1)
    text += b"\n"
    for line in sigs.decode().splitlines():
        dash, n, b64 = line.split(" ")
        blob = base64.b64decode(b64)
        if dash != "\u2014" or n != name or blob[:4] != kid:
            continue
        t = struct.unpack(">Q", blob[4:12])[0]
        msg = b"cosignature/v1\ntime %d\n" % t + text
        Ed25519PublicKey.from_public_bytes(pub).verify(blob[12:], msg)
        print("ok %d" % t)
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
