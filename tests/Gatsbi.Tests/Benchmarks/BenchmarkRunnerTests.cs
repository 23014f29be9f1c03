using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.Published;
using Gatsbi.Benchmarks.Running;
using Gatsbi.Benchmarks.Tasks;
using Gatsbi.Distributions;
using Gatsbi.Inference;
using Gatsbi.Inference.Abc;
using Gatsbi.Inference.Gatsbi;
using Gatsbi.Inference.Gatsbi.Sequential;
using Gatsbi.Inference.Npe;
using Gatsbi.Posteriors;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Benchmarks;

[Collection(TorchCollection.Name)]
public sealed class BenchmarkRunnerTests : TorchTest, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly BenchmarkRunner SmallRunner = new() { PosteriorSamples = 400 };

    private static BenchmarkPlan Plan(IInferenceMethod method, params int[] observations) =>
        new(["two_moons"], [method], [300], observations, [5]);

    [Fact]
    public void Every_cell_gets_a_row_and_a_resumed_run_skips_finished_cells()
    {
        var results = new ResultsFile(Path.Combine(_temp.Path, "results.csv"));
        var exact = new ExactTwoMoons();
        SmallRunner.Run(Plan(exact, 1, 2), results);
        var rows = results.Read();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.True(r.Succeeded, r.Status));
        // Exact samples: C2ST near 0.5 (400 + 400 samples: SE ≈ 0.018; 0.62 is above 5 SE with room for the
        // classifier's small-sample bias) and MMD² near 0.
        Assert.All(rows, r => Assert.InRange(r.C2st, 0.38, 0.62));
        Assert.All(rows, r => Assert.InRange(r.Mmd, -0.05, 0.05));
        Assert.Equal(1, exact.TrainCalls);

        // Resume with one more observation: only observation 3 is trained for and scored.
        SmallRunner.Run(Plan(exact, 1, 2, 3), results);
        Assert.Equal(2, exact.TrainCalls);
        Assert.Equal([1, 2, 3], results.Read().Select(r => r.Key.Observation).Order());
        SmallRunner.Run(Plan(exact, 1, 2, 3), results);
        Assert.Equal(2, exact.TrainCalls); // nothing left to do
        Assert.Equal(3, File.ReadAllLines(results.Path).Length - 1);
    }

    [Fact]
    public void A_failing_cell_is_recorded_and_retried_on_resume()
    {
        var results = new ResultsFile(Path.Combine(_temp.Path, "results.csv"));
        SmallRunner.Run(Plan(new FailingMethod(), 1, 2), results);
        var failed = results.Read();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, r => Assert.Equal("error: the method broke, with \"quotes\", and commas", r.Status));

        SmallRunner.Run(Plan(new ExactTwoMoons(), 1, 2), results);
        Assert.All(results.Read(), r => Assert.True(r.Succeeded));
        Assert.Equal(4, File.ReadAllLines(results.Path).Length - 1); // the failures stay in the file, superseded
    }

    [Fact]
    public void Gatsbi_method_trains_through_the_library_trainer()
    {
        var results = new ResultsFile(Path.Combine(_temp.Path, "results.csv"));
        var method = new GatsbiMethod("fast", GatsbiOptions.Fast() with { MaxEpochs = 10, LogEvery = 5 });
        SmallRunner.Run(Plan(method, 1), results);
        var row = Assert.Single(results.Read());
        Assert.True(row.Succeeded, row.Status);
        // The epochs column adds up the ensemble's members.
        Assert.Equal(10 * GatsbiOptions.Fast().EnsembleSize, row.Epochs);
        Assert.Equal(("GATSBI", "fast"), (row.Key.Method, row.Key.Preset));
        Assert.InRange(row.C2st, 0.5, 1.0);
        // The row records the library's version and the first 12 digits of its commit (gatsbi --version prints them all).
        var library = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(BenchmarkRunner).Assembly)!.InformationalVersion;
        int plus = library.IndexOf('+');
        Assert.Equal(plus < 0 ? library : library[..Math.Min(library.Length, plus + 13)], row.Version);
    }

    [Fact]
    public void Results_file_with_another_header_is_rejected_with_its_path()
    {
        string path = Path.Combine(_temp.Path, "other.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        var error = Assert.Throws<InvalidDataException>(() => new ResultsFile(path).Read());
        Assert.Contains(path, error.Message);
        Assert.Contains("task,method", error.Message);
    }

    [Fact]
    public void Summary_puts_our_means_beside_the_published_numbers()
    {
        var rows = new[] { 0.6, 0.7, 0.8 }.Select((c, i) => new ResultRow(new CellKey("two_moons", "GATSBI", "fast", 10_000, i + 1, 1),
            c, 0.01, 0.1, 100, 0.2, 6000, 1, "1.0.0", ResultRow.Ok)).ToList();
        var markdown = SummaryTable.Markdown(rows);
        // mean 0.7, SE = 0.1/√3 = 0.058; the GATSBI paper's two_moons 10k: 0.876 ± 0.010 (gatsbi_paper_c2st.csv).
        Assert.Contains("| 10,000 | **0.700 ± 0.058** (3) | 0.876 ± 0.010 |", markdown);
        var npe = PublishedResults.Find("two_moons", "NPE", 10_000)!;
        Assert.Equal(PublishedResults.SbibmPaper, npe.Source);
        Assert.InRange(npe.Mean, 0.55, 0.65); // the sbibm paper's NPE at 10k (mean of its 10 observations)
        Assert.Contains(npe.Mean.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), markdown);
        Assert.DoesNotContain("GATSBI-inv (published)", markdown); // sequential columns only beside sequential results
    }

    [Fact]
    public void Summary_of_sequential_GATSBI_shows_the_published_sequential_methods()
    {
        var rows = new[] { 0.6, 0.7 }.Select((c, i) => new ResultRow(new CellKey("two_moons", "GATSBI-inv", "fast", 1_000, i + 1, 1),
            c, 0.01, 0.1, 100, 0.2, 6000, 1, "1.0.0", ResultRow.Ok)).ToList();
        var markdown = SummaryTable.Markdown(rows);
        Assert.Contains("GATSBI-EBM (published) | GATSBI-inv (published) | SNPE (published) |", markdown);
        // The GATSBI paper's GATSBI-EBM and GATSBI-inv at 1k: 0.894 ± 0.017 and 0.931 ± 0.013 (gatsbi_paper_c2st.csv).
        Assert.Contains("0.894 ± 0.017 | 0.931 ± 0.013 |", markdown);
    }

    /// <summary>
    /// A per-observation method runs once for every observation, on that observation, with a seed of its own;
    /// a resumed run repeats only the missing observations.
    /// </summary>
    [Fact]
    public void Per_observation_methods_run_once_per_observation_with_their_own_seeds()
    {
        var results = new ResultsFile(Path.Combine(_temp.Path, "results.csv"));
        var method = new ExactPerObservation();
        SmallRunner.Run(Plan(method, 1, 2), results);
        Assert.Equal(2, method.Runs.Count);
        var task = TaskRegistry.Get("two_moons");
        Assert.Equal(task.Observation(1), method.Runs[0].Observation);
        Assert.Equal(task.Observation(2), method.Runs[1].Observation);
        Assert.NotEqual(method.Runs[0].Seed, method.Runs[1].Seed);
        Assert.All(method.Runs, r => Assert.Equal(300, r.Simulations));
        Assert.All(results.Read(), r => Assert.True(r.Succeeded, r.Status));
        Assert.All(results.Read(), r => Assert.InRange(r.C2st, 0.38, 0.62)); // exact samples, as above

        SmallRunner.Run(Plan(method, 1, 2, 3), results);
        Assert.Equal(3, method.Runs.Count);
        Assert.Equal(task.Observation(3), method.Runs[2].Observation);
    }

    /// <summary>
    /// A staged method prepares its observation-independent first stage once per group, with the group's seed,
    /// and finishes the run per observation with that observation's own seed; the stage is disposed at the end.
    /// </summary>
    [Fact]
    public void Staged_methods_share_their_first_stage_across_observations()
    {
        var results = new ResultsFile(Path.Combine(_temp.Path, "results.csv"));
        var method = new ExactStaged();
        SmallRunner.Run(Plan(method, 1, 2, 3), results);
        Assert.Equal([5UL], method.Prepared); // the plan's seed
        Assert.Equal(3, method.Runs.Count);
        Assert.Equal(3, method.Runs.Select(r => r.Seed).Distinct().Count());
        Assert.DoesNotContain(5UL, method.Runs.Select(r => r.Seed));
        Assert.Equal(TaskRegistry.Get("two_moons").Observation(2), method.Runs[1].Observation);
        Assert.True(method.Disposed);
        Assert.All(results.Read(), r => Assert.True(r.Succeeded, r.Status));
    }

    /// <summary>Exact two_moons samples through the staged interface, recording the stage and each observation's call.</summary>
    private sealed class ExactStaged : IStagedMethod
    {
        public List<ulong> Prepared { get; } = [];
        public List<(float[] Observation, ulong Seed)> Runs { get; } = [];
        public bool Disposed { get; private set; }
        public string Name => "Staged";
        public string Preset => "observation";

        public IObservationStage Prepare(IPrior prior, ISimulator simulator, int simulations, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
        {
            Prepared.Add(seed);
            return new Stage(this);
        }

        public TrainedPosterior Infer(IPrior prior, ISimulator simulator, float[] observation, int simulations, ulong seed,
            IProgress<WorkProgress>? progress, CancellationToken cancellation) => throw new InvalidOperationException("the runner must use the stage");

        private sealed class Stage(ExactStaged owner) : IObservationStage
        {
            public TrainedPosterior Infer(float[] observation, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
            {
                owner.Runs.Add((observation, seed));
                return new TrainedPosterior(new ExactTwoMoons.ClosedForm(), 0, 1, TimeSpan.Zero);
            }

            public void Dispose() => owner.Disposed = true;
        }
    }

    /// <summary>Exact two_moons samples, but through the per-observation interface, recording each call.</summary>
    private sealed class ExactPerObservation : IObservationMethod
    {
        public List<(float[] Observation, ulong Seed, int Simulations)> Runs { get; } = [];
        public string Name => "Exact";
        public string Preset => "observation";

        public TrainedPosterior Infer(IPrior prior, ISimulator simulator, float[] observation, int simulations, ulong seed,
            IProgress<WorkProgress>? progress, CancellationToken cancellation)
        {
            Runs.Add((observation, seed, simulations));
            return new TrainedPosterior(new ExactTwoMoons.ClosedForm(), 0, 1, TimeSpan.Zero);
        }
    }

    /// <summary>The exact two_moons posterior as a "method": isolates the runner from training noise.</summary>
    private sealed class ExactTwoMoons : IAmortizedMethod
    {
        public int TrainCalls { get; private set; }
        public string Name => "exact";
        public string Preset => "closed-form";

        public TrainedPosterior Train(SimulationSet simulations, IPrior prior, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation)
        {
            TrainCalls++;
            return new TrainedPosterior(new ClosedForm(), 0, 1, TimeSpan.Zero);
        }

        internal sealed class ClosedForm : IPosterior
        {
            public int ParameterDimension => 2;
            public int DataDimension => 2;

            public PosteriorSamples Sample(ReadOnlySpan<float> observation, int count, ulong seed) =>
                new(new TwoMoons().SamplePosterior(observation, count, new Rng(seed)), count, count, 0);
        }
    }

    private sealed class FailingMethod : IAmortizedMethod
    {
        public string Name => "exact";
        public string Preset => "closed-form";

        public TrainedPosterior Train(SimulationSet simulations, IPrior prior, ulong seed, IProgress<WorkProgress>? progress, CancellationToken cancellation) =>
            throw new InvalidOperationException("the method broke, with \"quotes\", and commas");
    }
}
