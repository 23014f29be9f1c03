using System.Diagnostics;
using Gatsbi.Simulation;
using Gatsbi.Simulation.External;
using Gatsbi.Tests.Cli;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Simulation;

/// <summary>
/// No simulator worker outlives the process that started it (WorkerLauncher): not when gatsbi is killed outright
/// while its workers are stuck in a simulation, and not early either, when the thread that started them ends.
/// </summary>
public sealed class WorkerLifetimeTests : IDisposable
{
    /// <summary>Bounds the wait for the kernel to end the workers: a liveness bound, not a timing requirement.</summary>
    private static readonly TimeSpan EndWait = TimeSpan.FromSeconds(10);

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A worker that takes one request, writes its process id to the file given as its argument, and never replies.</summary>
    private string StuckWorker()
    {
        string script = _temp.File("stuck.sh");
        File.WriteAllText(script, "read -r request\necho $$ >> \"$1\"\nexec sleep 600\n");
        return script;
    }

    [Fact]
    public void Workers_stuck_in_a_simulation_end_when_gatsbi_is_killed_outright()
    {
        if (!OperatingSystem.IsLinux()) return; // the parent-death signal is Linux's
        string pids = _temp.File("pids.txt");
        using var gatsbi = GatsbiProcess.Start(_temp.Path, "simulate", "--command", $"sh '{StuckWorker()}' '{pids}'", "--parameters", "1", "--data", "1",
            "--prior-low", "0", "--prior-high", "1", "--count", "4", "--workers", "2", "--theta-out", _temp.File("theta.csv"), "--x-out", _temp.File("x.csv"));
        var workers = WaitForLines(pids, 2, gatsbi);
        try
        {
            gatsbi.Kill();
            Assert.Equal(128 + GatsbiProcess.Sigkill, gatsbi.WaitForExit());
            Assert.True(WithinEndWait(() => !workers.Any(ScriptedWorker.IsRunning)),
                $"workers {string.Join(", ", workers.Where(ScriptedWorker.IsRunning))} still run {EndWait.TotalSeconds} s after gatsbi was killed");
        }
        finally
        {
            foreach (int pid in workers.Where(ScriptedWorker.IsRunning)) Process.GetProcessById(pid).Kill();
        }
    }

    /// <summary>
    /// The kernel sends the parent-death signal when the thread that started a process ends, not the process; a
    /// simulator created on a short-lived thread (a thread-pool thread, say) must keep its workers all the same.
    /// </summary>
    [Fact]
    public void Workers_outlive_the_thread_that_started_them()
    {
        string script = _temp.File("echo.sh");
        File.WriteAllText(script, "while read -r seed a; do echo \"$a\"; done\n");
        ExternalProcessSimulator? simulator = null;
        var starter = new Thread(() => simulator = new ExternalProcessSimulator(new ExternalCommand("sh", [script]), 1, 1,
            new ExternalSimulatorOptions { Workers = 2 }));
        starter.Start();
        starter.Join();
        using (simulator)
        {
            var workers = simulator!.WorkerProcessIds;
            // Long enough for a signal sent at the thread's exit to have arrived; a worker it killed is gone by then.
            Thread.Sleep(300);
            Assert.All(workers, pid => Assert.True(ScriptedWorker.IsRunning(pid), $"worker {pid} ended with the thread that started it"));
            var x = new SimulationRunner { ChunkSize = 4 }.Simulate(simulator, new float[,] { { 0.25f }, { 0.5f } }, 1);
            Assert.Equal(new float[,] { { 0.25f }, { 0.5f } }, x);
        }
    }

    [Fact]
    public void A_bare_program_name_not_on_the_path_cannot_start_and_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new ExternalProcessSimulator(new ExternalCommand("no-such-gatsbi-simulator", []), 1, 1));
        Assert.Contains("Cannot start", e.Message);
        Assert.Contains("no-such-gatsbi-simulator", e.Message);
    }

    [Fact]
    public void A_program_without_execute_permission_cannot_start()
    {
        if (OperatingSystem.IsWindows()) return; // POSIX permissions
        string script = _temp.File("not-executable.sh");
        File.WriteAllText(script, "#!/bin/sh\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var e = Assert.Throws<ArgumentException>(() => new ExternalProcessSimulator(new ExternalCommand(script, []), 1, 1));
        Assert.Contains("Cannot start", e.Message);
        Assert.Contains(script, e.Message);
    }

    /// <summary>Waits until <paramref name="file"/> has <paramref name="count"/> process ids; fails if gatsbi ends first.</summary>
    private static int[] WaitForLines(string file, int count, GatsbiProcess gatsbi)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!File.Exists(file) || File.ReadAllLines(file).Length < count)
        {
            Assert.False(gatsbi.HasExited, $"gatsbi ended before its workers started:\n{gatsbi.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"the workers did not start:\n{gatsbi.Output}");
            Thread.Sleep(20);
        }
        return File.ReadAllLines(file).Select(int.Parse).ToArray();
    }

    private static bool WithinEndWait(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + EndWait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(20);
        }
        return true;
    }
}
