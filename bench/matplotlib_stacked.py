#!/usr/bin/python3
"""The same stacked bar as render/examples/stacked_bar.json, drawn the way PAXminer drew its
charts (pandas-free matplotlib, Agg, PNG at 6.4x4.8 in), timed per chart at 100 dpi (640x480)
and, as the third argument asks, 200 dpi (1280x960, the pixels of paxstats's 2x).
Run by bench/render_bench.sh with Debian's python3-matplotlib."""
import io, json, sys, time
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

spec = json.load(open(sys.argv[1]))
n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
dpi = int(sys.argv[3]) if len(sys.argv) > 3 else 100

def draw():
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=dpi)
    bottom = [0] * len(spec["categories"])
    for s in spec["series"]:
        ax.bar(spec["categories"], s["values"], bottom=bottom, label=s["label"])
        bottom = [b + v for b, v in zip(bottom, s["values"])]
    ax.set_title(spec["title"])
    ax.set_ylabel(spec.get("y_title", ""))
    ax.text(0.95, 0.95, "Total: %d" % sum(bottom), transform=ax.transAxes, ha="right", va="top", fontsize=12)
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()

png = draw()
start = time.perf_counter()
for _ in range(n):
    png = draw()
ms = (time.perf_counter() - start) * 1000 / n
open("/tmp/paxstats-render-bench-matplotlib-%ddpi.png" % dpi, "wb").write(png)
print("matplotlib %dx%d: %.3f ms/chart, png %d bytes" % (640 * dpi // 100, 480 * dpi // 100, ms, len(png)))
