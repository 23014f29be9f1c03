using Gatsbi.Distributions;
using Gatsbi.Randomness;
using Gatsbi.Simulation;
using Gatsbi.Simulation.External;
using Gatsbi.Storage;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Simulation;

/// <summary>
/// A small Python worker speaking both protocols, written to a temporary folder: x = (2·θ₁ + (seed mod
/// 1000)/1000, θ₂ − 1), with switches that make it crash, hang, return NaN, an extra value or garbage.
/// </summary>
internal static class ScriptedWorker
{
    public const string Source = """
        import os, struct, sys, time

        protocol = sys.argv[1]
        options = dict(arg.split("=", 1) for arg in sys.argv[2:])
        crash_above = float(options.get("crash_above", "inf"))
        hang_above = float(options.get("hang_above", "inf"))
        nan_above = float(options.get("nan_above", "inf"))
        armed_by = options.get("armed_by")
        if "pid_file" in options:
            with open(options["pid_file"], "a") as f:
                f.write(f"{os.getpid()}\n")

        def simulate(seed, theta):
            if theta[0] > crash_above and (armed_by is None or os.path.exists(armed_by)):
                print("starting row", file=sys.stderr)
                print(f"simulator failed for theta={theta}", file=sys.stderr, flush=True)
                sys.exit(3)
            if theta[0] > hang_above:
                time.sleep(600)
            if theta[0] > nan_above:
                return [float("nan")] * 2
            x = [2 * theta[0] + (seed % 1000) / 1000, theta[1] - 1]
            return x + [0.0] if "extra" in options else x

        if protocol == "line":
            for line in sys.stdin:
                seed, *theta = line.split()
                x = simulate(int(seed), [float(t) for t in theta])
                print("hello world" if "garbage" in options else " ".join(repr(v) for v in x), flush=True)
        else:
            inp, out = sys.stdin.buffer, sys.stdout.buffer
            while len(head := inp.read(4)) == 4:
                (n,) = struct.unpack("<i", head)
                rows = []
                for _ in range(n):
                    seed, *theta = struct.unpack("<Q2d", inp.read(24))
                    rows.append(simulate(seed, theta))
                values = [v for row in rows for v in row]
                out.write(struct.pack("<ii", n, len(rows[0])) + struct.pack(f"<{len(values)}d", *values))
                out.flush()
        """;

    public static string Write(string folder)
    {
        string path = Path.Combine(folder, "worker.py");
        File.WriteAllText(path, Source);
        return path;
    }

    /// <summary>What the script returns for <paramref name="theta"/> when run through a runner of <paramref name="chunkSize"/> rows.</summary>
    public static float[,] Expected(float[,] theta, ulong seed, int chunkSize)
    {
        int n = theta.GetLength(0);
        var x = new float[n, 2];
        for (int chunk = 0; chunk * chunkSize < n; chunk++)
        {
            var rng = new Rng(Seeds.Derive(seed, Seeds.Streams.Simulation, (ulong)chunk));
            for (int i = chunk * chunkSize; i < Math.Min(n, (chunk + 1) * chunkSize); i++)
            {
                ulong rowSeed = rng.NextUInt64();
                x[i, 0] = (float)(2 * (double)theta[i, 0] + rowSeed % 1000 / 1000.0);
                x[i, 1] = (float)((double)theta[i, 1] - 1);
            }
        }
        return x;
    }

    /// <summary>True while the process runs (a zombie, exited but not reaped, counts as ended).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}

public sealed class ExternalSimulatorTests : IDisposable
{
    private const int Chunk = 4;
    private readonly TempFolder _temp = new();
    private readonly string _script;

    public ExternalSimulatorTests() => _script = ScriptedWorker.Write(_temp.Path);

    public void Dispose() => _temp.Dispose();

    private ExternalProcessSimulator Start(ExternalProtocol protocol, int workers, TimeSpan? timeout = null, params string[] options) =>
        new(new ExternalCommand("python3", [_script, protocol == ExternalProtocol.Line ? "line" : "binary", .. options]), 2, 2,
            new ExternalSimulatorOptions { Protocol = protocol, Workers = workers, Timeout = timeout, MaxRowsPerRequest = 3 });

    /// <summary>θ₁ rises from −0.95 in steps of 0.1, so "θ₁ above t" picks a known first row.</summary>
    private static float[,] Theta(int rows)
    {
        var theta = new float[rows, 2];
        for (int i = 0; i < rows; i++)
        {
            theta[i, 0] = -0.95f + 0.1f * i;
            theta[i, 1] = 0.1f * (i % 7);
        }
        return theta;
    }

    private static int FirstAbove(float[,] theta, float threshold) => Enumerable.Range(0, theta.GetLength(0)).First(i => theta[i, 0] > threshold);

    private static SimulationRunner Runner(int threads = 2) => new() { ChunkSize = Chunk, MaxThreads = threads };

    [Theory]
    [InlineData(ExternalProtocol.Line)]
    [InlineData(ExternalProtocol.Binary)]
    public void Both_protocols_return_the_simulated_values_with_seeds_from_the_root_seed(ExternalProtocol protocol)
    {
        var theta = Theta(30);
        using var simulator = Start(protocol, workers: 2);
        var x = Runner().Simulate(simulator, theta, seed: 17);
        Assert.Equal(ScriptedWorker.Expected(theta, 17, Chunk), x);
    }

    [Theory]
    [InlineData(ExternalProtocol.Line)]
    [InlineData(ExternalProtocol.Binary)]
    public void The_result_is_the_same_for_one_and_three_workers(ExternalProtocol protocol)
    {
        var theta = Theta(30);
        float[,] one, three;
        using (var simulator = Start(protocol, workers: 1)) one = Runner(threads: 1).Simulate(simulator, theta, seed: 5);
        using (var simulator = Start(protocol, workers: 3)) three = Runner(threads: 3).Simulate(simulator, theta, seed: 5);
        Assert.Equal(one, three);
    }

    [Fact]
    public void A_crash_names_the_command_row_theta_exit_code_and_stderr_and_the_rows_before_are_in_the_files()
    {
        var theta = Theta(30);
        int failing = FirstAbove(theta, 0.1f);
        string thetaPath = _temp.File("theta.npy"), xPath = _temp.File("x.csv");
        using var simulator = Start(ExternalProtocol.Line, workers: 2, options: "crash_above=0.1");
        using (var files = SimulationFileWriter.Create(thetaPath, xPath, ["a", "b"], ["x1", "x2"]))
        {
            var e = Assert.Throws<ExternalSimulatorException>(() => Runner().SimulateToFiles(simulator, theta, 3, files));
            Assert.Equal(failing, e.Row);
            Assert.Equal(3, e.ExitCode);
            Assert.Contains(_script, e.Message);
            Assert.Contains($"row {failing} (θ = {SimulationFailedException.FormatTheta(theta.Row(failing))})", e.Message);
            Assert.Contains("exited (code 3)", e.Message);
            Assert.Contains("starting row", e.Message);
            Assert.Contains("simulator failed for theta=", e.Message);
        }
        int kept = failing / Chunk * Chunk;
        Assert.Equal(theta.SliceRows(0, kept), MatrixFile.Read(thetaPath).Values);
        Assert.Equal(ScriptedWorker.Expected(theta, 3, Chunk).SliceRows(0, kept), MatrixFile.Read(xPath).Values);
    }

    [Fact]
    public void A_crash_in_a_binary_request_names_the_rows_sent_together()
    {
        var theta = Theta(30);
        // One worker takes rows 8-10 of chunk 8-11 in one request (at most 3 rows); row 10 crashes.
        using var simulator = Start(ExternalProtocol.Binary, workers: 1, options: "crash_above=0.0");
        var e = Assert.Throws<ExternalSimulatorException>(() => Runner(threads: 1).Simulate(simulator, theta, 3));
        Assert.Equal(10, FirstAbove(theta, 0.0f));
        Assert.Equal(8, e.Row);
        Assert.Equal(3, e.RequestRows);
        Assert.Contains("sent in one request", e.Message);
        Assert.Contains("simulator failed for theta=", e.Message);
    }

    [Fact]
    public void A_hang_past_the_timeout_is_reported_and_the_worker_killed()
    {
        var theta = Theta(12);
        string pids = _temp.File("pids.txt");
        using var simulator = Start(ExternalProtocol.Line, workers: 2, TimeSpan.FromSeconds(1), "hang_above=0.0", $"pid_file={pids}");
        WaitForWorkers(simulator, pids, 2); // so that a slow interpreter start on a busy machine is not taken for a hang
        var e = Assert.Throws<ExternalSimulatorException>(() => Runner().Simulate(simulator, theta, 1));
        Assert.Equal(FirstAbove(theta, 0.0f), e.Row);
        Assert.Contains("no reply within 1 s", e.Message);
        Assert.Contains("killed", e.Message);

        var started = File.ReadAllLines(pids).Select(int.Parse).ToArray();
        var replaced = started.Except(simulator.WorkerProcessIds).ToArray();
        Assert.NotEmpty(replaced);
        Assert.All(replaced, pid => Assert.False(ScriptedWorker.IsRunning(pid), $"worker {pid} still runs"));
        simulator.Dispose();
        Assert.All(File.ReadAllLines(pids).Select(int.Parse), pid => Assert.False(ScriptedWorker.IsRunning(pid), $"worker {pid} still runs"));
    }

    /// <summary>Waits until <paramref name="count"/> workers have written their process ids; fails if a worker dies first.</summary>
    private static void WaitForWorkers(ExternalProcessSimulator simulator, string pidFile, int count)
    {
        while (!(File.Exists(pidFile) && File.ReadAllLines(pidFile).Length >= count))
        {
            Assert.All(simulator.WorkerProcessIds, pid => Assert.True(ScriptedWorker.IsRunning(pid), $"worker {pid} exited before it started"));
            Thread.Sleep(20);
        }
    }

    [Theory]
    [InlineData(ExternalProtocol.Line, "3 values; expected 2")]
    [InlineData(ExternalProtocol.Binary, "rows of 3 values; expected")]
    public void A_wrong_number_of_values_is_an_error(ExternalProtocol protocol, string expected)
    {
        using var simulator = Start(protocol, workers: 1, options: "extra=1");
        var e = Assert.Throws<ExternalSimulatorException>(() => Runner().Simulate(simulator, Theta(5), 1));
        Assert.Equal(0, e.Row);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Garbage_output_is_an_error_quoting_it()
    {
        using var simulator = Start(ExternalProtocol.Line, workers: 1, options: "garbage=1");
        var e = Assert.Throws<ExternalSimulatorException>(() => Runner().Simulate(simulator, Theta(5), 1));
        Assert.Contains("'hello world' holds 'hello', which is not a number", e.Message);
    }

    [Theory]
    [InlineData(ExternalProtocol.Line)]
    [InlineData(ExternalProtocol.Binary)]
    public void NaN_rows_are_dropped_and_counted(ExternalProtocol protocol)
    {
        using var simulator = Start(protocol, workers: 2, options: "nan_above=0.5");
        var set = Runner().Run(new BoxUniform(2, -1f, 1f), simulator, 60, seed: 8);
        int failing = Enumerable.Range(0, set.Count).Count(i => set.Theta[i, 0] > 0.5f);
        Assert.InRange(failing, 1, 59);
        Assert.Equal(failing, set.DropNonFinite().Dropped);
    }

    [Fact]
    public void Resuming_after_a_crash_gives_the_files_of_an_uninterrupted_run()
    {
        var theta = Theta(30);
        string armed = _temp.File("armed");
        File.WriteAllText(armed, "");
        using var simulator = Start(ExternalProtocol.Binary, workers: 2, options: ["crash_above=0.1", $"armed_by={armed}"]);
        string thetaPath = _temp.File("theta.npy"), xPath = _temp.File("x.npy");
        using (var files = SimulationFileWriter.Create(thetaPath, xPath, ["a", "b"], ["x1", "x2"]))
            Assert.Throws<ExternalSimulatorException>(() => Runner().SimulateToFiles(simulator, theta, 6, files));
        Assert.InRange(MatrixFile.Read(xPath).Rows, 1, 29);

        File.Delete(armed);
        using (var files = SimulationFileWriter.Resume(thetaPath, xPath, ["a", "b"], ["x1", "x2"]))
            Assert.Equal(30, Runner(threads: 3).SimulateToFiles(simulator, theta, 6, files).Rows);

        string fullTheta = _temp.File("full-theta.npy"), fullX = _temp.File("full-x.npy");
        using (var files = SimulationFileWriter.Create(fullTheta, fullX, ["a", "b"], ["x1", "x2"]))
            Runner().SimulateToFiles(simulator, theta, 6, files);
        Assert.Equal(File.ReadAllBytes(fullTheta), File.ReadAllBytes(thetaPath));
        Assert.Equal(File.ReadAllBytes(fullX), File.ReadAllBytes(xPath));
    }

    [Fact]
    public void Cancellation_kills_the_busy_workers_and_throws()
    {
        string pids = _temp.File("pids.txt");
        using var simulator = Start(ExternalProtocol.Line, workers: 2, null, "hang_above=-2", $"pid_file={pids}");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(0.5));
        // The workers never reply, so only cancellation can end this call.
        Assert.ThrowsAny<OperationCanceledException>(() => Runner().SimulateChunks(simulator, Theta(8), 1, _ => { }, cancellation: cancel.Token));
        var first = File.ReadAllLines(pids).Select(int.Parse).Take(2);
        Assert.All(first, pid => Assert.False(ScriptedWorker.IsRunning(pid), $"worker {pid} still runs"));
    }

    [Fact]
    public void Dispose_ends_every_worker()
    {
        string pids = _temp.File("pids.txt");
        var simulator = Start(ExternalProtocol.Line, workers: 3, null, $"pid_file={pids}");
        Runner().Simulate(simulator, Theta(6), 1);
        simulator.Dispose();
        var started = File.ReadAllLines(pids).Select(int.Parse).ToArray();
        Assert.Equal(3, started.Length);
        Assert.All(started, pid => Assert.False(ScriptedWorker.IsRunning(pid), $"worker {pid} still runs"));
    }

    [Fact]
    public void A_program_that_cannot_start_is_named()
    {
        string missing = _temp.File("no-such-simulator");
        var e = Assert.Throws<ArgumentException>(() => new ExternalProcessSimulator(new ExternalCommand(missing, []), 2, 2));
        Assert.Contains(missing, e.Message);
        Assert.Contains("Cannot start", e.Message);
    }

    [Fact]
    public void A_relative_program_path_is_taken_from_the_working_directory()
    {
        if (OperatingSystem.IsWindows()) return; // a shell script as the program: POSIX only
        string script = Path.Combine(_temp.Path, "sim.sh");
        File.WriteAllText(script, "#!/usr/bin/env bash\nwhile read -r seed a b; do echo \"$a,$b\"; done\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var simulator = new ExternalProcessSimulator(ExternalCommand.Parse("./sim.sh", _temp.Path), 2, 2, new ExternalSimulatorOptions { Workers = 1 });
        var x = Runner().Simulate(simulator, new float[,] { { 0.5f, -2f } }, 1);
        Assert.Equal(new float[,] { { 0.5f, -2f } }, x);
    }
}

public sealed class ExternalCommandTests
{
    [Theory]
    [InlineData("python3 sim.py", new[] { "python3", "sim.py" })]
    [InlineData("  python3   'my sim.py'  --flag=1 ", new[] { "python3", "my sim.py", "--flag=1" })]
    [InlineData("prog \"a \\\"quoted\\\" word\" b\\ c", new[] { "prog", "a \"quoted\" word", "b c" })]
    [InlineData("prog ''", new[] { "prog", "" })]
    [InlineData("prog 'it'\\''s'", new[] { "prog", "it's" })]
    public void Parse_splits_like_a_shell(string line, string[] words)
    {
        var command = ExternalCommand.Parse(line);
        Assert.Equal(words[0], command.Program);
        Assert.Equal(words[1..], command.Arguments);
        var again = ExternalCommand.Parse(command.ToString());
        Assert.Equal(command.Program, again.Program);
        Assert.Equal(command.Arguments, again.Arguments);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("prog 'open")]
    [InlineData("prog \"open")]
    public void Parse_rejects_empty_and_unterminated_commands(string line)
    {
        var e = Assert.Throws<ArgumentException>(() => ExternalCommand.Parse(line));
        Assert.Contains("command", e.Message);
    }
}
