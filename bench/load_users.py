"""Pages under load as people use them: N simulated users, each logged in, opening pages with a think time.

Each user is a thread with its own session (logs in through the real login form with its CSRF token), then, until
the time is up, opens a page picked from the mix below, waits for the whole response, and pauses a random think
time (default 1–5 s, like a person reading a page) before the next one. Latency percentiles are reported per page
and overall, with requests/s and errors. Baseline in the same run: the same users with no think time (what `wrk`
measures; ``--stress``), which shows the server's capacity and how latency becomes queueing once it is exceeded.

    python bench/load_users.py --base http://127.0.0.1:8765 --users 50 --seconds 60
    python bench/load_users.py --base http://127.0.0.1:8765 --users 50 --seconds 30 --stress

Start the server first, e.g. ``lindung serve --port 8765`` on a database holding the demo (or a national dataset,
see bench/gen_national.py) and log in with the demo users (password ``lindung-demo-2026``).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict

PASSWORD = "lindung-demo-2026"
# (weight, username, path): the province office and the regency office read reports and lists, the village
# operator its own people; searches by name and by NIK.
MIX = [
    (4, "provinsi", "/"),
    (2, "provinsi", "/laporan/rakor/?region=53"),
    (1, "provinsi", "/api/v1/reports/rakor?region=53"),
    (3, "kabupaten", "/"),
    (3, "kabupaten", "/peserta/"),
    (2, "kabupaten", "/peserta/?kind=perangkat&status=aktif"),
    (2, "kabupaten", "/peserta/?q=Yohanes"),
    (2, "desa", "/"),
    (2, "desa", "/peserta/"),
    (1, "bpjs", "/"),
]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def login(base: str, username: str) -> str:
    """The session cookie of ``username`` after logging in through the form (one login per role: password hashing
    is deliberately slow, and people stay logged in)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/login/",
        data=data,
        headers={"Referer": base + "/accounts/login/"},
    )
    opener.open(request, timeout=60).read()
    for cookie in jar:
        if cookie.name == "sessionid":
            return cookie.value
    raise SystemExit(f"login failed for {username}")


def user_loop(
    base: str,
    seed: int,
    until: float,
    think: tuple[float, float],
    cookies: dict[str, str],
    results: dict,
    lock: threading.Lock,
) -> None:
    rng = random.Random(seed)
    weights = [w for w, _u, _p in MIX]
    opener = urllib.request.build_opener()
    # Start spread over the first think time, as people do not all click at the same instant.
    time.sleep(rng.uniform(0, think[1]))
    while time.monotonic() < until:
        _w, username, path = rng.choices(MIX, weights=weights)[0]
        request = urllib.request.Request(
            base + path, headers={"Cookie": "sessionid=" + cookies[username]}
        )
        start = time.perf_counter()
        ok = True
        try:
            with opener.open(request, timeout=60) as response:
                response.read()
                ok = response.status == 200
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            ok = False
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            results[f"{username} {path}"].append(elapsed)
            if not ok:
                results["errors"].append(f"{username} {path}")
        if think[1] > 0:
            time.sleep(rng.uniform(*think))


def run(
    base: str,
    users: int,
    seconds: float,
    think: tuple[float, float],
    seed: int,
    cookies: dict[str, str],
) -> dict:
    results: dict[str, list] = defaultdict(list)
    lock = threading.Lock()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=user_loop,
            args=(base, seed + i, until, think, cookies, results, lock),
            daemon=True,
        )
        for i in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pages = {}
    everything: list[float] = []
    for path in sorted(k for k in results if k != "errors"):
        values = results[path]
        everything.extend(values)
        pages[path] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
        }
    return {
        "users": users,
        "seconds": seconds,
        "think_s": list(think),
        "requests_per_s": round(len(everything) / seconds, 1),
        "errors": len(results["errors"]),
        "all": {
            "requests": len(everything),
            "p50_ms": round(percentile(everything, 50), 1),
            "p95_ms": round(percentile(everything, 95), 1),
            "p99_ms": round(percentile(everything, 99), 1),
            "mean_ms": round(statistics.fmean(everything), 1) if everything else 0,
        },
        "pages": pages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--stress",
        action="store_true",
        help="also run the same users with no think time (baseline)",
    )
    args = parser.parse_args()
    cookies = {u: login(args.base, u) for u in sorted({u for _w, u, _p in MIX})}
    # Warm each page once (reports are cached per data version), as a running server would be.
    for _w, username, path in MIX:
        request = urllib.request.Request(
            args.base + path, headers={"Cookie": "sessionid=" + cookies[username]}
        )
        urllib.request.urlopen(request, timeout=120).read()
    think = (args.think_min, args.think_max)
    out = {"think": run(args.base, args.users, args.seconds, think, args.seed, cookies)}
    if args.stress:
        out["no_think"] = run(
            args.base, args.users, args.seconds, (0.0, 0.0), args.seed, cookies
        )
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
