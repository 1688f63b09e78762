# Regenerate with: python3 core/src/test/python/gen_numpy_cases.py  (numpy >= 1.14; writes core/src/test/resources/numpy-cases/cases.txt)
"""Expected numpy 1.x str()/repr() texts for NumpyFormatCasesTest.

Each case stores the exact element bits, so the Java side rebuilds the very same array. File format, one
field per line, no escaping needed:

    case <id> <dtype> <dim> <dim> ...      (no dims for a 0-d array)
    data <v> <v> ...                       (float16/32/64: hex of the IEEE bits; ints: decimal; bool: 0/1)
    str <n>                                (followed by exactly n lines of text)
    repr <n>                               (followed by exactly n lines of text)
"""
import os

import numpy as np

if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
    np.set_printoptions(legacy="1.25")  # the numpy 1.14-1.26 rules the notebook era printed with

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "numpy-cases", "cases.txt")
rng = np.random.default_rng(20200416)
cases = []


def add(name, a):
    cases.append((f"{len(cases):03d}-{name}", np.asarray(a)))


def bits(a):
    flat = a.ravel(order="C")
    if a.dtype == np.float16:
        return [f"{v:04x}" for v in flat.view(np.uint16)]
    if a.dtype == np.float32:
        return [f"{v:08x}" for v in flat.view(np.uint32)]
    if a.dtype == np.float64:
        return [f"{v:016x}" for v in flat.view(np.uint64)]
    if a.dtype == np.bool_:
        return ["1" if v else "0" for v in flat]
    return [str(int(v)) for v in flat]


# --- fixed examples (spec section 8.3 and corners) ---
add("spec-row", np.arange(40, dtype="float32").reshape(10, 4)[3])
add("spec-eye", np.eye(10)[3])
add("spec-mixed-frac", np.array([1.5, 2.25, 3.0]))
add("spec-f32-tenths", np.array([0.1, 0.2, 0.3], "float32"))
add("spec-third-f32", np.array([1 / 3], "float32"))
add("spec-third-f64", np.array([1 / 3]))
add("spec-sci-1e-5", np.array([1e-5, 1.0]))
add("spec-sci-1.5e-5", np.array([1.5e-5, 1.0]))
add("spec-ratio-1000", np.array([1.0, 1000.0]))
add("spec-ratio-1001", np.array([1.0, 1001.0]))
add("spec-1e-4", np.array([0.0001, 0.1]))
add("spec-neg", np.array([-1.0, 2.0, -30.5]))
add("spec-nan-inf", np.array([np.nan, 1.0, -np.inf]))
add("spec-zeros", np.array([0.0, -0.0]))
add("spec-1e8", np.array([123456789.0]))
add("spec-1e7-f32", np.array([1e7], "float32"))
add("spec-ints", np.array([1, 22, 333]))
add("spec-int32", np.array([1, 22, 333], "int32"))
add("spec-empty-f32", np.zeros((0,), "float32"))
add("spec-empty-2d", np.zeros((0, 4)))
add("spec-0d-f32", np.array(3.0, "float32"))
add("spec-arange1001", np.arange(1001.0))
add("spec-wrap-f64", np.arange(30.0))
add("spec-wrap-f32", np.arange(30.0, dtype="float32"))
add("spec-dtype-own-line", np.random.RandomState(0).uniform(-0.05, 0.05, (2, 10)).astype("float32"))
add("notebook-E", np.arange(40, dtype="float32").reshape(10, 4))
add("notebook-predict", np.arange(40, dtype="float32").reshape(10, 4)[[3, 3, 0, 9]].reshape(4, 1, 4))
add("only-nan", np.array([np.nan, np.nan]))
add("nan-inf", np.array([np.nan, np.inf]))
add("nan-neg-inf", np.array([np.nan, -np.inf], "float32"))
add("f32-sci-min-digits", np.array([0.1, 1e-5], "float32"))
add("f32-1e-4", np.array([1e-4, 1.0], "float32"))
add("big-sci-exp3", np.array([1e100, 1e-100, 1.0]))
add("subnormal", np.array([5e-324, 1.0]))
add("f32-subnormal", np.array([1e-45, 2.5e-40], "float32"))
add("f64-max", np.array([np.finfo(np.float64).max, -np.finfo(np.float64).tiny]))
add("0d-f64", np.array(0.1))
add("0d-f64-big", np.array(1.5e16))
add("0d-f64-small", np.array(-1.25e-5))
add("0d-f32-third", np.array(1 / 3, "float32"))
add("0d-nan", np.array(np.nan))
add("0d-neg-inf", np.array(-np.inf, "float32"))
add("0d-neg-zero", np.array(-0.0))
add("0d-int", np.array(-7))
add("0d-int32", np.array(12, "int32"))
add("0d-bool", np.array(True))
add("bools", np.array([True, False, True]))
add("bools-2d", np.array([[True, False], [False, False]]))
add("empty-3d", np.zeros((2, 0, 3), "int32"))
add("empty-bool", np.zeros((0,), bool))
add("empty-int64", np.zeros((0,), "int64"))
add("int64-extremes", np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max]))
add("int32-wrap", np.arange(-50, 50, dtype="int32") * 1234567)
add("bool-wrap", np.arange(40) % 3 == 0)
add("rows-of-1", np.ones((3, 1, 1, 2), "float32"))
add("f16", np.array([0.1, 65504, -2.5], "float16"))
add("f16-small", np.array([6e-8, 1e-4, 1.0], "float16"))
add("f16-0d", np.array(0.1, "float16"))
add("uint8", np.array([[0, 7, 255], [128, 3, 64]], "uint8"))
add("int8", np.array([-128, 0, 127], "int8"))
add("int16", np.array([-32768, 5, 32767], "int16"))
add("0d-uint8", np.array(200, "uint8"))

# --- random cases ---
FLOAT_TYPES = ["float32", "float64"]


def random_shape(max_rank=4, max_dim=6):
    rank = int(rng.integers(0, max_rank + 1))
    return tuple(int(rng.integers(0 if rng.random() < 0.05 else 1, max_dim + 1)) for _ in range(rank))


def random_floats(shape, dtype):
    n = int(np.prod(shape, dtype=np.int64))
    style = rng.choice(["uniform", "log", "integer", "decimal", "weights", "constant", "special"])
    if style == "uniform":
        scale = 10.0 ** rng.integers(-3, 6)
        v = rng.uniform(-scale, scale, n)
    elif style == "log":
        lo, hi = sorted(rng.integers(-12, 13, 2))
        v = 10.0 ** rng.uniform(lo, hi + 1, n) * rng.choice([-1, 1], n)
    elif style == "integer":
        v = rng.integers(-2000, 2000, n).astype(float)
    elif style == "decimal":
        v = np.round(rng.uniform(-100, 100, n), int(rng.integers(0, 9)))
    elif style == "weights":
        v = rng.uniform(-0.05, 0.05, n)
    elif style == "constant":
        v = np.full(n, rng.choice([0.0, -0.0, 1.0, 0.5, 1e-9, 3e9]))
    else:
        v = 10.0 ** rng.uniform(-6, 9, n) * rng.choice([-1, 1], n)
        specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0])
        mask = rng.random(n) < 0.3
        v[mask] = rng.choice(specials, int(mask.sum()))
    return v.astype(dtype).reshape(shape)


for i in range(260):
    shape = random_shape()
    add(f"rand-float-{i}", random_floats(shape, FLOAT_TYPES[i % 2]))

for i in range(40):
    shape = random_shape()
    dtype = ["int32", "int64", "bool"][i % 3]
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        a = rng.random(n) < 0.5
    else:
        bound = int(10 ** rng.integers(1, 10 if dtype == "int32" else 19))
        a = rng.integers(-bound, bound, n, dtype=dtype)
    add(f"rand-{dtype}-{i}", a.reshape(shape))

for i in range(40):
    n = int(rng.integers(10, 120))
    add(f"wrap-{i}", random_floats((n,), FLOAT_TYPES[i % 2]))

# --- arbitrary bit patterns (every exponent, subnormals) and the mode thresholds ---
for i in range(60):
    dtype, width = [("float32", np.uint32), ("float64", np.uint64)][i % 2]
    n = int(rng.integers(1, 4))
    raw = rng.integers(0, np.iinfo(width).max, n, dtype=width, endpoint=True).view(dtype)
    add(f"bits-{i}", np.where(np.isnan(raw), np.array(1.0, dtype), raw))
for i in range(40):
    dtype, width = [("float32", np.uint32), ("float64", np.uint64)][i % 2]
    raw = rng.integers(0, np.iinfo(width).max, 1, dtype=width, endpoint=True).view(dtype)[0]
    add(f"bits-0d-{i}", np.array(raw if np.isfinite(raw) else 1.0, dtype))
for dtype in FLOAT_TYPES:
    t = np.dtype(dtype).type
    for edge in [1e-4, 1e8, 1e16]:  # scientific below 1e-4 or from 1e8 on; scalar str from 1e16 on
        below = np.nextafter(t(edge), t(0))
        for where, v in (("below", below), ("at", t(edge))):
            add(f"edge-{dtype}-{edge:g}-{where}", np.array([v, 1.0] if edge < 1 else [v], dtype))
            add(f"edge-{dtype}-{edge:g}-0d-{where}", np.array(v, dtype))
    add(f"ratio-{dtype}-at", np.array([1.0, 1000.0], dtype))
    add(f"ratio-{dtype}-above", np.array([1.0, np.nextafter(t(1000), t(np.inf))], dtype))
    add(f"ratio-{dtype}-scaled", np.array([0.3, 300.0001], dtype))
    add(f"round-up-carry-{dtype}", np.array([9.9999999999, 0.999999999, 99999.999999999], dtype))
    add(f"half-even-{dtype}", np.array([0.125, 0.375, 2.5, 1e-3 + 5e-12], dtype))

# --- summarization (more than 1000 elements) ---
for i, shape in enumerate([(1001,), (1200,), (40, 30), (2, 3, 200), (11, 11, 11), (3, 400), (7, 7, 7, 7),
                           (1, 1001), (1001, 1), (2, 2, 2, 130)]):
    add(f"summary-{i}", random_floats(shape, FLOAT_TYPES[i % 2]))
add("summary-int", np.arange(2000, dtype="int32").reshape(40, 50) - 1000)
add("summary-bool", (np.arange(1500) % 7 == 0).reshape(3, 500))
add("summary-nan", np.where(np.arange(1100) % 2 == 0, np.nan, np.arange(1100.0)))


def lines(text):
    return text.split("\n")


with open(OUT, "w", newline="\n") as f:
    f.write(f"# numpy {np.__version__} str/repr cases, written by core/src/test/python/gen_numpy_cases.py\n")
    for name, a in cases:
        f.write(" ".join(["case", name, a.dtype.name] + [str(d) for d in a.shape]) + "\n")
        f.write(" ".join(["data"] + bits(a)) + "\n")
        for kind, text in (("str", str(a)), ("repr", repr(a))):
            ls = lines(text)
            f.write(f"{kind} {len(ls)}\n")
            for line in ls:
                f.write(line + "\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
