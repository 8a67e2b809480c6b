#!/usr/bin/env python3
"""Writes a Mac tree of application bundles for bench/run (macos rows).

    make_macos_apps.py ROOT [--apps N] [--exe-mb N]

ROOT/System/Library/CoreServices/SystemVersion.plist (macOS 14.5), an empty
ROOT/Library/Preferences, and
ROOT/Applications/<Name>.app/Contents/Info.plist (XML or binary, by
plistlib) names CFBundleExecutable, and Contents/MacOS/<exe> is a SPARSE
file of --exe-mb MiB (truncate: only two blocks are written): a real
64-bit Mach-O header with the load commands of a small app (__PAGEZERO,
__TEXT, __LINKEDIT, LC_LOAD_DYLINKER, LC_MAIN, LC_LOAD_DYLIB libSystem,
LC_CODE_SIGNATURE) whose LC_CODE_SIGNATURE points at a SuperBlob at the
end of the file: a CodeDirectory (version 0x20400, SHA-256, 4 KiB pages,
one hash slot per page of the code it covers, so it is 800 KB for 100 MiB;
the hashes are left as holes, i.e. zeros) carrying the identifier and the
Team ID, and an empty requirements blob. Every fourth executable is
universal (a fat file of an x86_64 and an arm64 slice, each signed).

Apps: 0 is WeChat (com.tencent.xinWeChat, Team ID 5A4RE8SF68, the
catalog's WeChat for Mac rules), 1 a renamed helper signed by Telegram's
Team ID 6N38VWS5BX (found by its signature alone), 2 an app signed by
Tencent's shared Team ID 88L2Q4487U (no rule: not a finding), the rest
com.example.mac0003... with their own Team IDs. So a scan finds exactly
wechat and telegram.
"""
import argparse
import os
import plistlib
import struct

PAGE = 4096
CPU_X86_64 = 0x01000007
CPU_ARM64 = 0x0100000C


def apps(n):
    out = [("WeChat", "com.tencent.xinWeChat", "WeChat", "5A4RE8SF68",
            "3.8.9"),
           ("Notes Helper", "com.example.noteshelper", "Notes Helper",
            "6N38VWS5BX", "2.0"),
           ("Lemon Cleaner", "com.example.lemonlike", "Lemon", "88L2Q4487U",
            "5.1")]
    for i in range(len(out), n):
        team = "B%09d" % (i * 7919 % 10**9)
        out.append(("Bench App %03d" % i, "com.example.mac%04d" % i,
                    "BenchApp%03d" % i, team, "1.%d.%d" % (i % 9, i % 7)))
    return out[:n]


def code_directory(ident, team, code_limit):
    """CodeDirectory header and strings, and its full length (with the
    special and code slots that follow, which are not written)."""
    n_special, n_code = 7, (code_limit + PAGE - 1) // PAGE
    header_len = 88  # version 0x20400: up to execSegFlags
    ident_off = header_len
    team_off = ident_off + len(ident) + 1
    strings = ident.encode() + b"\0" + team.encode() + b"\0"
    hash_off = (team_off + len(team) + 1 + n_special * 32 + 15) // 16 * 16
    length = hash_off + n_code * 32
    head = struct.pack(
        ">IIIIIIIIIBBBBIIIIQQQQ",
        0xFADE0C02, length, 0x20400, 0x10000,  # magic, length, version, runtime
        hash_off, ident_off, n_special, n_code, code_limit,
        32, 2, 0, 12,  # hashSize, SHA-256, platform, log2(page size)
        0, 0, team_off,  # spare2, scatterOffset, teamOffset
        0, 0, 0, code_limit, 1)  # spare3, codeLimit64, execSeg base/limit/flags
    assert len(head) == header_len, len(head)
    return head + strings, length


def signature(ident, team, code_limit):
    cd, cd_len = code_directory(ident, team, code_limit)
    req = struct.pack(">III", 0xFADE0C01, 12, 0)
    count = 2
    cd_at = 12 + 8 * count
    req_at = cd_at + cd_len
    total = req_at + len(req)
    head = struct.pack(">III", 0xFADE0CC0, total, count)
    index = struct.pack(">IIII", 0, cd_at, 2, req_at)
    # Written: the SuperBlob header, its index and the CodeDirectory's
    # header and strings; then a hole up to the requirements blob.
    return [(0, head + index + cd), (req_at, req)], total


def sig_size(ident, team, slice_size):
    return signature(ident, team, slice_size)[1] + 16


def load_commands(slice_size, sig_off, sig_len):
    def seg(name, vmaddr, vmsize, fileoff, filesize, prot):
        return struct.pack("<II16sQQQQiiII", 0x19, 72, name.encode(), vmaddr,
                           vmsize, fileoff, filesize, prot, prot, 0, 0)
    dylinker = b"/usr/lib/dyld\0"
    dyld = struct.pack("<III", 0xE, 32, 12) + dylinker.ljust(20, b"\0")
    libsys = b"/usr/lib/libSystem.B.dylib\0"
    dylib = struct.pack("<IIIIII", 0xC, 56, 24, 2, 0x05000000, 0x10000) + \
        libsys.ljust(32, b"\0")
    cmds = [
        seg("__PAGEZERO", 0, 1 << 32, 0, 0, 0),
        seg("__TEXT", 1 << 32, sig_off, 0, sig_off, 5),
        seg("__LINKEDIT", (1 << 32) + sig_off, (sig_len + PAGE - 1) // PAGE *
            PAGE, sig_off, sig_len, 1),
        dyld,
        struct.pack("<IIQQ", 0x80000028, 24, 0x4000, 0),  # LC_MAIN
        dylib,
        struct.pack("<IIII", 0x1D, 16, sig_off, sig_len),
    ]
    return cmds


def write_slice(f, base, size, cpu, ident, team):
    # The signature covers the code up to it, at the end of the slice.
    sig_len = sig_size(ident, team, size)
    sig_off = (size - sig_len) // 16 * 16
    sig_len = size - sig_off
    blobs, _ = signature(ident, team, sig_off)
    cmds = b"".join(load_commands(size, sig_off, sig_len))
    header = struct.pack("<IiiIIIII", 0xFEEDFACF, cpu, 0, 2, 7, len(cmds),
                         0x00200085, 0)
    f.seek(base)
    f.write(header + cmds)
    for at, data in blobs:
        f.seek(base + sig_off + at)
        f.write(data)


def write_executable(path, size, fat, ident, team):
    with open(path, "wb") as f:
        if not fat:
            write_slice(f, 0, size, CPU_ARM64, ident, team)
        else:
            half = size // 2 // (1 << 14) * (1 << 14)
            slices = [(1 << 14, half - (1 << 14), CPU_X86_64),
                      (half, size - half, CPU_ARM64)]
            f.write(struct.pack(">II", 0xCAFEBABE, len(slices)))
            for off, n, cpu in slices:
                f.write(struct.pack(">iiIII", cpu, 0, off, n, 14))
            for off, n, cpu in slices:
                write_slice(f, off, n, cpu, ident, team)
        f.truncate(size)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("root")
    p.add_argument("--apps", type=int, default=200)
    p.add_argument("--exe-mb", type=int, default=100)
    args = p.parse_args()
    size = args.exe_mb << 20
    # What makes the folder a Mac's root: /Applications beside /Library,
    # and the system's version.
    core = os.path.join(args.root, "System", "Library", "CoreServices")
    os.makedirs(core, exist_ok=True)
    os.makedirs(os.path.join(args.root, "Library", "Preferences"),
                exist_ok=True)
    with open(os.path.join(core, "SystemVersion.plist"), "wb") as f:
        plistlib.dump({"ProductName": "macOS", "ProductVersion": "14.5",
                       "ProductBuildVersion": "23F79"}, f)
    for i, (name, ident, exe, team, version) in enumerate(apps(args.apps)):
        contents = os.path.join(args.root, "Applications", name + ".app",
                                "Contents")
        os.makedirs(os.path.join(contents, "MacOS"), exist_ok=True)
        os.makedirs(os.path.join(contents, "Resources"), exist_ok=True)
        info = {"CFBundleIdentifier": ident, "CFBundleName": name,
                "CFBundleExecutable": exe, "CFBundleVersion": version + ".100",
                "CFBundleShortVersionString": version,
                "CFBundlePackageType": "APPL", "LSMinimumSystemVersion": "11.0"}
        with open(os.path.join(contents, "Info.plist"), "wb") as f:
            plistlib.dump(info, f, fmt=plistlib.FMT_BINARY if i % 2
                          else plistlib.FMT_XML)
        write_executable(os.path.join(contents, "MacOS", exe), size,
                         i % 4 == 3, ident, team)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
