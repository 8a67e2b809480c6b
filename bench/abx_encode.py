#!/usr/bin/env python3
"""Text XML to Android Binary XML (ABX v0), for bench/run.

Follows AOSP's BinaryXmlSerializer (frameworks/base/core/java/com/android/
internal/util/BinaryXmlSerializer.java), as tests/support/abx_writer.cc does:
the magic "ABX\\0", then one token byte per event (event | data type << 4);
numbers big-endian; strings as a u16 length and the UTF-8 bytes; tag and
attribute names (and interned values) through a table of the strings seen so
far: a new one is 0xFFFF and the string, a known one its u16 index.

  abx_encode.py IN.xml OUT.abx              every attribute a string, as
                                            XmlSerializer.attribute() writes
  abx_encode.py --packages IN.xml OUT.abx   packages.xml as Android 12+
                                            writes it (typed attributes, no
                                            indentation)
  abx_encode.py --check DIR                 encode DIR's ccl_abx samples
                                            (test-*.xml) and compare them
                                            byte for byte with their .abx

Only python3's standard library (xml.parsers.expat).
"""
import base64
import os
import struct
import sys
import xml.parsers.expat

START_DOCUMENT, END_DOCUMENT, START_TAG, END_TAG, TEXT = 0, 1, 2, 3, 4
ATTRIBUTE = 15
T_NULL, T_STRING, T_INTERNED, T_BYTES_HEX, T_BYTES_BASE64 = 1, 2, 3, 4, 5
T_INT, T_INT_HEX, T_LONG, T_LONG_HEX, T_FLOAT, T_DOUBLE = 6, 7, 8, 9, 10, 11
T_TRUE, T_FALSE = 12, 13


class Encoder:
    def __init__(self):
        self.out = bytearray(b"ABX\0")
        self.interned = {}
        self.token(START_DOCUMENT, T_NULL)

    def token(self, event, kind):
        self.out.append(event | kind << 4)

    def utf(self, s):
        b = s.encode("utf-8")
        if len(b) > 0xFFFF:
            raise ValueError("ABX string over 65535 bytes")
        self.out += struct.pack(">H", len(b)) + b

    def bytes_(self, b):
        if len(b) > 0xFFFF:
            raise ValueError("ABX bytes over 65535")
        self.out += struct.pack(">H", len(b)) + b

    def intern(self, s):
        i = self.interned.get(s)
        if i is not None:
            self.out += struct.pack(">H", i)
            return
        if len(self.interned) >= 0xFFFF:
            raise ValueError("ABX string table full")
        self.interned[s] = len(self.interned)
        self.out += b"\xff\xff"
        self.utf(s)

    def start(self, name):
        self.token(START_TAG, T_INTERNED)
        self.intern(name)

    def end(self, name):
        self.token(END_TAG, T_INTERNED)
        self.intern(name)

    def text(self, s):
        self.token(TEXT, T_STRING)
        self.utf(s)

    def attribute(self, name, kind, value):
        """value is the text form; kind says how it is stored."""
        if kind in (T_TRUE, T_FALSE) or kind == "bool":
            kind = T_TRUE if value == "true" else T_FALSE
            self.token(ATTRIBUTE, kind)
            self.intern(name)
            return
        self.token(ATTRIBUTE, kind)
        self.intern(name)
        if kind == T_STRING:
            self.utf(value)
        elif kind == T_INTERNED:
            self.intern(value)
        elif kind == T_BYTES_HEX:
            self.bytes_(bytes.fromhex(value))
        elif kind == T_BYTES_BASE64:
            self.bytes_(base64.b64decode(value))
        elif kind == T_INT:
            self.out += struct.pack(">i", int(value))
        elif kind == T_INT_HEX:
            self.out += struct.pack(">i", to_signed(int(value, 16), 32))
        elif kind == T_LONG:
            self.out += struct.pack(">q", int(value))
        elif kind == T_LONG_HEX:
            self.out += struct.pack(">q", to_signed(int(value, 16), 64))
        elif kind == T_FLOAT:
            self.out += struct.pack(">f", float(value))
        elif kind == T_DOUBLE:
            self.out += struct.pack(">d", float(value))
        else:
            raise ValueError("unknown attribute type %r" % kind)

    def finish(self):
        self.token(END_DOCUMENT, T_NULL)
        return bytes(self.out)


def to_signed(v, bits):
    # Java writes the two's complement of a negative long/int in hex as
    # "-1f" (Long.toString(v, 16)); a bare hex above the sign bit wraps.
    if v >= 1 << (bits - 1):
        v -= 1 << bits
    return v


def strings_only(element, name):
    return T_STRING


def packages_type(element, name):
    """How Android 12+'s Settings.writeLPr / writePackageLPr (and
    writePermissionsLPr, writeSigs) type the attributes of packages.xml."""
    if name in ("ft", "it", "ut"):
        return T_LONG_HEX
    if name == "version" and element in ("package", "updated-package"):
        return T_LONG
    if name in ("userId", "sharedUserId", "publicFlags", "privateFlags",
                "sdkVersion", "databaseVersion", "count", "schemeVersion",
                "index", "protection", "categoryHint"):
        return T_INT
    if name == "identifier" or (name == "value" and element.startswith("lastIssued")):
        return T_LONG
    if name == "value" and element == "public-key":
        return T_BYTES_BASE64
    if name == "flags" and element == "item":
        return T_INT_HEX
    if name == "key" and element == "cert":
        return T_BYTES_HEX
    if name in ("granted", "isOrphaned", "inst", "stopped", "hidden"):
        return "bool"
    if name == "name" and element == "package":
        return T_INTERNED
    return T_STRING


# The ccl_abx typed-attribute sample: the type is in the attribute's name;
# its maker stored the booleans as strings.
CCL_TYPED = {
    "value-int": T_INT, "value-inthex": T_INT_HEX, "value-long": T_LONG,
    "value-longhex": T_LONG_HEX, "value-float": T_FLOAT,
    "value-double": T_DOUBLE, "value-byteshex": T_BYTES_HEX,
    "value-base64": T_BYTES_BASE64,
}


def ccl_typed(element, name):
    return CCL_TYPED.get(name, T_STRING)


def encode(data, type_of, keep_whitespace):
    enc = Encoder()
    pending = []

    def flush():
        if pending:
            s = "".join(pending)
            pending.clear()
            if keep_whitespace or s.strip():
                enc.text(s)

    def start(name, attrs):
        flush()
        enc.start(name)
        for i in range(0, len(attrs), 2):
            enc.attribute(attrs[i], type_of(name, attrs[i]), attrs[i + 1])

    def end(name):
        flush()
        enc.end(name)

    p = xml.parsers.expat.ParserCreate()
    p.ordered_attributes = True
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = pending.append
    p.Parse(data, True)
    flush()
    return enc.finish()


def check(directory):
    cases = [("test-basic.xml", strings_only),
             ("test_interned_strings.xml", strings_only),
             ("test-typed-attribute.xml", ccl_typed)]
    bad = 0
    for name, type_of in cases:
        src = os.path.join(directory, name)
        with open(src, "rb") as f:
            got = encode(f.read(), type_of, True)
        with open(src + ".abx", "rb") as f:
            want = f.read()
        same = got == want
        bad += not same
        print("%s: %s (%d bytes)" % (name, "identical" if same else
              "DIFFERENT (%d vs %d bytes)" % (len(got), len(want)), len(want)))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        return check(argv[2])
    packages = len(argv) == 4 and argv[1] == "--packages"
    if not (packages or len(argv) == 3):
        sys.stderr.write(__doc__)
        return 2
    src, dst = argv[-2], argv[-1]
    with open(src, "rb") as f:
        data = f.read()
    out = encode(data, packages_type if packages else strings_only,
                 not packages)
    with open(dst + ".tmp", "wb") as f:
        f.write(out)
    os.replace(dst + ".tmp", dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
