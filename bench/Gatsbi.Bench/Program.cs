using Gatsbi.Bench;

// Performance and accuracy harness (not a test): release build, stated thread counts, several runs, medians.
// Usage: dotnet run -c Release --project bench/Gatsbi.Bench -- <experiment> [key=value ...]
var experiments = new Dictionary<string, Func<Settings, int>>
{
    ["gatsbi-c2st"] = GatsbiAccuracy.Run,
    ["epoch-speed"] = EpochSpeed.Run,
    ["c2st-cases"] = C2stCases.Run,
    ["simulation-throughput"] = SimulationThroughput.Run,
    ["closed-form-c2st"] = ClosedFormC2st.Run,
    ["plausibility"] = Plausibility.Run,
    ["mmd-speed"] = MmdSpeed.Run,
    ["study-table"] = StudyTable.Run,
    ["sequential-study"] = SequentialStudy.Run,
    ["camera-speed"] = CameraSpeed.Run,
    ["shallow-water-speed"] = ShallowWaterSpeed.Run,
    ["application-speed"] = ApplicationSpeed.Run,
    ["application-trials"] = ApplicationTrials.Run,
    ["trajectory-spread"] = TrajectorySpread.Run,
    ["ten-task-table"] = TenTaskTable.Run,
    ["fuzz-readers"] = FuzzReaders.Run,
};
if (args.Length == 0 || !experiments.TryGetValue(args[0], out var experiment))
{
    Console.Error.WriteLine($"usage: Gatsbi.Bench <{string.Join("|", experiments.Keys)}> [key=value ...]");
    return 2;
}
return experiment(Settings.Parse(args[1..]));
