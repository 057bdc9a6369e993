#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<harness>/ from the project's own examples, test
data and documented specs (docs/fuzzing.md). Run from the repository root; it only adds and
overwrites seed-*.bin files. The store seed (a small results database) is made separately:
docs/fuzzing.md, "The store corpus"."""
import gzip
import json
import os
import re
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed-" + name + ".bin"), "wb") as f:
        f.write(data)


def grep_strings(paths, pattern):
    out = []
    for p in paths:
        try:
            text = open(os.path.join(ROOT, p), encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        out += re.findall(pattern, text)
    return out


# ---- init_spec: every initializer with its parameters, network schemes, sweeps, --inits lists
specs = set()
try:
    listing = json.loads(subprocess.run([os.path.join(ROOT, "build", "initlab"), "list", "--json"], capture_output=True,
                                        text=True, check=True).stdout)
    for init in listing:
        specs.add(init["name"])
        for a in init.get("aliases", []):
            specs.add(a)
        if init.get("params"):
            specs.add(init["name"] + ":" + ",".join(p["name"] + "=" + str(p["default"]) for p in init["params"]))
except (OSError, subprocess.CalledProcessError, ValueError):
    print("make_corpus.py: build/initlab list --json failed; using the fixed list only", file=sys.stderr)
specs |= {
    "kaiming_normal:mode=fan_out,nonlinearity=leaky_relu,a=0.2", "normal:std=0.01", "kaiming_uniform:a=sqrt(5)",
    "xavier_normal:gain=5/3", "he_normal", "glorot_uniform", "variance_scaling:scale=2,mode=fan_geo_avg,distribution=truncated_normal",
    "trunc_normal:mean=0,std=1,a=-2,b=2", "sparse:sparsity=0.1,std=0.01", "dirac:groups=2", "orthogonal:gain=1.4142",
    "normal:std=logspace(1e-4,10,50)", "uniform:a=-1,b=linspace(0.1,1,5)", "lsuv", "lsuv:tol=0.1,max_iter=10,batch=256",
    "datadep:batch=256,mean=0", "zero_init", "ZerO", "fixup", "skipinit:base=kaiming_normal:mode=fan_out", "pretrain:ae,epochs=1,lr=0.001,batch=64",
    "zeros,normal:mean=0,std=0.01,he_normal", "zeros;xavier_uniform;kaiming_uniform", "torch_default,keras_default",
    "constant:value=-1e-3", "18446744073709551615", "010",
    "irnn:std=0.001", "rnn_orthogonal:gain=1,base=xavier_uniform", "chrono:tmax=784", "forget_bias:value=1,base=orthogonal",
}
for i, s in enumerate(sorted(specs)):
    put("init_spec", "%03d" % i, s)

# ---- model_spec: byte 0 the data (0 flat 784, 1 1x28x28, 2 3x32x32, 3 text, 4 regression 5, 5 blobs 2,
# 6 sequence 28x28, 7 adding 20x2),
# byte 1 the options (activation, batchnorm, dropout)
models = [(0, "mlp:784-128-10"), (0, "mlp:784-100x10-10"), (0, "resmlp:784-256x4-10"), (0, "mlp:784-10"), (1, "cnn"),
          (2, "rescnn:32x4"), (2, "rescnn:8x1"), (3, "rnn:lstm-64-64"), (3, "rnn:gru-16-8"), (3, "rnn:rnn-4-4"), (4, "toy"),
          (5, "mlp:2-16x3-3"), (0, "mlp:784-64x2"), (0, "mlp:100x10"), (5, "resmlp:2-8-8-3"),
          (6, "rnn:relu-16"), (7, "rnn:lstm-8"), (7, "rnn:tanh-4"), (6, "rnn:gru-8"), (3, "rnn:relu-4-4")]
for i, (data, spec) in enumerate(models):
    put("model_spec", "%02d" % i, bytes([data, (i * 7) % 64]) + spec.encode())

# ---- data_spec: byte 0 --val/--normalize, byte 1 --limit, then the spec (paths inside the harness's folder)
data_specs = ["idx:idx", "mnist:idxgz", "fashion-mnist:idx", "cifar10:cifar", "csv:c.csv,label=y", "csv:n.csv,target=2",
              "csv:c.csv,label=0", "text:txt,vocab=100,len=5", "text:flat", "synthetic:regression,n=100", "synthetic:spirals,n=50",
              "synthetic:blobs", "idx:empty", "csv:c.csv", "text:txt,vocab=3,len=1", "fashion-mnist", "mnist:",
              "idx:idx,sequence=rows", "mnist:idxgz,sequence=permuted", "cifar10:cifar,sequence=pixels", "synthetic:adding,T=10,n=50",
              "fashion-mnist,sequence=rows", "synthetic:copy,T=5,n=50"]
for i, spec in enumerate(data_specs):
    put("data_spec", "%02d" % i, bytes([i % 32, [0, 10, 3][i % 3]]) + spec.encode())


# ---- idx: byte 0 flags, bytes 1-2 the images file's length, images, labels
def idx_images(n, rows, cols):
    return struct.pack(">IIII", 0x803, n, rows, cols) + bytes((i * 37) % 256 for i in range(n * rows * cols))


def idx_labels(n, classes=10):
    return struct.pack(">II", 0x801, n) + bytes(i % classes for i in range(n))


def idx_input(flags, images, labels):
    return bytes([flags]) + struct.pack(">H", len(images)) + images + labels


put("idx", "pair", idx_input(0, idx_images(3, 4, 5), idx_labels(3)))
put("idx", "pair_gz", idx_input(3, idx_images(2, 28, 28), idx_labels(2)))
put("idx", "dir", idx_input(4, idx_images(4, 3, 3), idx_labels(4, 3)))
put("idx", "dir_gz", idx_input(7, idx_images(1, 2, 2), idx_labels(1)))
put("idx", "raw_gzip_bytes", idx_input(0, gzip.compress(idx_images(2, 3, 3), mtime=0), gzip.compress(idx_labels(2), mtime=0)))
put("idx", "maybe_gzip", idx_input(8 | 0x30, idx_images(2, 2, 2), idx_labels(2)))
put("idx", "empty", idx_input(4, idx_images(0, 28, 28), idx_labels(0)))
put("idx", "mismatch", idx_input(0, idx_images(3, 2, 2), idx_labels(2)))

# ---- csv: byte 0 the options, then the file
csvs = [(0, "a,b,y\n1,2,0\n3,4,1\n"), (1, "x1,x2,y\n0.5,1e-3,2.5\n-1,2,3\n"), (2, "0,1.5,2\n1,2.5,3\n"),
        (3, "1,2\r\n3,4\r\n"), (4, '"a,b",c,d\n1,2,3\n4,5,6\n'), (5, "label,f\n1, 2\n0,\t3\n"), (6, "target\n1\n2\n"),
        (0x80, b"label=f1\x00f0,f1\n1,2\n3,4\n"), (0, "a,b,y\n1,2\n"), (0, "a,b,y\n1,x,0\n"), (0, "y\n1e300\n"), (9, "1,2\n")]
for i, (opt, text) in enumerate(csvs):
    put("csv", "%02d" % i, bytes([opt]) + (text if isinstance(text, bytes) else text.encode()))


# ---- cifar10: byte 0 gzip mask, byte 1 missing mask, 5 x (u16 length, bytes), test bytes
def cifar_records(n, label=3):
    return b"".join(bytes([label % 10 if k == 0 else 0]) + bytes((i + k) % 256 for i in range(3072)) for k in range(n))


def cifar_input(gz, missing, files):
    out = bytes([gz, missing])
    for f in files[:5]:
        out += struct.pack(">H", len(f)) + f
    return out + files[5]


one = cifar_records(1)
put("cifar10", "all_one_record", cifar_input(0, 0, [one] * 6))
put("cifar10", "gz_mixed", cifar_input(0b101010, 0, [one] * 6))
put("cifar10", "missing_test", cifar_input(0, 0b100000, [one] * 6))
put("cifar10", "short", cifar_input(0, 0, [one[:100]] + [one] * 5))
put("cifar10", "bad_label", cifar_input(0, 0, [bytes([11]) + one[1:]] + [one] * 5))

# ---- text: byte 0 layout, byte 1 vocab/len (or options up to NUL), NUL-separated documents
docs = [b"This movie was great<br />I loved it", b"Terrible. Boring, awful!", b"It's a classic \xc3\xa9l\xc3\xa9gant film",
        b"meh", b"don't watch", b"<br /><br />ok ok ok"]
put("text", "flat", bytes([0, 0]) + b"\x00".join(docs))
put("text", "split", bytes([1, 5]) + b"\x00".join(docs))
put("text", "split_no_test", bytes([3, 10]) + b"\x00".join(docs[:2]))
put("text", "options", bytes([0x81]) + b",vocab=4,len=3\x00" + b"\x00".join(docs))
put("text", "bad_options", bytes([0x80]) + b",vocab=2\x00a\x00b")

# ---- sweep_file: the examples and the test suite's sweep files
for name in sorted(os.listdir(os.path.join(ROOT, "examples"))):
    if name.endswith(".toml"):
        put("sweep_file", "example_" + name[:-5], open(os.path.join(ROOT, "examples", name), "rb").read())
tomls = grep_strings(["tests/lab/test_sweep_file.cpp", "tests/cli/run_sweep_tests.sh"], r'R"\((.*?)\)"')
for i, t in enumerate(t for t in tomls if "=" in t):
    put("sweep_file", "test_%02d" % i, t)
for i, t in enumerate(["logspace(1e-4,10,50)", "linspace(0,1,11)", " logspace( 1 , 2 , 3 ) ", "linspace(5,5,1)"]):
    put("sweep_file", "range_%d" % i, t)
