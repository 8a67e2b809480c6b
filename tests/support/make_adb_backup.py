#!/usr/bin/env python3
"""Writes an `adb backup` file the way AOSP's backup service does (format 5):
header lines, then [AES-256-CBC] ( [zlib] ( tar ) ). Encryption follows
UserBackupManagerService: PBKDF2-HMAC-SHA1 user key, a random master key and
IV in a length-prefixed blob with the master key's checksum (PBKDF2 of the
key as Java chars, UTF-8), AES done by the openssl tool.

usage: make_adb_backup.py OUT.ab PASSWORD|- COMPRESSED(0/1) PACKAGE VERSIONCODE CERT.der
"""
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import zlib


def aes_cbc(key, iv, data):
    return subprocess.run(
        ["openssl", "enc", "-aes-256-cbc", "-K", key.hex(), "-iv", iv.hex()],
        input=data, stdout=subprocess.PIPE, check=True).stdout


def java_chars_utf8(b):
    out = bytearray()
    for x in b:
        out += bytes([x]) if x < 0x80 else chr(0xFF00 | x).encode("utf-8")
    return bytes(out)


def main():
    out, password, compressed, package, version, cert = sys.argv[1:7]
    der = open(cert, "rb").read()
    manifest = "\n".join(["1", package, version, "33", "com.android.vending",
                          "0", "1", der.hex(), ""]).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in [("apps/%s/_manifest" % package, manifest),
                           ("apps/%s/f/settings.xml" % package, b"<x/>" * 300)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    payload = buf.getvalue()
    if compressed == "1":
        payload = zlib.compress(payload)
    header = b"ANDROID BACKUP\n5\n" + compressed.encode() + b"\n"
    if password == "-":
        header += b"none\n"
    else:
        rounds = 10000
        user_salt, ck_salt = os.urandom(64), os.urandom(64)
        user_iv, master_iv, master_key = os.urandom(16), os.urandom(16), os.urandom(32)
        user_key = hashlib.pbkdf2_hmac("sha1", password.encode(), user_salt, rounds, 32)
        checksum = hashlib.pbkdf2_hmac("sha1", java_chars_utf8(master_key), ck_salt, rounds, 32)
        blob = bytes([16]) + master_iv + bytes([32]) + master_key + bytes([32]) + checksum
        header += b"AES-256\n" + "\n".join(
            x.hex().upper() for x in [user_salt, ck_salt]).encode() + b"\n"
        header += str(rounds).encode() + b"\n" + user_iv.hex().upper().encode() + b"\n"
        header += aes_cbc(user_key, user_iv, blob).hex().upper().encode() + b"\n"
        payload = aes_cbc(master_key, master_iv, payload)
    with open(out, "wb") as f:
        f.write(header + payload)


main()
