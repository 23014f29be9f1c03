using System.Diagnostics;
using System.Text.Json;
using Gatsbi.Metrics;
using Gatsbi.Storage;

namespace Gatsbi.Bench;

/// <summary>
/// Our C2ST on the scikit-learn calibration cases (tests/Gatsbi.Tests/Data/c2st_cases): value and time
/// per case. Example: c2st-cases dir=tests/Gatsbi.Tests/Data/c2st_cases repeats=1
/// </summary>
internal static class C2stCases
{
    private sealed record Case(string task, string X, string Y, double c2st_sklearn);

    public static int Run(Settings s)
    {
        string dir = s.Get("dir", "tests/Gatsbi.Tests/Data/c2st_cases");
        int repeats = s.Int("repeats", 1);
        int threads = s.Int("threads", new C2stOptions().Threads);
        ulong seed = (ulong)s.Int("seed", 1);
        string only = s.Get("only", "");
        s.EnsureAllUsed();
        var cases = JsonSerializer.Deserialize<Case[]>(File.ReadAllText(Path.Combine(dir, "expected.json")))!;
        Console.WriteLine("| case | sklearn | ours | difference | seconds (median) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var c in cases.Where(c => c.Y.Contains(only, StringComparison.Ordinal)))
        {
            var x = CsvMatrix.Read(Resolve(dir, c.X)).Values;
            var y = CsvMatrix.Read(Resolve(dir, c.Y)).Values;
            var times = new List<double>();
            double value = 0;
            for (int r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                value = C2st.Compute(x, y, new C2stOptions { Threads = threads, Seed = seed }).Accuracy;
                times.Add(clock.Elapsed.TotalSeconds);
            }
            times.Sort();
            Console.WriteLine($"| {c.Y.Replace(".csv", "")} | {c.c2st_sklearn:F4} | {value:F4} | {value - c.c2st_sklearn:+0.0000;-0.0000} | {times[times.Count / 2]:F1} |");
        }
        return 0;
    }

    /// <summary>The cases may be stored gzip-compressed.</summary>
    private static string Resolve(string dir, string name)
    {
        var plain = Path.Combine(dir, name);
        return File.Exists(plain) ? plain : plain + ".gz";
    }
}
