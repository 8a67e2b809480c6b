#!/usr/bin/env python3
"""Writes a small iTunes/Finder-style iPhone backup for the tests.

    make_ios_backup.py OUT_DIR [--password P] [--dpic N] [--iter N]
                       [--apps N] [--rows N]

The backup lists WeChat (with an iTunesMetadata receipt) and WhatsApp in
Manifest.plist "Applications" and Info.plist "Installed Applications", and
has AppDomain-* rows for them (and a HomeDomain file) in Manifest.db; each
file row's bytes are stored as xx/<sha1("Domain-relativePath")>.

With --password it is encrypted the way iOS does it: a BackupKeyBag whose
class keys are AES-wrapped (RFC 3394) with
PBKDF2-SHA1(PBKDF2-SHA256(password, DPSL, DPIC), SALT, ITER), and
Manifest.db AES-256-CBC encrypted (zero IV) with a ManifestKey wrapped by
class key 3. The iteration counts are low (default 10 each) so tests are
fast; iOS uses DPIC 10,000,000. Uses Debian's python3-cryptography.

For benchmarks (bench/run), --apps N adds N more apps (com.example.app0001
...: in Manifest.plist "Applications", Info.plist "Installed Applications"
and a few AppDomain-* rows each) and --rows N fills Manifest.db up to N
Files rows spread over the domains as in a real backup (apps' containers,
their group and plugin containers, HomeDomain, MediaDomain, CameraRollDomain
and the system domains), each file row with its MBFile record in
Files.file, and the schema gets iOS's two other indexes (relativePath,
flags). The filler files' stored bytes are not written (nothing reads
them; 200,000 files would cost 800 MB of blocks). Without these options the
backup is the small one the tests use.
"""
import argparse
import hashlib
import os
import plistlib
import sqlite3
import struct
import sys


def tlv(tag, value):
    if isinstance(value, int):
        value = struct.pack(">I", value)
    return tag + struct.pack(">I", len(value)) + value


def build_plain(out, apps=0, rows=0):
    os.makedirs(out, exist_ok=True)
    itunes = plistlib.dumps({
        "itemId": 414478124,
        "artistName": "WeChat",
        "bundleShortVersionString": "8.0.49",
        "softwareVersionBundleId": "com.tencent.xin",
        "com.apple.iTunesStore.downloadInfo": {
            "accountInfo": {"AppleID": "alice@example.com"},
            "purchaseDate": "2024-01-02T03:04:05Z",
        },
    }, fmt=plistlib.FMT_BINARY)
    manifest = {
        "Version": "10.0",
        "IsEncrypted": False,
        "Applications": {
            "com.tencent.xin": {
                "CFBundleIdentifier": "com.tencent.xin",
                "CFBundleVersion": "8.0.49.33",
                "CFBundleShortVersionString": "8.0.49",
                "Path": "/var/containers/Bundle/Application/5B1C/WeChat.app",
                "iTunesMetadata": itunes,
            },
            "net.whatsapp.WhatsApp": {
                "CFBundleIdentifier": "net.whatsapp.WhatsApp",
                "CFBundleVersion": "24.1.0",
                "Path": "/var/containers/Bundle/Application/77AA/"
                        "WhatsApp.app",
            },
        },
    }
    info = {
        "Device Name": "iPhone",
        "Product Version": "17.2",
        "Unique Identifier": "00008110-000A1B2C3D4E5F60",
        "Installed Applications": ["com.tencent.xin",
                                   "net.whatsapp.WhatsApp"],
    }
    for app in extra_apps(apps):
        manifest["Applications"][app] = {
            "CFBundleIdentifier": app,
            "CFBundleVersion": "1.%d.0" % (int(app[-4:]) % 50),
            "CFBundleShortVersionString": "1.%d" % (int(app[-4:]) % 50),
            "Path": "/var/containers/Bundle/Application/%s/App%s.app"
                    % (hashlib.sha1(app.encode()).hexdigest()[:8].upper(),
                       app[-4:]),
        }
        info["Installed Applications"].append(app)
    db_path = os.path.join(out, "Manifest.db")
    if os.path.exists(db_path):
        os.remove(db_path)
    db = sqlite3.connect(db_path)
    db.executescript(
        "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, "
        "relativePath TEXT, flags INTEGER, file BLOB);"
        "CREATE INDEX FilesDomainIdx ON Files(domain);"
        "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);")
    for domain, rel, flags, data in ROWS:
        db.execute("INSERT INTO Files VALUES (?, ?, ?, ?, NULL)",
                   (file_id(domain, rel), domain, rel, flags))
        if flags == 1:
            write_stored(out, file_id(domain, rel), data)
    if apps or rows:
        # iOS's other two indexes (as in a real Manifest.db).
        db.executescript(
            "CREATE INDEX FilesRelativePathIdx ON Files(relativePath);"
            "CREATE INDEX FilesFlagsIdx ON Files(flags);")
        db.executemany("INSERT OR IGNORE INTO Files VALUES (?, ?, ?, ?, ?)",
                       filler_rows(apps, rows - len(ROWS)))
    db.commit()
    db.close()
    return manifest, info


def extra_apps(n):
    return ["com.example.app%04d" % i for i in range(1, n + 1)]


def mbfile(rel, flags, size, n):
    """An MBFile record as iOS keeps it in Files.file (no EncryptionKey:
    encrypt() adds one to the rows it encrypts)."""
    obj = {"$class": plistlib.UID(3), "Birth": 1700000000 + n,
           "LastModified": 1700000000 + n, "LastStatusChange":
           1700000000 + n, "Mode": 0o100644 if flags == 1 else 0o40755,
           "InodeNumber": 100000 + n, "UserID": 501, "GroupID": 501,
           "ProtectionClass": 3, "Size": size, "Flags": 0,
           "RelativePath": plistlib.UID(2)}
    return plistlib.dumps({
        "$version": 100000, "$archiver": "NSKeyedArchiver",
        "$top": {"root": plistlib.UID(1)},
        "$objects": ["$null", obj, rel,
                     {"$classname": "MBFile",
                      "$classes": ["MBFile", "NSObject"]}],
    }, fmt=plistlib.FMT_BINARY)


def filler_rows(apps, n):
    """(fileID, domain, relativePath, flags, MBFile) rows: about 60 % in
    the apps' containers, 8 % in their group and plugin containers, 15 %
    HomeDomain, 10 % MediaDomain, 4 % CameraRollDomain, 3 % system domains;
    one row in five a folder. Each app has at least its container's folder
    and preferences rows."""
    ids = ["com.tencent.xin", "net.whatsapp.WhatsApp"] + extra_apps(apps)
    out = []
    seen = set()

    def add(domain, rel, flags):
        if (domain, rel) in seen:
            return
        seen.add((domain, rel))
        size = 0 if flags == 2 else (len(out) * 7919) % 200000
        out.append((file_id(domain, rel), domain, rel, flags,
                    mbfile(rel, flags, size, len(out))))

    for app in extra_apps(apps):
        d = "AppDomain-" + app
        add(d, "", 2)
        for rel in ("Documents", "Library", "Library/Preferences",
                    "Library/Caches"):
            add(d, rel, 2)
        add(d, "Library/Preferences/%s.plist" % app, 1)
    system = ["RootDomain", "SystemPreferencesDomain", "KeychainDomain",
              "WirelessDomain", "ManagedPreferencesDomain", "DatabaseDomain",
              "HomeKitDomain", "HealthDomain"]
    i = 0
    while len(out) < n:
        k = i % 100
        folder = i % 5 == 0
        sub = "f%03d" % (i // 7 % 997)
        if k < 60:
            d = "AppDomain-" + ids[i * 7 % len(ids)]
            rel = ("Library/Caches/%s" % sub if folder else
                   "Library/Caches/%s/cache%07d.db" % (sub, i))
        elif k < 64:
            d = "AppDomainGroup-group." + ids[i * 11 % len(ids)]
            rel = ("Library/%s" % sub if folder else
                   "Library/%s/shared%07d.dat" % (sub, i))
        elif k < 68:
            d = "AppDomainPlugin-%s.widget" % ids[i * 13 % len(ids)]
            rel = ("Library/%s" % sub if folder else
                   "Library/%s/ext%07d.plist" % (sub, i))
        elif k < 83:
            d = "HomeDomain"
            rel = ("Library/%s" % sub if folder else
                   "Library/%s/home%07d.plist" % (sub, i))
        elif k < 93:
            d = "MediaDomain"
            rel = ("Media/Recordings/%s" % sub if folder else
                   "Media/Recordings/%s/%07d.m4a" % (sub, i))
        elif k < 97:
            d = "CameraRollDomain"
            rel = ("Media/DCIM/%03dAPPLE" % (i // 7 % 997 + 100) if folder
                   else "Media/DCIM/%03dAPPLE/IMG_%07d.HEIC"
                   % (i // 7 % 997 + 100, i))
        else:
            d = system[i // 100 % len(system)]
            rel = ("Library/%s" % sub if folder else
                   "Library/%s/sys%07d.db" % (sub, i))
        i += 1
        add(d, rel, 2 if folder else 1)
    return out


# (domain, relativePath, flags: 1 file / 2 folder, bytes)
ROWS = [
    ("AppDomain-com.tencent.xin", "", 2, None),
    ("AppDomain-com.tencent.xin", "Library/Preferences/x.plist", 1,
     b"<plist><dict/></plist>\n"),
    ("AppDomain-net.whatsapp.WhatsApp", "Documents", 2, None),
    ("AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "Library", 2, None),
    ("HomeDomain", "Library/Preferences/.GlobalPreferences.plist", 1,
     b"global preferences: 32 bytes....\n"),
]


def file_id(domain, rel):
    return hashlib.sha1((domain + "-" + rel).encode()).hexdigest()


def write_stored(out, fid, data):
    os.makedirs(os.path.join(out, fid[:2]), exist_ok=True)
    with open(os.path.join(out, fid[:2], fid), "wb") as f:
        f.write(data)


def encrypt(out, manifest, password, dpic, iters, filler=False):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap

    dpsl, salt = os.urandom(20), os.urandom(20)
    first = PBKDF2HMAC(hashes.SHA256(), 32, dpsl, dpic).derive(
        password.encode())
    key = PBKDF2HMAC(hashes.SHA1(), 32, salt, iters).derive(first)
    bag = (tlv(b"VERS", 3) + tlv(b"TYPE", 1) + tlv(b"UUID", os.urandom(16)) +
           tlv(b"HMCK", os.urandom(40)) + tlv(b"WRAP", 0) +
           tlv(b"SALT", salt) + tlv(b"ITER", iters) + tlv(b"DPWT", 1) +
           tlv(b"DPIC", dpic) + tlv(b"DPSL", dpsl))
    class_keys = {}
    for clas in range(1, 12):
        class_keys[clas] = os.urandom(32)
        bag += (tlv(b"UUID", os.urandom(16)) + tlv(b"CLAS", clas) +
                tlv(b"WRAP", 2) + tlv(b"KTYP", 0) +
                tlv(b"WPKY", aes_key_wrap(key, class_keys[clas])))
    db_key = os.urandom(32)
    manifest_class = 3
    manifest["BackupKeyBag"] = bag
    manifest["ManifestKey"] = (struct.pack("<I", manifest_class) +
                               aes_key_wrap(class_keys[manifest_class],
                                            db_key))
    manifest["IsEncrypted"] = True
    db_path = os.path.join(out, "Manifest.db")
    # SQLite files are whole pages: a multiple of the AES block.
    # Each file: its own key, wrapped by its protection class's key and
    # kept in an NSKeyedArchiver MBFile in Files.file; the bytes AES-256-CBC
    # (zero IV) with PKCS#7 padding.
    db = sqlite3.connect(db_path)
    for domain, rel, flags, data in ROWS:
        if flags != 1:
            continue
        fid = file_id(domain, rel)
        key_ = os.urandom(32)
        pad = 16 - len(data) % 16
        enc = Cipher(algorithms.AES(key_), modes.CBC(bytes(16))).encryptor()
        write_stored(out, fid,
                     enc.update(data + bytes([pad]) * pad) + enc.finalize())
        wrapped = struct.pack("<I", 3) + aes_key_wrap(class_keys[3], key_)
        mbfile = plistlib.dumps({
            "$version": 100000,
            "$archiver": "NSKeyedArchiver",
            "$top": {"root": plistlib.UID(1)},
            "$objects": [
                "$null",
                {"$class": plistlib.UID(4), "EncryptionKey": plistlib.UID(2),
                 "ProtectionClass": 3, "Size": len(data), "Flags": 1,
                 "RelativePath": plistlib.UID(3)},
                {"$class": plistlib.UID(5), "NS.data": wrapped},
                rel,
                {"$classname": "MBFile", "$classes": ["MBFile", "NSObject"]},
                {"$classname": "NSMutableData",
                 "$classes": ["NSMutableData", "NSData", "NSObject"]},
            ],
        }, fmt=plistlib.FMT_BINARY)
        db.execute("UPDATE Files SET file = ? WHERE fileID = ?", (mbfile, fid))
    if filler:
        # Every other file row gets its own wrapped key in its MBFile, as
        # iOS stores it (its stored bytes are not written).
        known = {file_id(d, r) for d, r, _, _ in ROWS}
        updates = []
        for fid, rel, flags, blob in db.execute(
                "SELECT fileID, relativePath, flags, file FROM Files"):
            if fid in known or flags != 1 or blob is None:
                continue
            archive = plistlib.loads(blob)
            archive["$objects"][1]["EncryptionKey"] = plistlib.UID(
                len(archive["$objects"]))
            archive["$objects"].append(
                {"$class": plistlib.UID(len(archive["$objects"]) + 1),
                 "NS.data": struct.pack("<I", 3) +
                 aes_key_wrap(class_keys[3], os.urandom(32))})
            archive["$objects"].append(
                {"$classname": "NSMutableData",
                 "$classes": ["NSMutableData", "NSData", "NSObject"]})
            updates.append((plistlib.dumps(archive, fmt=plistlib.FMT_BINARY),
                            fid))
        db.executemany("UPDATE Files SET file = ? WHERE fileID = ?", updates)
    db.commit()
    db.close()
    with open(db_path, "rb") as f:
        plain = f.read()
    assert len(plain) % 16 == 0
    enc = Cipher(algorithms.AES(db_key), modes.CBC(bytes(16))).encryptor()
    with open(db_path, "wb") as f:
        f.write(enc.update(plain) + enc.finalize())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--password")
    p.add_argument("--dpic", type=int, default=10)
    p.add_argument("--iter", type=int, default=10)
    p.add_argument("--apps", type=int, default=0)
    p.add_argument("--rows", type=int, default=0)
    args = p.parse_args()
    manifest, info = build_plain(args.out, args.apps, args.rows)
    if args.password is not None:
        encrypt(args.out, manifest, args.password, args.dpic, args.iter,
                bool(args.apps or args.rows))
    with open(os.path.join(args.out, "Manifest.plist"), "wb") as f:
        plistlib.dump(manifest, f, fmt=plistlib.FMT_BINARY)
    with open(os.path.join(args.out, "Info.plist"), "wb") as f:
        plistlib.dump(info, f, fmt=plistlib.FMT_XML)
    return 0


if __name__ == "__main__":
    sys.exit(main())
