using System.Globalization;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Nn;

namespace Gatsbi.Bench;

/// <summary>key=value arguments of an experiment, with typed accessors that fail loudly on unknown or bad values.</summary>
internal sealed class Settings
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _used = [];

    private Settings(Dictionary<string, string> values) => _values = values;

    public static Settings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in args)
        {
            int eq = a.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"Expected key=value, got '{a}'.");
            values[a[..eq]] = a[(eq + 1)..];
        }
        return new Settings(values);
    }

    public string Get(string key, string fallback)
    {
        _used.Add(key);
        return _values.TryGetValue(key, out var v) ? v : fallback;
    }

    public int Int(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
    public double Double(string key, double fallback) => double.Parse(Get(key, fallback.ToString("R", CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
    public int[] Ints(string key, string fallback) => Get(key, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Throws if an argument was never read: a typo must not silently run the default experiment.</summary>
    public void EnsureAllUsed()
    {
        var unused = _values.Keys.Where(k => !_used.Contains(k)).ToArray();
        if (unused.Length > 0) throw new ArgumentException($"Unknown setting(s): {string.Join(", ", unused)}.");
    }

    /// <summary>A preset with any of its main knobs overridden.</summary>
    public GatsbiOptions Options()
    {
        var o = Get("preset", "fast") == "paper" ? GatsbiOptions.Paper() : GatsbiOptions.Fast();
        var g = o.Generator;
        var d = o.Discriminator;
        return o with
        {
            MaxEpochs = Int("epochs", o.MaxEpochs),
            DiscriminatorSteps = Int("dsteps", o.DiscriminatorSteps),
            GeneratorSteps = Int("gsteps", o.GeneratorSteps),
            GeneratorLearningRate = Double("glr", o.GeneratorLearningRate),
            DiscriminatorLearningRate = Double("dlr", o.DiscriminatorLearningRate),
            MaxBatchSize = Int("batch", o.MaxBatchSize),
            Loss = Enum.Parse<GatsbiLossKind>(Get("loss", o.Loss.ToString()), ignoreCase: true),
            Schedule = Enum.Parse<LearningRateSchedule>(Get("schedule", o.Schedule.ToString()), ignoreCase: true),
            FinalLearningRateFraction = Double("lrfinal", o.FinalLearningRateFraction),
            GeneratorBetas = (Double("gbeta1", o.GeneratorBetas.Beta1), o.GeneratorBetas.Beta2),
            DiscriminatorBetas = (Double("dbeta1", o.DiscriminatorBetas.Beta1), o.DiscriminatorBetas.Beta2),
            StandardizeInputs = bool.Parse(Get("standardize", o.StandardizeInputs.ToString())),
            GeneratorAverageDecay = Double("ema", o.GeneratorAverageDecay),
            EnergyScoreWeight = Double("es", o.EnergyScoreWeight),
            GradientPenaltyWeight = Double("gp", o.GradientPenaltyWeight),
            KeepBestCheckpoint = bool.Parse(Get("best", o.KeepBestCheckpoint.ToString())),
            TransformToUnbounded = bool.Parse(Get("unbounded", o.TransformToUnbounded.ToString())),
            HoldOut = Int("holdout", o.HoldOut),
            EnsembleSize = Int("ensemble", o.EnsembleSize),
            BatchSizeFraction = Double("batchfraction", o.BatchSizeFraction),
            Threads = _values.ContainsKey("threads") ? Int("threads", 1) : o.Threads,
            Generator = g with
            {
                HiddenUnits = Ints("gunits", string.Join(',', g.HiddenUnits)),
                NoiseAfterLayer = Int("noise", g.NoiseAfterLayer),
                LatentDimension = _values.ContainsKey("latent") ? Int("latent", 2) : g.LatentDimension,
                LeakyOutput = bool.Parse(Get("leakyout", g.LeakyOutput.ToString())),
            },
            Discriminator = d with
            {
                HiddenUnits = Ints("dunits", string.Join(',', d.HiddenUnits)),
                SpectralNorm = bool.Parse(Get("sn", d.SpectralNorm.ToString())),
                InputGain = Double("dgain", d.InputGain),
            },
        };
    }
}
