#!/usr/bin/env python3
"""A guest's VGA screen, as dom0 printed it to the test log, made into a
PNG for people and into text for the test (tests/boot/linux-cases.sh):

    screen.py LOG NAME VGABIOS OUT

LOG holds a screendump of QEMU's (binary PPM, P6) that
tests/linux/xl-hvm-test.sh printed as lines "screen NAME: <base64 of the
gzip'd PPM>" between "screen NAME: begin" and "screen NAME: end md5 <md5
of the gzip>".  Writes OUT.png (the picture) and OUT.txt (the text on it)
and prints the text.  Exits 1 when the dump is missing, damaged or not a
text screen.

Text is read back glyph by glyph: in VGA text mode QEMU draws every cell
of 80 x 25 from the font the VGA BIOS loaded (8 x 16 dots, drawn 9 or 8
dots wide), so a cell's two colours give a 16-byte bitmap that names its
character in that font.  The font is taken from VGABIOS, the VGA BIOS ROM
the guest's device model ran (SeaBIOS's vgabios-stdvga.bin).
"""
import base64
import gzip
import hashlib
import re
import struct
import sys
import zlib


def fail(msg):
    print("screen.py: " + msg, file=sys.stderr)
    sys.exit(1)


def extract(log, name):
    """The gzip'd PPM between the markers, checked against its md5."""
    tag = "screen %s: " % name
    chunks, md5, inside = [], None, False
    with open(log, "rb") as f:
        for raw in f:
            line = raw.decode("latin-1").rstrip("\r\n")
            i = line.find(tag)
            if i < 0:
                continue
            body = line[i + len(tag):].strip()
            if body == "begin":
                chunks, inside = [], True
            elif body.startswith("end md5 "):
                md5, inside = body[8:], False
            elif inside:
                chunks.append(body)
    if md5 is None:
        fail("no complete screen %s in %s" % (name, log))
    data = base64.b64decode("".join(chunks))
    if hashlib.md5(data).hexdigest() != md5:
        fail("screen %s: md5 mismatch (the log damaged it)" % name)
    return gzip.decompress(data)


def parse_ppm(ppm):
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", ppm)
    if not m or m.group(3) != b"255":
        fail("not a binary 8-bit PPM")
    w, h = int(m.group(1)), int(m.group(2))
    pix = ppm[m.end():]
    if len(pix) < w * h * 3:
        fail("PPM shorter than %dx%d" % (w, h))
    return w, h, pix


def write_png(path, w, h, pix):
    def chunk(kind, body):
        c = struct.pack(">I", len(body)) + kind + body
        return c + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    rows = b"".join(b"\0" + pix[y * w * 3:(y + 1) * w * 3] for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 9)))
        f.write(chunk(b"IEND", b""))


def load_font(rom_path):
    """Bitmap -> character code for the 8x16 font in the VGA BIOS: the
    table of 256 glyphs starts with an empty glyph 0 and the smiley."""
    rom = open(rom_path, "rb").read()
    smiley = bytes.fromhex("00007e81a58181bd9981817e00000000")
    at = rom.find(bytes(16) + smiley)
    if at < 0 or at + 4096 > len(rom):
        fail("no 8x16 font in " + rom_path)
    glyphs = {}
    for code in range(256):
        g = rom[at + code * 16:at + code * 16 + 16]
        # Printable ASCII wins where glyphs coincide (space and 0, 255).
        if g not in glyphs or 0x20 <= code < 0x7F:
            glyphs[g] = code
    return glyphs


def read_text(w, h, pix, glyphs):
    cols, rows = 80, h // 16
    cw = w // cols
    if cw not in (8, 9) or rows * 16 != h:
        fail("%dx%d is not an 80-column text screen" % (w, h))
    lines = []
    for r in range(rows):
        out = []
        for c in range(cols):
            cells = []
            for y in range(16):
                o = ((r * 16 + y) * w + c * cw) * 3
                cells.append([pix[o + 3 * x:o + 3 * x + 3] for x in range(8)])
            colours = {p for row in cells for p in row}
            if len(colours) == 1:
                out.append(" ")
                continue
            if len(colours) > 2:
                out.append("?")
                continue
            code = None
            for fg in colours:
                bitmap = bytes(sum(0x80 >> x for x in range(8) if row[x] == fg)
                               for row in cells)
                if bitmap in glyphs:
                    code = glyphs[bitmap]
                    if 0x20 <= code < 0x7F:
                        break
            out.append(chr(code) if code is not None and 0x20 <= code < 0x7F
                       else ("#" if code is not None else "?"))
        lines.append("".join(out).rstrip())
    return lines


def main():
    if len(sys.argv) != 5:
        fail("usage: screen.py LOG NAME VGABIOS OUT")
    log, name, rom, out = sys.argv[1:]
    w, h, pix = parse_ppm(extract(log, name))
    write_png(out + ".png", w, h, pix)
    lines = read_text(w, h, pix, load_font(rom))
    with open(out + ".txt", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
