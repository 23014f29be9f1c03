namespace Gatsbi.Randomness;

/// <summary>
/// A small, fast, seedable pseudo-random generator (xoshiro256**) for the plain C# side of the toolkit:
/// priors and simulators. Unlike <see cref="System.Random"/>, its stream is fixed by this file alone, so
/// results reproduce across .NET versions. Not thread-safe: give each worker its own instance, seeded
/// with <see cref="Seeds.Derive(ulong, ulong, ulong)"/>.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>
    /// A generator whose whole stream is fixed by <paramref name="seed"/>; any value, 0 included, is a valid
    /// seed, and nearby seeds give unrelated streams.
    /// </summary>
    public Rng(ulong seed)
    {
        // SplitMix64 spreads even adjacent seeds over the whole state space.
        ulong x = seed;
        _s0 = Seeds.SplitMix64(ref x);
        _s1 = Seeds.SplitMix64(ref x);
        _s2 = Seeds.SplitMix64(ref x);
        _s3 = Seeds.SplitMix64(ref x);
    }

    /// <summary>The next 64 uniformly random bits: the raw xoshiro256** output that every other draw is built on.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong bound = (ulong)n;
        UInt128 m = (UInt128)NextUInt64() * bound;
        ulong low = (ulong)m;
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * bound;
                low = (ulong)m;
            }
        }
        return (int)(m >> 64);
    }

    /// <summary>Standard normal draw (Marsaglia's polar method; the second value is kept for the next call).</summary>
    public double Normal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double factor = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareNormal = v * factor;
        _hasSpareNormal = true;
        return u * factor;
    }

    /// <summary>Normal draw with mean <paramref name="mean"/> and standard deviation <paramref name="std"/> (not the variance).</summary>
    public double Normal(double mean, double std) => mean + std * Normal();

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle<int>(p);
        return p;
    }
}
