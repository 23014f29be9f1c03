using Gatsbi.Randomness;

namespace Gatsbi.Tests.Core;

public sealed class RngTests
{
    private const int Draws = 100_000;

    [Fact]
    public void Same_seed_gives_the_same_stream()
    {
        var a = new Rng(12345);
        var b = new Rng(12345);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
            Assert.Equal(a.Normal(), b.Normal());
            Assert.Equal(a.NextInt(17), b.NextInt(17));
            Assert.Equal(a.NextDouble(), b.NextDouble());
        }
    }

    [Fact]
    public void Adjacent_seeds_give_different_streams()
    {
        var a = new Rng(1);
        var b = new Rng(2);
        var first = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        var second = Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToArray();
        // Two independent 64-bit streams share a value with probability ~100²/2⁶⁴.
        Assert.Empty(first.Intersect(second));
    }

    [Fact]
    public void NextDouble_and_Uniform_stay_in_their_half_open_interval()
    {
        var rng = new Rng(7);
        for (int i = 0; i < Draws; i++)
        {
            double u = rng.NextDouble();
            Assert.InRange(u, 0.0, Math.BitDecrement(1.0));
            double w = rng.Uniform(-3, 5);
            Assert.True(w >= -3 && w < 5, $"Uniform(-3, 5) gave {w}");
        }
    }

    [Fact]
    public void Uniform_moments_match_within_five_standard_errors()
    {
        var rng = new Rng(2024);
        var x = Enumerable.Range(0, Draws).Select(_ => rng.Uniform(2, 6)).ToArray();
        // U(2, 6): mean 4, variance 16/12. SE(mean) = sqrt(var/n) ≈ 0.0037;
        // SE(sample variance) = sqrt((μ4 − σ⁴)/n) with μ4 = 4⁴/80 = 3.2, σ⁴ = 1.78 → ≈ 0.0038.
        double var = 16.0 / 12;
        double seMean = Math.Sqrt(var / Draws);
        double seVar = Math.Sqrt((256.0 / 80 - var * var) / Draws);
        Assert.InRange(Stats.Mean(x), 4 - 5 * seMean, 4 + 5 * seMean);
        Assert.InRange(Stats.Variance(x), var - 5 * seVar, var + 5 * seVar);
    }

    [Fact]
    public void Normal_moments_match_within_five_standard_errors()
    {
        var rng = new Rng(99);
        var z = Enumerable.Range(0, Draws).Select(_ => rng.Normal()).ToArray();
        // N(0, 1): SE(mean) = 1/√n ≈ 0.0032, SE(variance) = √(2/n) ≈ 0.0045,
        // SE(third moment) = √(15/n) ≈ 0.012, SE(kurtosis) ≈ √(24/n) ≈ 0.015.
        double n = Draws;
        Assert.InRange(Stats.Mean(z), -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
        Assert.InRange(Stats.Variance(z), 1 - 5 * Math.Sqrt(2 / n), 1 + 5 * Math.Sqrt(2 / n));
        Assert.InRange(Stats.CentralMoment(z, 3), -5 * Math.Sqrt(15 / n), 5 * Math.Sqrt(15 / n));
        double kurtosis = Stats.CentralMoment(z, 4) / Math.Pow(Stats.CentralMoment(z, 2), 2);
        Assert.InRange(kurtosis, 3 - 5 * Math.Sqrt(24 / n), 3 + 5 * Math.Sqrt(24 / n));
        // Tail mass: P(|Z| > 2) = 0.0455, binomial SE √(p(1−p)/n) ≈ 0.00066.
        double tail = z.Count(v => Math.Abs(v) > 2) / n;
        Assert.InRange(tail, 0.0455 - 5 * 0.00066, 0.0455 + 5 * 0.00066);
    }

    [Fact]
    public void Normal_with_mean_and_std_is_shifted_and_scaled()
    {
        var rng = new Rng(5);
        var x = Enumerable.Range(0, Draws).Select(_ => rng.Normal(10, 0.5)).ToArray();
        // SE(mean) = 0.5/√n ≈ 0.0016; SE(std) ≈ 0.5/√(2n) ≈ 0.0011.
        Assert.InRange(Stats.Mean(x), 10 - 5 * 0.5 / Math.Sqrt(Draws), 10 + 5 * 0.5 / Math.Sqrt(Draws));
        Assert.InRange(Stats.Std(x), 0.5 - 5 * 0.5 / Math.Sqrt(2.0 * Draws), 0.5 + 5 * 0.5 / Math.Sqrt(2.0 * Draws));
    }

    [Fact]
    public void NextInt_is_roughly_unbiased_over_small_ranges()
    {
        var rng = new Rng(31337);
        const int k = 7;
        var counts = new int[k];
        for (int i = 0; i < Draws; i++)
        {
            int v = rng.NextInt(k);
            Assert.InRange(v, 0, k - 1);
            counts[v]++;
        }
        // χ² with 6 degrees of freedom: P(χ² > 22.46) = 0.001.
        Assert.True(Stats.ChiSquareUniform(counts) < 22.46, $"counts {string.Join(", ", counts)}");
    }

    [Fact]
    public void NextInt_is_unbiased_for_a_range_near_int_MaxValue()
    {
        // Both halves of [0, n) should get ≈ 50% of the draws (binomial SE √(0.25/n) ≈ 0.0016). With
        // n = 0.75·2³¹ a biased reduction such as "31 random bits mod n" would put 62.5% in the lower half.
        var rng = new Rng(8);
        const int n = 1_610_612_736;
        int lower = 0;
        for (int i = 0; i < Draws; i++)
        {
            int v = rng.NextInt(n);
            Assert.InRange(v, 0, n - 1);
            if (v < n / 2) lower++;
        }
        Assert.InRange(lower / (double)Draws, 0.5 - 5 * 0.0016, 0.5 + 5 * 0.0016);
    }

    [Fact]
    public void NextInt_of_one_is_zero_and_of_zero_throws()
    {
        var rng = new Rng(1);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(0, rng.NextInt(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(-3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    public void Permutation_is_a_permutation(int n)
    {
        var p = new Rng(42).Permutation(n);
        Assert.Equal(Enumerable.Range(0, n), p.Order());
    }

    [Fact]
    public void Permutation_shuffles_and_depends_on_the_seed()
    {
        var a = new Rng(1).Permutation(1000);
        var b = new Rng(2).Permutation(1000);
        Assert.NotEqual(Enumerable.Range(0, 1000), a);
        Assert.NotEqual(a, b);
        Assert.Equal(a, new Rng(1).Permutation(1000));
    }

    [Fact]
    public void Permutations_of_three_are_equally_likely()
    {
        var rng = new Rng(77);
        var counts = new Dictionary<string, int>();
        const int trials = 600_000;
        for (int i = 0; i < trials; i++)
        {
            var key = string.Join("", rng.Permutation(3));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, counts.Count);
        // χ² with 5 degrees of freedom: P(χ² > 20.52) = 0.001.
        Assert.True(Stats.ChiSquareUniform(counts.Values.ToList()) < 20.52, string.Join(", ", counts));
    }
}

public sealed class SeedsTests
{
    [Fact]
    public void Derive_is_deterministic()
    {
        Assert.Equal(Seeds.Derive(5, Seeds.Streams.Prior, 3), Seeds.Derive(5, Seeds.Streams.Prior, 3));
    }

    [Fact]
    public void Derived_seeds_are_distinct_across_roots_streams_and_indices()
    {
        ulong[] streams = [Seeds.Streams.Prior, Seeds.Streams.Simulation, Seeds.Streams.Networks,
            Seeds.Streams.Training, Seeds.Streams.Sampling, Seeds.Streams.Metric];
        Assert.Equal(streams.Length, streams.Distinct().Count());
        var seen = new HashSet<ulong>();
        int total = 0;
        foreach (ulong root in new ulong[] { 0, 1, 2, 12345, ulong.MaxValue })
            foreach (ulong stream in streams)
                for (ulong index = 0; index < 500; index++)
                {
                    seen.Add(Seeds.Derive(root, stream, index));
                    total++;
                }
        Assert.Equal(total, seen.Count);
    }

    [Fact]
    public void Streams_of_derived_seeds_do_not_overlap_at_the_start()
    {
        // Adjacent chunk seeds must not give shifted copies of one stream.
        var first = new Rng(Seeds.Derive(1, Seeds.Streams.Simulation, 0));
        var second = new Rng(Seeds.Derive(1, Seeds.Streams.Simulation, 1));
        var a = Enumerable.Range(0, 1000).Select(_ => first.NextUInt64()).ToHashSet();
        Assert.DoesNotContain(Enumerable.Range(0, 1000).Select(_ => second.NextUInt64()), a.Contains);
    }

    [Fact]
    public void ForTorch_is_non_negative_and_keeps_the_low_bits()
    {
        Assert.Equal(long.MaxValue, Seeds.ForTorch(ulong.MaxValue));
        Assert.Equal(12345L, Seeds.ForTorch(12345));
        Assert.True(Seeds.ForTorch(Seeds.Derive(3, Seeds.Streams.Networks)) >= 0);
    }
}
