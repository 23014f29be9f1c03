#!/usr/bin/env python3
"""The two_moons model as an external simulator for `gatsbi simulate` (line protocol).

Gatsbi starts this script once per worker and keeps it running. For every simulation it writes one
line to standard input, `seed theta1 theta2`, and reads back one line, `x1 x2`. Standard library only.
The protocol is described in docs/external-simulators.md.
"""
import math
import random
import sys


def simulate(theta1, theta2, rng):
    """sbibm's two_moons: a noisy point on a half circle, moved by the parameters."""
    angle = rng.uniform(-math.pi / 2, math.pi / 2)
    radius = rng.gauss(0.1, 0.01)
    x1 = radius * math.cos(angle) + 0.25 - abs(theta1 + theta2) / math.sqrt(2)
    x2 = radius * math.sin(angle) + (theta2 - theta1) / math.sqrt(2)
    return x1, x2


def main():
    for line in sys.stdin:
        seed, theta1, theta2 = line.split()
        # A generator per simulation, seeded by Gatsbi: the result depends on the seed and θ only, not
        # on which worker got the row, so runs are reproducible with any number of workers.
        rng = random.Random(int(seed))
        x = simulate(float(theta1), float(theta2), rng)
        # repr() prints floats exactly; flush, because Gatsbi waits for this line before sending more.
        print(*map(repr, x), flush=True)


if __name__ == "__main__":
    main()
