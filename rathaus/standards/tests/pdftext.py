"""Reads the text back out of the PDFs WeasyPrint writes (no PDF reader in the stack).

Enough for WeasyPrint's own output: objects with Flate streams, Type0 fonts with a
ToUnicode CMap, text shown by ``Tj``/``TJ`` with hex glyph codes after ``Tf``. Words come
out in drawing order; spaces between text runs are not guaranteed, so tests look for
numbers and short phrases.
"""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream", re.S)


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    objects = {}
    for number, body in OBJECT.findall(data):
        match = STREAM.match(body)
        if match:
            head, raw = match.groups()
            stream = zlib.decompress(raw) if b"FlateDecode" in head else raw
            objects[int(number)] = (head, stream)
        else:
            objects[int(number)] = (body, b"")
    for head, stream in list(objects.values()):
        if b"/ObjStm" in head:
            objects.update(_packed(head, stream))
    return objects


def _packed(head: bytes, stream: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Objects packed into an object stream (PDF 1.5+): dictionaries without streams."""
    first = int(re.search(rb"/First (\d+)", head).group(1))
    pairs = [int(n) for n in stream[:first].split()]
    numbers, offsets = pairs[0::2], pairs[1::2] + [len(stream) - first]
    return {
        number: (stream[first + offsets[i] : first + offsets[i + 1]], b"")
        for i, number in enumerate(numbers)
    }


def _cmap(text: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, uni in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = int(uni, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + i)
    return mapping


def _fonts(objects) -> dict[bytes, dict[int, str]]:
    """Font resource name -> glyph code -> text."""
    by_object = {}
    for number, (head, _s) in objects.items():
        ref = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if ref:
            by_object[number] = _cmap(objects[int(ref.group(1))][1])
    fonts = {}
    for head, _s in objects.values():
        for name, number in re.findall(rb"/(\w+) (\d+) 0 R", head):
            if int(number) in by_object:
                fonts[name] = by_object[int(number)]
    return fonts


def pdf_text(data: bytes) -> str:
    objects = _objects(data)
    fonts = _fonts(objects)
    out = []
    for _head, stream in objects.values():
        if b"BT" not in stream:
            continue
        mapping: dict[int, str] = {}
        for font, shown in re.findall(rb"/(\w+) [\d.]+ Tf|\[(.*?)\]\s*TJ", stream, re.S):
            if font:
                mapping = fonts.get(font, {})
                continue
            for hexcodes in re.findall(rb"<([0-9a-fA-F]*)>", shown):
                for i in range(0, len(hexcodes), 4):
                    out.append(mapping.get(int(hexcodes[i : i + 4], 16), ""))
            out.append(" ")
    return re.sub(r"\s+", " ", "".join(out))
