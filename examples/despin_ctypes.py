#!/usr/bin/env python3
"""Using libdespin from Python, through its shared library and ctypes alone.

    python3 despin_ctypes.py [-m MODELS] [-l LIBRARY] [-s SOURCE] FILE...

Judges each FILE on its own, or against SOURCE, and prints one JSON verdict
per line (the library's ds_result_json: file, verdict, score, substitutions
with their evidence and p, ...).  The models are opened once and shared;
each thread that judges would have a detector of its own.  Exit status: 0
clean, 1 if a FILE is spun, 2 on an error (named on stderr, the other files
still judged).
"""
import argparse
import ctypes
import ctypes.util
import json
import os
import sys


class Err(ctypes.Structure):
    """struct ds_err"""
    _fields_ = [("code", ctypes.c_int), ("msg", ctypes.c_char * 512)]


class Text(ctypes.Structure):
    """struct ds_text: a name for messages and the UTF-8 bytes"""
    _fields_ = [("name", ctypes.c_char_p), ("data", ctypes.c_char_p), ("len", ctypes.c_size_t)]


def load(path=None):
    """The library, with the signatures of the functions used here."""
    lib = ctypes.CDLL(path or ctypes.util.find_library("despin") or "libdespin.so")
    P, E = ctypes.c_void_p, ctypes.POINTER(Err)
    sig = {"ds_version": (ctypes.c_char_p, []),
           "ds_models_open": (P, [ctypes.c_char_p, E]),
           "ds_models_free": (None, [P]),
           "ds_detector_new": (P, [P, E]),
           "ds_detector_free": (None, [P]),
           "ds_detect": (P, [P, ctypes.POINTER(Text), ctypes.POINTER(Text), P, P, E]),
           "ds_result_json": (P, [P]),  # a char * the caller frees
           "ds_result_free": (None, [P])}
    for name, (res, args) in sig.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


class Despin:
    """Models and one detector; judge() gives a verdict as a dict."""

    def __init__(self, models, library=None):
        self.lib = load(library)
        self.libc = ctypes.CDLL(None)
        self.libc.free.argtypes = [ctypes.c_void_p]
        err = Err()
        self.models = self.lib.ds_models_open(models.encode(), ctypes.byref(err))
        if not self.models:
            raise OSError(err.msg.decode(errors="replace"))
        self.det = self.lib.ds_detector_new(self.models, ctypes.byref(err))
        if not self.det:
            self.lib.ds_models_free(self.models)
            raise OSError(err.msg.decode(errors="replace"))

    def judge(self, name, data, source=None):
        """data (bytes) judged on its own, or against source (name, bytes)."""
        err = Err()
        art = Text(name.encode(), data, len(data))
        src = Text(source[0].encode(), source[1], len(source[1])) if source else None
        res = self.lib.ds_detect(self.det, ctypes.byref(art), ctypes.byref(src) if src else None,
                                 None, None, ctypes.byref(err))
        if not res:
            raise ValueError(err.msg.decode(errors="replace"))
        try:
            js = self.lib.ds_result_json(res)
            if not js:
                raise MemoryError(name)
            try:
                return json.loads(ctypes.string_at(js).decode())
            finally:
                self.libc.free(js)
        finally:
            self.lib.ds_result_free(res)

    def close(self):
        self.lib.ds_detector_free(self.det)
        self.lib.ds_models_free(self.models)


def main():
    ap = argparse.ArgumentParser(description="judge files with libdespin through ctypes")
    ap.add_argument("-m", "--models", default=os.environ.get("DESPIN_MODELS", "models"))
    ap.add_argument("-l", "--library", help="the shared library (default: the loader's libdespin)")
    ap.add_argument("-s", "--source", help="judge against this source, not on their own")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    try:
        d = Despin(a.models, a.library)
    except OSError as e:
        print("despin_ctypes: %s" % e, file=sys.stderr)
        return 2
    rc = 0
    source = None
    if a.source:
        with open(a.source, "rb") as f:
            source = (a.source, f.read())
    for path in a.files:
        try:
            with open(path, "rb") as f:
                r = d.judge(path, f.read(), source)
        except (OSError, ValueError) as e:
            print("despin_ctypes: %s" % e, file=sys.stderr)
            rc = 2
            continue
        print(json.dumps(r))
        if r["verdict"] == "spun" and rc == 0:
            rc = 1
    d.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
