using System.Globalization;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;

namespace Gatsbi.Inference.Abc;

/// <summary>
/// The posterior an ABC run built for one observation x_o: a KDE on the accepted particles (the sbibm
/// setting) or, without a KDE, the weighted particles themselves, resampled with replacement. ABC is not
/// amortised, so asking for another observation is an error. Samples are not truncated to the prior support,
/// as in sbibm, so none are rejected.
/// </summary>
public sealed class AbcPosterior : IPosterior
{
    private const int ObservationValuesShown = 8;

    private readonly float[] _observation;
    private readonly float[,] _particles;
    private readonly WeightedPicker _particlePicker;

    internal AbcPosterior(float[] observation, float[,] particles, double[] weights, GaussianKde? kde)
    {
        _observation = (float[])observation.Clone();
        _particles = (float[,])particles.Clone();
        _particlePicker = new WeightedPicker(particles.GetLength(0), weights);
        Kde = kde;
    }

    /// <summary>The number of parameters, the columns of the particles and of every sample.</summary>
    public int ParameterDimension => _particles.GetLength(1);

    /// <summary>The length of the observation x_o.</summary>
    public int DataDimension => _observation.Length;

    /// <summary>The observation x_o this posterior was built for.</summary>
    public IReadOnlyList<float> Observation => _observation;

    /// <summary>The KDE the samples come from; null when the run was asked not to smooth the particles.</summary>
    public GaussianKde? Kde { get; }

    /// <summary>
    /// Draws <paramref name="count"/> samples; <paramref name="observation"/> must be the one the posterior was
    /// built for. The same seed gives the same samples.
    /// </summary>
    /// <returns>A <paramref name="count"/> × <see cref="ParameterDimension"/> sample set with nothing rejected.</returns>
    /// <exception cref="ArgumentException"><paramref name="observation"/> is not the x_o this posterior was built for.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public PosteriorSamples Sample(ReadOnlySpan<float> observation, int count, ulong seed)
    {
        if (!observation.SequenceEqual(_observation))
            throw new ArgumentException($"ABC posteriors are not amortised: this one was built for x_o = ({Describe(_observation)}); run ABC again for another observation.");
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var rng = new Rng(Seeds.Derive(seed, Seeds.Streams.Sampling));
        var samples = Kde?.Sample(count, rng) ?? Resample(count, rng);
        return new PosteriorSamples(samples, count, count, 0);
    }

    /// <summary>The KDE's log-density at <paramref name="theta"/> (natural log, normalised over ℝ^d).</summary>
    /// <exception cref="InvalidOperationException">The posterior was built without a KDE (<see cref="Kde"/> is null).</exception>
    /// <exception cref="ArgumentException"><paramref name="theta"/> does not have <see cref="ParameterDimension"/> values.</exception>
    public double LogDensity(ReadOnlySpan<float> theta)
    {
        if (Kde is null)
            throw new InvalidOperationException("This ABC posterior was built without a KDE, so it has no density; run ABC with the KDE on to evaluate one.");
        var point = new double[theta.Length];
        for (int j = 0; j < theta.Length; j++) point[j] = theta[j];
        return Kde.LogDensity(point);
    }

    private float[,] Resample(int count, Rng rng)
    {
        var samples = new float[count, ParameterDimension];
        for (int s = 0; s < count; s++) _particles.Row(_particlePicker.Pick(rng)).CopyTo(samples.Row(s));
        return samples;
    }

    private static string Describe(float[] values)
    {
        var shown = values.Take(ObservationValuesShown).Select(v => v.ToString(CultureInfo.InvariantCulture));
        return string.Join(", ", shown) + (values.Length > ObservationValuesShown ? $", … ({values.Length} values)" : "");
    }
}
