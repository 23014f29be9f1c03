using System.CommandLine;
using Gatsbi.Benchmarks;
using Gatsbi.Benchmarks.References;
using Gatsbi.Inference.Reference;

namespace Gatsbi.Cli.Commands;

/// <summary>
/// Makes reference posterior samples for a benchmark task from its exact likelihood (slice MCMC, a flow proposal,
/// rejection sampling: sbibm's pipeline), in sbibm's folder layout, one observation at a time: a stopped run
/// resumes with the observations not yet finished.
/// </summary>
internal static class ReferencesCommand
{
    public static Command Create()
    {
        var defaults = new ReferenceSamplerOptions();
        var task = new Option<string>("--task") { Description = "Benchmark task with a known likelihood", Required = true };
        var observations = new Option<string>("--observation") { Description = "Observation numbers: one (3), a list (1,2,5) or a range (1-10)", DefaultValueFactory = _ => "1-10" };
        var output = new Option<string>("--out") { Description = "Root folder; samples go to <out>/<task>/num_observation_<k>/ as sbibm lays them out", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Root seed; each observation's is derived from it", DefaultValueFactory = _ => 1 };
        var samples = new Option<int>("--samples") { Description = "Reference samples per observation", DefaultValueFactory = _ => defaults.Samples };
        var mcmcSamples = new Option<int>("--mcmc-samples") { Description = "MCMC draws the proposal flow is fitted to", DefaultValueFactory = _ => defaults.McmcSamples };
        var chains = new Option<int>("--chains") { Description = "Slice-sampling chains: the first starts at the true parameters, the others at prior draws resampled by likelihood", DefaultValueFactory = _ => defaults.Mcmc.Chains };
        var startDraws = new Option<int>("--start-draws") { Description = "Prior draws the chains' starts are resampled from (0: every chain starts at the true parameters)", DefaultValueFactory = _ => defaults.StartDraws };
        var warmup = new Option<int>("--warmup") { Description = "Warm-up sweeps per chain", DefaultValueFactory = _ => defaults.Mcmc.WarmupSweeps };
        var thin = new Option<int>("--thin") { Description = "Sweeps per kept MCMC draw", DefaultValueFactory = _ => defaults.Mcmc.Thin };
        var flowEpochs = new Option<int>("--flow-epochs") { Description = "Most epochs of fitting the proposal flow (it stops earlier when held-out draws stop improving)", DefaultValueFactory = _ => defaults.Flow.MaxEpochs };
        var patience = new Option<int>("--search-patience") { Description = "Batches without a larger density ratio that end the search for the rejection bound", DefaultValueFactory = _ => defaults.SearchPatience };
        var threads = new Option<int?>("--threads") { Description = "Threads for MCMC chains and likelihood batches (default: all cores)" };
        var command = new Command("references", "Reference posterior samples from a task's exact likelihood: slice MCMC, a neural spline flow proposal, rejection sampling. Resumes a stopped run.")
        {
            task, observations, output, seed, samples, mcmcSamples, chains, startDraws, warmup, thin, flowEpochs, patience, threads,
        };
        command.SetBody((parse, cancel) =>
        {
            var benchmark = TaskRegistry.Get(parse.GetValue(task)!);
            var numbers = ObservationOptions.ParseNumbers(parse.GetValue(observations)!, "--observation");
            int? maxThreads = parse.GetValue(threads);
            var limits = MachineLimits.Current;
            limits.RequireThreads(maxThreads, "--threads");
            limits.RequireMatrix("--samples", parse.GetValue(samples), benchmark.ParameterDimension);
            limits.RequireMatrix("--mcmc-samples", parse.GetValue(mcmcSamples), benchmark.ParameterDimension);
            var options = defaults with
            {
                Samples = parse.GetValue(samples),
                McmcSamples = parse.GetValue(mcmcSamples),
                StartDraws = parse.GetValue(startDraws),
                Mcmc = defaults.Mcmc with { Chains = parse.GetValue(chains), WarmupSweeps = parse.GetValue(warmup), Thin = parse.GetValue(thin), MaxThreads = maxThreads },
                Flow = defaults.Flow with { MaxEpochs = parse.GetValue(flowEpochs) },
                SearchPatience = parse.GetValue(patience),
                MaxThreads = maxThreads,
            };
            options.Validate();
            if (benchmark is not IUnnormalisedLikelihood)
                throw new ArgumentException($"--task {benchmark.Name} has no known likelihood; references can be made for: {string.Join(", ", TaskRegistry.Names.Where(n => TaskRegistry.Get(n) is IUnnormalisedLikelihood))}.");

            string root = parse.GetValue(output)!;
            ulong rootSeed = parse.GetValue(seed);
            using var claim = OutputClaim.ForResumedFolder("--out", root);
            var generator = new TaskReferenceGenerator(options);
            string commandLine = "gatsbi " + string.Join(' ', parse.Tokens.Select(t => t.Value));
            Console.WriteLine($"Reference posteriors of {benchmark.Name}, observations {string.Join(",", numbers)}, seed {rootSeed}: {options.Samples:N0} samples each, "
                              + $"{options.Mcmc.Chains} chains × {options.Mcmc.WarmupSweeps:N0} warm-up sweeps, {options.McmcSamples:N0} MCMC draws thinned by {options.Mcmc.Thin}; into {root}");
            foreach (int number in numbers)
            {
                if (TaskReferenceGenerator.IsFinished(root, benchmark, number))
                {
                    Console.WriteLine($"  observation {number,2}: already finished ({TaskReferenceGenerator.ProvenanceFileName} exists); skipped");
                    continue;
                }
                ReferenceSamplerResult result;
                using (var bar = new ProgressBar($"observation {number}", 1))
                {
                    result = generator.Generate(benchmark, number, rootSeed, bar.AsProgress(), cancel);
                    bar.Complete();
                }
                var provenance = generator.Write(root, benchmark, number, result, rootSeed, commandLine);
                Console.WriteLine($"  observation {number,2}: acceptance {provenance.AcceptanceRate:P1} (log M {provenance.LogBound:F2}, {provenance.Restarts} restarts), "
                                  + $"{provenance.LikelihoodEvaluations:N0} likelihood evaluations, {provenance.TotalSeconds:F1} s "
                                  + $"(MCMC {provenance.McmcSeconds:F1}, flow {provenance.FlowSeconds:F1}, bound {provenance.SearchSeconds:F1}, rejection {provenance.RejectionSeconds:F1})");
            }
            return 0;
        });
        return command;
    }
}
