"""Wall-to-wall prediction benchmark helper: builds the synthetic cube and the two models, and
is the PyTorch CPU peer of `sitscube predict` (same cube, same weights, same threads).

  python predict_torch.py setup --size N --out DIR      # DIR/cube (12 dates x 9 bands), DIR/{cnn2d,tempcnn}.safetensors
  python predict_torch.py predict --model cnn2d --dir DIR --threads T --out classes.npy

The cube is written as raw float32 (ENVI) and turned into GeoTIFFs by gdal_translate; the
PyTorch side reads the same raw values with numpy. Weights are drawn here (He-normal, batch-norm
statistics 0/1) and written as safetensors with the model card, so that both sides run the
very same network. Prediction: numpy 'reflect' padding by the patch radius, sliding_window_view
over rows and columns, batches of 256 patches, torch.no_grad().
"""
import argparse
import json
import os
import resource
import struct
import subprocess
import sys
import time

import numpy as np

T, C, K = 12, 9, 6
BANDS = ["blue", "green", "red", "nir", "swir1", "swir2", "ndvi", "ndwi", "ndmi"]
TIMES = [f"2020-{m:02d}" for m in range(1, 13)]

# Parameter names and shapes of the sitscube models (Sources/Models), 12x9 input, 6 classes.
def conv2d_shapes():
    s, cin, i = {}, C, 0
    for j, f in enumerate([32, 32, 64, 64, 128, 128]):
        s[f"cnn.{i}.weight"], s[f"cnn.{i}.bias"] = [3, 3, cin, f], [f]
        for k in ("beta", "gamma", "running_mean", "running_var"):
            s[f"cnn.{i + 2}.{k}"] = [f]
        i += 3 + (1 if j in (1, 3) else 0) + (1 if j == 1 else 0)
        cin = f
    s.update({"dense.0.weight": [6144, 1024], "dense.0.bias": [1024], "dense.2.weight": [1024, 512], "dense.2.bias": [512],
              "classifier.weight": [512, K], "classifier.bias": [K]})
    return s


def tempcnn_shapes():
    s, cin = {}, C
    for i in (0, 4, 8):
        s[f"conv.{i}.weight"], s[f"conv.{i}.bias"] = [5, cin, 64], [64]
        for k in ("beta", "gamma", "running_mean", "running_var"):
            s[f"conv.{i + 1}.{k}"] = [64]
        cin = 64
    s.update({"dense.0.weight": [T * 64, 256], "dense.0.bias": [256], "classifier.weight": [256, K], "classifier.bias": [K]})
    for k in ("beta", "gamma", "running_mean", "running_var"):
        s[f"dense.1.{k}"] = [256]
    return s


MODELS = {
    "cnn2d": ("12,9,9,9", {"dense": "1024,512", "dropout": "0.1", "filters": "32,32,64,64,128,128"}, conv2d_shapes),
    "tempcnn": ("12,9,1,1", {"dense": "256", "dropout": "0.2", "filters": "64,64,64", "kernel": "5"}, tempcnn_shapes),
}


def draw_weights(shapes, rng):
    w = {}
    for name, shape in shapes.items():
        if name.endswith("running_var") or name.endswith("gamma"):
            w[name] = np.ones(shape, np.float32)
        elif name.endswith("bias") or name.endswith("beta") or name.endswith("running_mean"):
            w[name] = np.zeros(shape, np.float32)
        else:
            fan_in = int(np.prod(shape[:-1]))
            w[name] = (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
    return w


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name in sorted(tensors):
        b = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, v in header.items():
        if name == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + a:8 + n + b], dtype="<f4").reshape(v["shape"])
    return out, header.get("__metadata__", {})


def setup(a):
    rng = np.random.default_rng(7)
    size, out = a.size, a.out
    cube = os.path.join(out, "cube")
    os.makedirs(cube, exist_ok=True)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    means, stds = [], []
    times = []
    for t in range(T):
        stack = np.empty((C, size, size), np.float32)
        for c in range(C):
            stack[c] = (np.sin(yy * 0.05 + c) * 800 + np.cos(xx * 0.04 + t) * 600 + 100 * c + 50 * t
                        + rng.standard_normal((size, size)).astype(np.float32) * 100)
        raw = os.path.join(out, f"t{t:02d}.bin")
        stack.tofile(raw)
        with open(raw[:-4] + ".hdr", "w") as f:
            f.write(f"ENVI\nsamples = {size}\nlines = {size}\nbands = {C}\nheader offset = 0\nfile type = ENVI Standard\n"
                    "data type = 4\ninterleave = bsq\nbyte order = 0\n")
        tif = f"{TIMES[t]}.tif"
        subprocess.run(["gdal_translate", "-q", "-of", "GTiff", "-co", "TILED=YES", "-co", "BLOCKXSIZE=512", "-co", "BLOCKYSIZE=512",
                        "-a_srs", "EPSG:32633", "-a_ullr", "500000", str(4000000), str(500000 + 30 * size), str(4000000 - 30 * size),
                        raw, os.path.join(cube, tif)], check=True)
        times.append({"label": TIMES[t], "start": f"2020-{t + 1:02d}-01", "end": f"2020-{t + 1:02d}-28", "file": tif})
        means.append(stack.reshape(C, -1).mean(1))
        stds.append(stack.reshape(C, -1).std(1))
    manifest = {"format": "sitscube-cube/1", "bands": BANDS, "times": times,
                "grid": {"crs": "EPSG:32633", "geotransform": [500000, 30, 0, 4000000, 0, -30], "width": size, "height": size},
                "provenance": {"scenes": [], "mask": {}, "reducer": "median", "fill": "none", "version": "bench"}}
    json.dump(manifest, open(os.path.join(cube, "cube.json"), "w"), indent=1)
    mean, std = np.mean(means, 0), np.mean(stds, 0)
    card = {
        "format": "sitscube-model/1", "bands": json.dumps(BANDS), "times": json.dumps(TIMES),
        "class_table": json.dumps([{"code": i + 1, "name": f"class{i + 1}", "index": i} for i in range(K)]),
        "normalization": json.dumps({"scope": "band", "mean": [mean.tolist()], "std": [std.tolist()]}),
        "border": "reflect", "dataset_kind": "patches", "training": "{}",
    }
    for name, (shape, hp, shapes) in MODELS.items():
        meta = dict(card, model=name, input=shape, classes=str(K), seed="0", format_version="1",
                    hyperparameters=json.dumps(hp, sort_keys=True, separators=(",", ":")))
        write_safetensors(os.path.join(out, f"{name}.safetensors"), draw_weights(shapes(), rng), meta)


def predict(a):
    import torch
    import torch.nn as nn
    torch.set_num_threads(a.threads)
    w, meta = read_safetensors(os.path.join(a.dir, f"{a.model}.safetensors"))
    norm = json.loads(meta["normalization"])
    mean = np.array(norm["mean"][0], np.float32)[:, None, None]
    std = np.array(norm["std"][0], np.float32)[:, None, None]
    cube = json.load(open(os.path.join(a.dir, "cube", "cube.json")))
    H, W = cube["grid"]["height"], cube["grid"]["width"]
    t0 = time.perf_counter()
    x = np.stack([(np.fromfile(os.path.join(a.dir, f"t{t:02d}.bin"), np.float32).reshape(C, H, W) - mean) / std for t in range(T)])
    tt = lambda name: torch.from_numpy(np.array(w[name]))

    if a.model == "cnn2d":
        layers, cin, i = [], C, 0
        for j, f in enumerate([32, 32, 64, 64, 128, 128]):
            conv, bn = nn.Conv2d(cin, f, 3, padding=1), nn.BatchNorm2d(f, eps=1e-3)
            conv.weight.data, conv.bias.data = tt(f"cnn.{i}.weight").permute(3, 2, 0, 1).contiguous(), tt(f"cnn.{i}.bias")
            bn.weight.data, bn.bias.data = tt(f"cnn.{i + 2}.gamma"), tt(f"cnn.{i + 2}.beta")
            bn.running_mean.data, bn.running_var.data = tt(f"cnn.{i + 2}.running_mean"), tt(f"cnn.{i + 2}.running_var")
            layers += [conv, nn.ReLU(), bn] + ([nn.MaxPool2d(2)] if j in (1, 3) else [])
            i += 3 + (1 if j in (1, 3) else 0) + (1 if j == 1 else 0)
            cin = f
        cnn = nn.Sequential(*layers)
        head = nn.Sequential(nn.Linear(6144, 1024), nn.ReLU(), nn.Linear(1024, 512), nn.ReLU(), nn.Linear(512, K))
        for lin, name in ((head[0], "dense.0"), (head[2], "dense.2"), (head[4], "classifier")):
            lin.weight.data, lin.bias.data = tt(f"{name}.weight").t().contiguous(), tt(f"{name}.bias")

        def forward(p):  # (B, T, C, 9, 9); sitscube flattens each date's maps as (h, w, c)
            b = p.shape[0]
            f = cnn(p.reshape(b * T, C, 9, 9)).permute(0, 2, 3, 1)
            return head(f.reshape(b, -1))
        r = 4
    else:
        layers, cin = [], C
        for i in (0, 4, 8):
            conv, bn = nn.Conv1d(cin, 64, 5, padding=2), nn.BatchNorm1d(64, eps=1e-3)
            conv.weight.data, conv.bias.data = tt(f"conv.{i}.weight").permute(2, 1, 0).contiguous(), tt(f"conv.{i}.bias")
            bn.weight.data, bn.bias.data = tt(f"conv.{i + 1}.gamma"), tt(f"conv.{i + 1}.beta")
            bn.running_mean.data, bn.running_var.data = tt(f"conv.{i + 1}.running_mean"), tt(f"conv.{i + 1}.running_var")
            layers += [conv, bn, nn.ReLU()]
            cin = 64
        cnn = nn.Sequential(*layers)
        bn = nn.BatchNorm1d(256, eps=1e-3)
        bn.weight.data, bn.bias.data = tt("dense.1.gamma"), tt("dense.1.beta")
        bn.running_mean.data, bn.running_var.data = tt("dense.1.running_mean"), tt("dense.1.running_var")
        head = nn.Sequential(nn.Linear(T * 64, 256), bn, nn.ReLU(), nn.Linear(256, K))
        for lin, name in ((head[0], "dense.0"), (head[3], "classifier")):
            lin.weight.data, lin.bias.data = tt(f"{name}.weight").t().contiguous(), tt(f"{name}.bias")

        def forward(p):  # (B, T, C, 1, 1) -> conv over time, flattened (t, channel) as sitscube
            b = p.shape[0]
            f = cnn(p.reshape(b, T, C).transpose(1, 2)).transpose(1, 2)
            return head(f.reshape(b, -1))
        r = 0
    cnn.eval(); head.eval()

    pad = np.pad(x, ((0, 0), (0, 0), (r, r), (r, r)), mode="reflect") if r else x
    pad = np.nan_to_num(pad, nan=0.0)
    windows = np.lib.stride_tricks.sliding_window_view(pad, (2 * r + 1, 2 * r + 1), axis=(2, 3))  # (T, C, H, W, p, p)
    classes = np.empty((H, W), np.uint8)
    batch = 256
    with torch.no_grad():
        for row in range(H):
            line = np.ascontiguousarray(windows[:, :, row].transpose(2, 0, 1, 3, 4))  # (W, T, C, p, p)
            for s in range(0, W, batch):
                logits = forward(torch.from_numpy(line[s:s + batch]))
                classes[row, s:s + batch] = logits.argmax(1).numpy()
    seconds = time.perf_counter() - t0
    np.save(a.out, classes)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"impl": "pytorch", "model": a.model, "pixels": H * W, "seconds": seconds, "px_per_s": H * W / seconds,
                      "peak_rss_mb": rss, "threads": a.threads, "torch": torch.__version__}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup"); s.add_argument("--size", type=int, default=256); s.add_argument("--out", required=True)
    p = sub.add_parser("predict"); p.add_argument("--model", required=True); p.add_argument("--dir", required=True)
    p.add_argument("--threads", type=int, default=os.cpu_count()); p.add_argument("--out", required=True)
    a = ap.parse_args()
    setup(a) if a.cmd == "setup" else predict(a)


if __name__ == "__main__":
    main()
