"""The same DCGAN-style encoder and step as dcgan.js, timed in PyTorch on CPU.
Usage: python3 torch_step.py H W C BATCH THREADS MIN_SECONDS  → prints one JSON line."""
import json, sys, time
import torch
import torch.nn as nn

h, w, c, batch, threads = map(int, sys.argv[1:6])
min_s = float(sys.argv[6])
torch.set_num_threads(threads)
torch.manual_seed(1)
convs = [64, 128, 256] if h >= 32 else [64, 128]
layers, cin, size = [], c, h
for f in convs:
    layers += [nn.Conv2d(cin, f, 4, 2, 1), nn.ReLU()]
    cin, size = f, size // 2
model = nn.Sequential(*layers, nn.Flatten(), nn.Linear(cin * size * size, 1024), nn.ReLU(), nn.Linear(1024, 64))
opt = torch.optim.Adam(model.parameters(), lr=1e-4)
x = torch.rand(batch, c, h, w)

def step():
    opt.zero_grad()
    loss = model(x).pow(2).mean()
    loss.backward()
    opt.step()

for _ in range(3):
    step()
n, t0 = 0, time.perf_counter()
while True:
    step()
    n += 1
    dt = time.perf_counter() - t0
    if dt >= min_s and n >= 3:
        break
print(json.dumps({"steps": n, "seconds": dt, "img_per_s": n * batch / dt, "torch": torch.__version__,
                  "blas": torch.__config__.show().count("OpenBLAS") > 0}))
