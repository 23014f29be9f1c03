using System.Diagnostics;
using System.Runtime.InteropServices;
using Gatsbi.Benchmarks.Running;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Cli;

/// <summary>
/// gatsbi killed outright (SIGKILL, as <c>kill -9</c>, the out-of-memory killer or a lost machine would end it)
/// at chosen points of train, sample and bench, among them the middle of writing the model: every finished
/// output left behind is whole (absent, or complete and loadable: never a truncated posterior.gatsbi or a cut-off
/// results row), the lock it leaves is taken over, and the same command run again completes (with --overwrite
/// where a finished output stands in its way). bench/kill_faults.sh repeats these kills many times.
/// <para>
/// A point is reached by running the process in small steps, frozen (SIGSTOP) in between, and killing it at the
/// first pause at which the point holds, so that a kill "while the model is written" lands between the creation of
/// AtomicFile's temporary file and its rename, however short that is. Each point is checked to have been hit
/// (the temporary file is still there, the log not yet written); a step that overran it is tried again.
/// </para>
/// </summary>
[Collection(TorchCollection.Name)]
[Trait("Category", "Slow")]
public sealed class KillTests : TorchTest, IDisposable
{
    private const int SampleCount = 50_000;
    private const int Attempts = 3;
    private static readonly TimeSpan Coarse = TimeSpan.FromMilliseconds(10), Fine = TimeSpan.FromMilliseconds(0.2);

    private readonly TempFolder _temp = new();
    private int _runs;

    public void Dispose() => _temp.Dispose();

    private static string[] Train(string dir) => Train(dir, epochs: 5);

    private static string[] Train(string dir, int epochs) =>
        ["train", "--task", "two_moons", "--simulations", "200", "--epochs", epochs.ToString(), "--out", dir];

    [Fact]
    public void Train_killed_after_claiming_its_folder_leaves_only_the_lock_which_the_rerun_takes_over()
    {
        // Once the lock holds its content: a kill between creating the lock file and writing it is another matter (docs/reliability.md).
        var dir = KillAt(Train, (_, d) => ReadOrEmpty(Path.Combine(d, "gatsbi.lock")).Contains("started="), landed: d => !File.Exists(Path.Combine(d, "posterior.gatsbi")));
        Assert.Equal(["gatsbi.lock"], Entries(dir));
        AssertRerunCompletes(Train(dir), overwrite: false);
        AssertTrainingOutputsComplete(dir);
    }

    [Fact]
    public void Train_killed_while_training_leaves_no_model_and_the_rerun_completes()
    {
        var dir = KillAt(Train, (run, _) => run.Output.Contains("train:"), landed: d => !File.Exists(Path.Combine(d, "posterior.gatsbi")));
        Assert.DoesNotContain(Entries(dir), name => name.Contains("posterior"));
        AssertRerunCompletes(Train(dir), overwrite: false);
        AssertTrainingOutputsComplete(dir);
    }

    [Fact]
    public void Train_killed_while_writing_the_model_leaves_no_model_file_at_all()
    {
        var dir = KillAt(Train, (_, d) => Temporary(d, "posterior.gatsbi").Length > 0, landed: d => Temporary(d, "posterior.gatsbi").Length > 0,
            close: run => run.Output.Contains("Trained"));
        Assert.False(File.Exists(Path.Combine(dir, "posterior.gatsbi")));
        AssertWhole(dir);
        AssertRerunCompletes(Train(dir), overwrite: false);
        AssertTrainingOutputsComplete(dir);
    }

    [Fact]
    public void Train_killed_between_the_model_and_its_log_keeps_the_model_whole_and_needs_overwrite_to_replace_it()
    {
        var dir = KillAt(Train, (_, d) => File.Exists(Path.Combine(d, "posterior.gatsbi")), landed: d => !File.Exists(Path.Combine(d, "training_log.csv")),
            close: run => run.Output.Contains("Trained"));
        AssertWhole(dir);
        using (PosteriorFile.Load(Path.Combine(dir, "posterior.gatsbi"))) { }
        var refused = GatsbiProcess.Run(_temp.Path, Train(dir));
        Assert.True(refused.Code == 2 && refused.Output.Contains("posterior.gatsbi already exists"), refused.Output);
        // The refused run took the killed run's lock over, and released it.
        AssertRerunCompletes(Train(dir), overwrite: true, takesOverALock: false);
        AssertTrainingOutputsComplete(dir);
    }

    [Fact]
    public void Sample_killed_while_writing_or_between_its_two_files_leaves_whole_files_and_the_rerun_completes()
    {
        string model = TrainedModel(), observation = _temp.File("observation.csv");
        File.WriteAllText(observation, "data_1,data_2\n-0.68,0.02\n");
        string[] Sample(string dir) => ["sample", "--model", model, "--observation", observation, "--n", SampleCount.ToString(),
            "--out", Path.Combine(dir, "samples.csv"), "--plot", Path.Combine(dir, "samples.png")];

        var writing = KillAt(Sample, (_, d) => Temporary(d, "samples.csv").Length > 0, landed: d => Temporary(d, "samples.csv").Length > 0,
            step: TimeSpan.FromMilliseconds(1));
        Assert.False(File.Exists(Path.Combine(writing, "samples.csv")));
        AssertRerunCompletes(Sample(writing), overwrite: false);
        AssertSamplesComplete(writing);

        var between = KillAt(Sample, (_, d) => File.Exists(Path.Combine(d, "samples.csv")), landed: d => !File.Exists(Path.Combine(d, "samples.png")),
            step: TimeSpan.FromMilliseconds(1));
        AssertWhole(between);
        Assert.Equal(SampleCount, MatrixFile.Read(Path.Combine(between, "samples.csv")).Rows);
        AssertRerunCompletes(Sample(between), overwrite: true);
        AssertSamplesComplete(between);
    }

    [Fact]
    public void Bench_killed_after_its_first_cell_keeps_whole_rows_and_the_rerun_runs_only_the_rest()
    {
        static string[] Bench(string dir) => ["bench", "--tasks", "two_moons", "--methods", "rej-abc", "--budgets", "300", "--observations", "1-3",
            "--posterior-samples", "50", "--no-pair-plots", "--out", dir];
        var dir = KillAt(Bench, (_, d) => DataLines(Path.Combine(d, "results.csv")) >= 1, landed: d => DataLines(Path.Combine(d, "results.csv")) < 3);
        AssertWhole(dir);
        int finished = DataLines(Path.Combine(dir, "results.csv"));
        var rerun = AssertRerunCompletes(Bench(dir), overwrite: false);
        Assert.Contains($"{finished} cells already finished there", rerun);
        var rows = new ResultsFile(Path.Combine(dir, "results.csv")).Read();
        Assert.Equal([1, 2, 3], rows.Select(r => r.Key.Observation).Order());
        Assert.All(rows, r => Assert.True(r.Succeeded));
        Assert.Equal(3, DataLines(Path.Combine(dir, "results.csv"))); // no finished cell was run again
        Assert.True(File.Exists(Path.Combine(dir, "summary.md")));
        AssertWhole(dir);
    }

    [Fact]
    public void Sigterm_while_training_releases_the_lock_and_writes_no_model()
    {
        string dir = _temp.File("sigterm");
        using (var run = GatsbiProcess.Start(_temp.Path, Train(dir, epochs: 1000)))
        {
            Assert.True(run.KillWhen(() => run.Output.Contains("train:"), Coarse, GatsbiProcess.Sigterm), run.Output);
            Assert.Equal(128 + GatsbiProcess.Sigterm, run.WaitForExit());
        }
        Assert.Empty(Outputs(dir)); // SIGTERM ends the process at once: no partial model (that is Ctrl+C's), and no lock
        AssertRerunCompletes(Train(dir), overwrite: false, takesOverALock: false);
        AssertTrainingOutputsComplete(dir);
    }

    /// <summary>
    /// Runs <paramref name="command"/> on a fresh folder and kills it at the first pause at which <paramref name="point"/>
    /// holds, stepping by <paramref name="step"/> (<see cref="Coarse"/> by default) and by <see cref="Fine"/> once
    /// <paramref name="close"/> holds; tries again, up to <see cref="Attempts"/> times, until <paramref name="landed"/>
    /// shows the kill hit the point rather than a step overrunning it. Returns the folder.
    /// </summary>
    private string KillAt(Func<string, string[]> command, Func<GatsbiProcess, string, bool> point, Func<string, bool> landed,
        Func<GatsbiProcess, bool>? close = null, TimeSpan? step = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            string dir = _temp.File($"run{++_runs}");
            using var run = GatsbiProcess.Start(_temp.Path, command(dir));
            bool killed = run.KillWhen(() => point(run, dir), () => close?.Invoke(run) == true ? Fine : step ?? Coarse);
            Assert.True(killed, $"gatsbi ended before the kill point:\n{run.Output}");
            Assert.Equal(128 + GatsbiProcess.Sigkill, run.WaitForExit());
            AssertWhole(dir);
            if (landed(dir)) return dir;
            Assert.True(attempt < Attempts, $"{Attempts} kills all overran the point; the last left: {string.Join(", ", Entries(dir))}");
        }
    }

    /// <summary>Runs the command to the end: exit code 0, taking over the lock the killed run left (saying so). Returns its output.</summary>
    private string AssertRerunCompletes(string[] command, bool overwrite, bool takesOverALock = true)
    {
        var (code, output) = GatsbiProcess.Run(_temp.Path, overwrite ? [.. command, "--overwrite"] : command);
        Assert.True(code == 0, output);
        Assert.Equal(takesOverALock, output.Contains("warning: taking over"));
        return output;
    }

    private string TrainedModel()
    {
        string dir = _temp.File("model");
        var train = GatsbiProcess.Run(_temp.Path, Train(dir));
        Assert.True(train.Code == 0, train.Output);
        return Path.Combine(dir, "posterior.gatsbi");
    }

    private static void AssertTrainingOutputsComplete(string dir)
    {
        Assert.Equal(["posterior.gatsbi", "training.png", "training_log.csv"], Outputs(dir));
        AssertWhole(dir);
    }

    private static void AssertSamplesComplete(string dir)
    {
        Assert.Equal(["samples.csv", "samples.png"], Outputs(dir));
        AssertWhole(dir);
        Assert.Equal(SampleCount, MatrixFile.Read(Path.Combine(dir, "samples.csv")).Rows);
    }

    /// <summary>
    /// Every output in <paramref name="dir"/> is whole: a model loads (its checksum matches), a CSV reads and ends with
    /// a line end, a PNG ends with its IEND chunk. Locks and AtomicFile's hidden temporary files are not outputs.
    /// </summary>
    private static void AssertWhole(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith('.') || name.EndsWith(".lock", StringComparison.Ordinal)) continue;
            var bytes = File.ReadAllBytes(file);
            switch (Path.GetExtension(name))
            {
                case ".gatsbi":
                    using (PosteriorFile.Load(file)) { }
                    break;
                case ".csv":
                    Assert.True(bytes[^1] == '\n', $"{file} ends inside a line");
                    if (name == "results.csv") new ResultsFile(file).Read();
                    else Assert.True(MatrixFile.Read(file).Rows > 0, $"{file} has no rows");
                    break;
                case ".png":
                    Assert.True(bytes.AsSpan(bytes.Length - 8, 4).SequenceEqual("IEND"u8), $"{file} does not end with its IEND chunk");
                    break;
                default:
                    Assert.True(bytes.Length > 0, $"{file} is empty");
                    break;
            }
        }
    }

    /// <summary>AtomicFile's temporary files for <paramref name="name"/>: hidden siblings, <c>.NAME.*.tmp</c>.</summary>
    private static string[] Temporary(string dir, string name) =>
        Directory.Exists(dir) ? Directory.GetFiles(dir, $".{name}.*.tmp") : [];

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    private static int DataLines(string csv) => File.Exists(csv) ? Math.Max(0, File.ReadAllLines(csv).Length - 1) : 0;

    /// <summary>The files and folders in <paramref name="dir"/> but AtomicFile's hidden temporary files; none if it does not exist.</summary>
    private static string[] Outputs(string dir) => Directory.Exists(dir) ? Entries(dir).Where(name => !name.StartsWith('.')).ToArray() : [];

    private static string[] Entries(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
}

/// <summary>
/// The built gatsbi command (gatsbi.dll, copied beside the tests) run as an operating-system process of its own,
/// so that a test can kill it outright, which no in-process run can imitate: no handler, finally block or exit
/// event of it runs. Its standard output and error go to files, which hold all it wrote whenever it is frozen.
/// </summary>
internal sealed class GatsbiProcess : IDisposable
{
    /// <summary>Signal numbers of Linux on x86-64 (<c>man 7 signal</c>), the only platform the command ships for.</summary>
    public const int Sigkill = 9, Sigterm = 15, Sigcont = 18, Sigstop = 19;

    /// <summary>Bounds a run and a freeze, so that a hung command fails its test instead of the whole run.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static int _started;
    private readonly Process _process;
    private readonly string _standardOutput, _standardError;

    private GatsbiProcess(Process process, string standardOutput, string standardError)
    {
        _process = process;
        _standardOutput = standardOutput;
        _standardError = standardError;
    }

    /// <summary>Starts <c>gatsbi ARGS</c> in <paramref name="folder"/>, which also receives its output files.</summary>
    public static GatsbiProcess Start(string folder, params string[] args)
    {
        int n = Interlocked.Increment(ref _started);
        string output = Path.Combine(folder, $"gatsbi-{n}.out"), error = Path.Combine(folder, $"gatsbi-{n}.err");
        // The shell only redirects and then becomes the command (exec), so the process id is gatsbi's.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = folder };
        foreach (var word in (string[])["-c", """o=$1 e=$2; shift 2; exec "$@" >"$o" 2>"$e" </dev/null""", "sh", output, error, DotnetHost,
                     Path.Combine(AppContext.BaseDirectory, "gatsbi.dll"), .. args])
            info.ArgumentList.Add(word);
        return new GatsbiProcess(Process.Start(info)!, output, error);
    }

    /// <summary>Runs <c>gatsbi ARGS</c> to the end: its exit code, and its standard output followed by its standard error.</summary>
    public static (int Code, string Output) Run(string folder, params string[] args)
    {
        using var run = Start(folder, args);
        int code = run.WaitForExit();
        return (code, run.Output);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What it has written so far: standard output, then standard error.</summary>
    public string Output => ReadShared(_standardOutput) + ReadShared(_standardError);

    /// <summary>Waits for the end (within <see cref="Limit"/>); the exit code, 128 + N for a process ended by signal N.</summary>
    public int WaitForExit()
    {
        Assert.True(_process.WaitForExit(Limit), $"gatsbi did not end within {Limit}:\n{Output}");
        _process.WaitForExit(); // also waits for the exit to be recorded
        return _process.ExitCode;
    }

    /// <summary>Sends SIGKILL now, without freezing first.</summary>
    public void Kill() => Signal(Sigkill);

    /// <summary>
    /// Lets the process run in steps of <paramref name="step"/> (asked anew before each), freezing it with SIGSTOP in
    /// between, and sends it <paramref name="signal"/> (SIGKILL by default) at the first pause at which
    /// <paramref name="point"/> holds. While it is frozen its files and output cannot change, so the point holds
    /// when the signal arrives. False if the process ended before the point.
    /// </summary>
    public bool KillWhen(Func<bool> point, Func<TimeSpan> step, int signal = Sigkill)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (Freeze(deadline))
        {
            if (point())
            {
                Signal(signal);
                Signal(Sigcont); // a frozen process handles no other signal than SIGKILL until it runs again
                return true;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the kill point was not reached within {Limit}:\n{Output}");
            var length = step();
            Signal(Sigcont);
            Sleep(length);
        }
        return false;
    }

    /// <inheritdoc cref="KillWhen(Func{bool}, Func{TimeSpan}, int)"/>
    public bool KillWhen(Func<bool> point, TimeSpan step, int signal = Sigkill) => KillWhen(point, () => step, signal);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    /// <summary>Stops the process and waits until each of its threads has stopped; false if it has ended.</summary>
    private bool Freeze(DateTime deadline)
    {
        Signal(Sigstop);
        while (true)
        {
            var states = ThreadStates();
            if (states.Count == 0 || states.All(s => s is 'Z' or 'X')) return false;
            if (states.All(s => s is 'T' or 't' or 'Z' or 'X')) return true;
            Assert.True(DateTime.UtcNow < deadline, $"gatsbi did not stop within {Limit}");
            Thread.Yield();
        }
    }

    /// <summary>The state letter of each of the process's threads (<c>man 5 proc</c>, /proc/PID/task/TID/stat); none once it is gone.</summary>
    private List<char> ThreadStates()
    {
        var states = new List<char>();
        try
        {
            foreach (var thread in Directory.EnumerateDirectories($"/proc/{Id}/task"))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(thread, "stat"));
                    states.Add(stat[stat.LastIndexOf(')') + 2]);
                }
                catch (IOException)
                {
                    // That thread ended meanwhile.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // The process is gone (reaped).
        }
        return states;
    }

    private static void Sleep(TimeSpan length)
    {
        if (length >= TimeSpan.FromMilliseconds(2))
        {
            Thread.Sleep(length);
            return;
        }
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < length) Thread.SpinWait(20);
    }

    private void Signal(int signal) => _ = kill(Id, signal); // fails only for a process that is gone

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static string ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    /// <summary>The dotnet host running these tests, or the one on the PATH.</summary>
    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
