"""The reference `ela_bench` is compared with: Pillow's JPEG-only ELA of the same fixture
(decode, save at quality 90, decode, ImageChops.difference; no PNG), one thread, as issue 13
measures it. `python3 crates/core/examples/ela_pillow.py [runs]` (`pip install pillow`).
Prints the median and minimum wall time and the median thread CPU time, in ms."""
import io
import statistics
import sys
import time
from pathlib import Path

from PIL import Image, ImageChops, features

FIXTURE = Path(__file__).resolve().parents[3] / '__test__' / 'fixtures' / 'ela-spliced.jpg'


def ela(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    buf = io.BytesIO()
    im.save(buf, 'JPEG', quality=90)
    buf.seek(0)
    resaved = Image.open(buf)
    resaved.load()
    return ImageChops.difference(im, resaved)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 31
    data = FIXTURE.read_bytes()
    for _ in range(3):
        ela(data)
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.thread_time()
        ela(data)
        wall.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.thread_time() - c) * 1e3)
    print(f"Pillow {Image.__version__} (libjpeg-turbo {features.version_feature('libjpeg_turbo')}), JPEG-only ELA, "
          f"{runs} runs: median {statistics.median(wall):7.3f} ms  min {min(wall):7.3f} ms  "
          f"cpu median {statistics.median(cpu):7.3f} ms")


if __name__ == '__main__':
    main()
