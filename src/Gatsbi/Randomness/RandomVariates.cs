namespace Gatsbi.Randomness;

/// <summary>Draws from standard distributions that simulators need, on top of <see cref="Rng"/>.</summary>
public static class RandomVariates
{
    /// <summary>Exponential with mean 1 (inversion; 1 − U avoids log 0).</summary>
    public static double Exponential(this Rng rng) => -Math.Log(1.0 - rng.NextDouble());

    /// <summary>
    /// Binomial(n, p), exact. Small means use inversion (sequential search over the pmf); larger ones use
    /// Hörmann's BTRS transformed rejection with squeeze (1993), the algorithm PyTorch's sampler uses,
    /// whose expected cost does not grow with n.
    /// </summary>
    public static int Binomial(this Rng rng, int n, double p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Binomial probability must lie in [0, 1]; got {p}.");
        if (n == 0 || p == 0) return 0;
        if (p == 1) return n;
        // Sample the rarer outcome, which keeps the mean n·q ≤ n/2.
        bool flip = p > 0.5;
        double q = flip ? 1 - p : p;
        int k = n * q < 10 ? BinomialInversion(rng, n, q) : BinomialBtrs(rng, n, q);
        return flip ? n - k : k;
    }

    private static int BinomialInversion(Rng rng, int n, double p)
    {
        double ratio = p / (1 - p);
        double pmf = Math.Exp(n * Math.Log(1 - p));
        double u = rng.NextDouble();
        int k = 0;
        while (u > pmf && k < n)
        {
            u -= pmf;
            pmf *= ratio * (n - k) / (k + 1);
            k++;
            // Rounding can leave u above the remaining mass: restart rather than bias the tail.
            if (pmf == 0 && u > 0) { u = rng.NextDouble(); pmf = Math.Exp(n * Math.Log(1 - p)); k = 0; }
        }
        return k;
    }

    private static int BinomialBtrs(Rng rng, int n, double p)
    {
        double spq = Math.Sqrt(n * p * (1 - p));
        double b = 1.15 + 2.53 * spq;
        double a = -0.0873 + 0.0248 * b + 0.01 * p;
        double c = n * p + 0.5;
        double vr = 0.92 - 4.2 / b;
        double alpha = (2.83 + 5.1 / b) * spq;
        double lpq = Math.Log(p / (1 - p));
        int m = (int)Math.Floor((n + 1) * p);
        double h = LogFactorial(m) + LogFactorial(n - m);
        while (true)
        {
            double u = rng.NextDouble() - 0.5;
            double v = rng.NextDouble();
            double us = 0.5 - Math.Abs(u);
            if (us == 0) continue; // u = −0.5 exactly would divide by zero below
            int k = (int)Math.Floor((2 * a / us + b) * u + c);
            if (k < 0 || k > n) continue;
            if (us >= 0.07 && v <= vr) return k;
            v = Math.Log(v * alpha / (a / (us * us) + b));
            if (v <= h - LogFactorial(k) - LogFactorial(n - k) + (k - m) * lpq) return k;
        }
    }

    /// <summary>
    /// Poisson(λ), exact for every λ ≥ 0 (the camera simulator needs λ up to 256). Means below 10 use
    /// inversion (sequential search over the pmf from P(0) = e^−λ, one uniform per draw); larger ones use
    /// Hörmann's PTRS transformed rejection with squeeze (1993), the algorithm NumPy's and PyTorch's samplers
    /// use, whose expected cost does not grow with λ. Knuth's multiplication method would also be exact but
    /// needs about λ uniforms per draw; a normal approximation would change the noise law.
    /// </summary>
    public static int Poisson(this Rng rng, double lambda)
    {
        if (!(lambda >= 0 && lambda <= MaxPoissonMean))
            throw new ArgumentOutOfRangeException(nameof(lambda), $"Poisson mean must lie in [0, {MaxPoissonMean:G}]; got {lambda}.");
        if (lambda == 0) return 0;
        return lambda < 10 ? PoissonInversion(rng, lambda) : PoissonPtrs(rng, lambda);
    }

    /// <summary>Largest Poisson mean accepted: draws must still fit an int with room for the tail.</summary>
    public const double MaxPoissonMean = 1e9;

    private static int PoissonInversion(Rng rng, double lambda)
    {
        double p0 = Math.Exp(-lambda);
        while (true)
        {
            double u = rng.NextDouble();
            double pmf = p0;
            int k = 0;
            while (u > pmf)
            {
                u -= pmf;
                k++;
                pmf *= lambda / k;
                // Rounding can leave u above the remaining mass once the pmf has vanished: redraw rather than
                // bias the tail (for λ < 10 this needs u within about 1e-16 of 1).
                if (pmf == 0) break;
            }
            if (pmf > 0 || u <= 0) return k;
        }
    }

    private static int PoissonPtrs(Rng rng, double lambda)
    {
        double slam = Math.Sqrt(lambda);
        double logLambda = Math.Log(lambda);
        double b = 0.931 + 2.53 * slam;
        double a = -0.059 + 0.02483 * b;
        double logInvAlpha = Math.Log(1.1239 + 1.1328 / (b - 3.4));
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = rng.NextDouble() - 0.5;
            double v = rng.NextDouble();
            double us = 0.5 - Math.Abs(u);
            if (us == 0) continue; // u = −0.5 exactly would divide by zero below
            double kReal = Math.Floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) return (int)kReal;
            if (kReal < 0 || (us < 0.013 && v > us)) continue;
            if (kReal > int.MaxValue) continue; // far beyond any mass the hat lets through for λ ≤ 1e9
            int k = (int)kReal;
            // log v = −∞ at v = 0 accepts, which is right: the acceptance region contains the whole bottom edge.
            if (Math.Log(v) + logInvAlpha - Math.Log(a / (us * us) + b) <= -lambda + k * logLambda - LogFactorial(k)) return k;
        }
    }

    private static double LogFactorial(int k) => LogGamma(k + 1.0);

    /// <summary>
    /// log Γ(x) for x &gt; 0: Stirling's series after shifting x to at least 10 with Γ(x + 1) = x·Γ(x). Six terms
    /// of the series leave a truncation error below 1e-15 at x = 10, so what remains is rounding: a few 1e-15
    /// absolute below 10 and relative above.
    /// </summary>
    public static double LogGamma(double x)
    {
        double shift = 0;
        while (x < 10) { shift -= Math.Log(x); x += 1; }
        double inv = 1 / x, inv2 = inv * inv;
        double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680 - inv2 * (1.0 / 1188 - inv2 * (691.0 / 360360))))));
        return shift + (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + series;
    }
}
