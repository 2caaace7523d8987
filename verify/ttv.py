"""Time to verify as a fixed-bucket histogram, so medians and p90s add up across days.

A day's rollup keeps how many approved attempts fell in each bucket; a period's histogram is
the sum of its days', and a quantile is read from it by nearest rank. The buckets are fixed
(never re-fitted to the data) and fine where verifications happen: one second wide up to two
minutes, five seconds up to ten minutes (Twilio's default code validity), a minute up to an
hour, then one bucket for anything later. A quantile under two minutes is exact to the
second; above, it is the middle of its bucket (within 2.5 s, then 30 s).
"""

import math
from collections.abc import Iterable, Mapping

# (start of the band in seconds, end, width of its buckets)
BANDS = ((0, 120, 1), (120, 600, 5), (600, 3600, 60))
LAST = sum((end - start) // width for start, end, width in BANDS)  # the "over an hour" bucket


def bucket_of(seconds: float) -> int:
    """The bucket index of a time to verify (negative clock skew counts as zero)."""
    seconds = max(seconds, 0.0)
    index = 0
    for start, end, width in BANDS:
        if seconds < end:
            return index + int((seconds - start) // width)
        index += (end - start) // width
    return LAST


def bucket_bounds(index: int) -> tuple[float, float]:
    """[low, high) seconds of a bucket; the last one is open-ended (high = inf)."""
    for start, end, width in BANDS:
        count = (end - start) // width
        if index < count:
            low = start + index * width
            return float(low), float(low + width)
        index -= count
    return float(BANDS[-1][1]), math.inf


def bucket_value(index: int) -> float:
    """The seconds a bucket stands for: its start for one-second buckets, else its middle."""
    low, high = bucket_bounds(index)
    if high == math.inf:
        return low
    return low if high - low == 1 else (low + high) / 2


def histogram_of(seconds: Iterable[float]) -> dict[str, int]:
    """Counts per bucket (keys are strings, as JSON stores them)."""
    counts: dict[str, int] = {}
    for value in seconds:
        key = str(bucket_of(value))
        counts[key] = counts.get(key, 0) + 1
    return counts


def merge_into(total: dict[str, int], histogram: Mapping[str, int]) -> None:
    """Add a histogram (bucket index as a string → count) to a running total."""
    get = total.get
    for key, count in histogram.items():
        total[key] = get(key, 0) + count


def quantile(histogram: Mapping[str, int], q: float) -> float | None:
    """The nearest-rank `q` quantile (0 < q ≤ 1) in seconds; None when nothing was approved."""
    n = sum(histogram.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for index in sorted(histogram, key=int):
        seen += histogram[index]
        if seen >= rank:
            return bucket_value(int(index))
    return bucket_value(max(map(int, histogram)))


# Coarse bins of the distribution shown on the analytics page: (label, from, to seconds).
COARSE_BINS = (
    ("under 15 s", 0, 15),
    ("15-30 s", 15, 30),
    ("30-60 s", 30, 60),
    ("1-2 min", 60, 120),
    ("2-5 min", 120, 300),
    ("5-10 min", 300, 600),
    ("over 10 min", 600, math.inf),
)


def coarse(histogram: Mapping[str, int]) -> list[dict]:
    """The histogram regrouped in `COARSE_BINS` (every bin listed, empty ones as 0)."""
    counts = [0] * len(COARSE_BINS)
    for index, count in histogram.items():
        low = bucket_bounds(int(index))[0]
        for position, (_, start, end) in enumerate(COARSE_BINS):
            if start <= low < end:
                counts[position] += count
                break
    return [
        {"label": label, "count": count}
        for (label, _, _), count in zip(COARSE_BINS, counts, strict=True)
    ]
