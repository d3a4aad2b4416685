"""Optional references for `npm run bench`, measured when this Python has the packages:
numpy's sort (AVX-512 where numpy has it) and matmul (its BLAS, e.g. OpenBLAS), and Pillow's
JPEG-only Error Level Analysis. Prints one JSON object; a reference whose package is missing is
reported as {"missing": "..."}.

usage: python3 python_refs.py SORT_F64_FILE MATRIX_A_FILE MATRIX_B_FILE N JPEG_FILE QUALITY ROUNDS
"""
import io
import json
import sys
import time


def median(values):
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def timed(fn, rounds):
    fn()  # warm-up
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1e3)
    return {"medianMs": median(out), "minMs": min(out)}


def main():
    sort_file, a_file, b_file, n, jpeg_file, quality, rounds = sys.argv[1:8]
    n, quality, rounds = int(n), int(quality), int(rounds)
    out = {"python": sys.version.split()[0]}
    try:
        import numpy as np

        out["numpy"] = np.__version__
        data = np.fromfile(sort_file, dtype="<f8")
        out["numpySort"] = timed(lambda: np.sort(data, kind="quicksort"), rounds)
        a = np.fromfile(a_file, dtype="<f8").reshape(n, n)
        b = np.fromfile(b_file, dtype="<f8").reshape(n, n)
        try:
            from threadpoolctl import threadpool_limits

            with threadpool_limits(limits=1):
                out["numpyMatmul"] = timed(lambda: a @ b, rounds)
        except ImportError:
            # Without threadpoolctl the BLAS thread count comes from OPENBLAS_NUM_THREADS, which
            # the bench sets to 1 for this process.
            out["numpyMatmul"] = timed(lambda: a @ b, rounds)
        try:
            out["blas"] = [
                {k: v for k, v in info.items() if k in ("internal_api", "version", "architecture")}
                for info in __import__("threadpoolctl").threadpool_info()
            ]
        except ImportError:
            pass
    except ImportError:
        out["numpySort"] = out["numpyMatmul"] = {"missing": "numpy (pip install numpy)"}
    try:
        from PIL import Image, ImageChops

        with open(jpeg_file, "rb") as f:
            jpeg = f.read()

        def ela():
            original = Image.open(io.BytesIO(jpeg)).convert("RGB")
            buffer = io.BytesIO()
            original.save(buffer, "JPEG", quality=quality)
            buffer.seek(0)
            resaved = Image.open(buffer).convert("RGB")
            return ImageChops.difference(original, resaved).getextrema()

        import PIL

        out["pillow"] = PIL.__version__
        out["pillowEla"] = timed(ela, rounds)
    except ImportError:
        out["pillowEla"] = {"missing": "Pillow (pip install pillow)"}
    print(json.dumps(out))


main()
