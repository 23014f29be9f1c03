namespace Gatsbi.Randomness;

/// <summary>
/// Derives independent seeds from one root seed, so that every random stream in a run (prior draws,
/// each chunk of simulations, network initialisation, training batches) is fixed by the root seed alone
/// and does not depend on how work is split over threads.
/// </summary>
public static class Seeds
{
    /// <summary>Well-known stream names, so that two components never share a stream by accident.</summary>
    public static class Streams
    {
        /// <summary>Draws of θ from the prior.</summary>
        public const ulong Prior = 1;

        /// <summary>The simulator's random numbers; <see cref="Gatsbi.Simulation.SimulationRunner"/> derives one generator per chunk of rows from it.</summary>
        public const ulong Simulation = 2;

        /// <summary>Initial weights of neural networks.</summary>
        public const ulong Networks = 3;

        /// <summary>Training order: batches, shuffles and the noise fed to networks while they train.</summary>
        public const ulong Training = 4;

        /// <summary>Samples drawn from a trained posterior.</summary>
        public const ulong Sampling = 5;

        /// <summary>Randomness inside a metric, such as the C2ST classifier's folds and initialisation.</summary>
        public const ulong Metric = 6;

        /// <summary>Calibration diagnostics: SBC tie-breaks and rank jitter, ECDF band simulations.</summary>
        public const ulong Diagnostics = 7;

        /// <summary>Scoring a training run on its hold-out set.</summary>
        public const ulong HoldOutScore = 8;

        /// <summary>Seeds of the members of an ensemble of networks.</summary>
        public const ulong Ensemble = 9;

        /// <summary>Approximate Bayesian computation (ABC) populations.</summary>
        public const ulong Abc = 10;

        /// <summary>Drawing the observations x_o of a benchmark or test case.</summary>
        public const ulong Observation = 11;

        /// <summary>Rounds of sequential inference, one item per round.</summary>
        public const ulong Round = 12;

        /// <summary>Markov chain Monte Carlo, one item per chain.</summary>
        public const ulong Mcmc = 13;
    }

    /// <summary>
    /// One step of Steele, Lea and Flood's SplitMix64: advances <paramref name="state"/> by the golden-ratio
    /// increment and returns a well-mixed 64-bit value of it. Used to expand seeds, not as a generator.
    /// </summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A seed for sub-stream <paramref name="stream"/>, item <paramref name="index"/> of <paramref name="root"/>.</summary>
    public static ulong Derive(ulong root, ulong stream, ulong index = 0)
    {
        ulong state = root;
        ulong a = SplitMix64(ref state);
        state = a ^ (stream * 0xD1B54A32D192ED03UL);
        ulong b = SplitMix64(ref state);
        state = b ^ (index * 0x8CB92BA72F3D8DD7UL);
        return SplitMix64(ref state);
    }

    /// <summary>A seed that TorchSharp accepts (it takes a signed 64-bit value).</summary>
    public static long ForTorch(ulong seed) => (long)(seed & 0x7FFF_FFFF_FFFF_FFFFUL);
}
