using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gatsbi.Simulation.External;

/// <summary>
/// Starts worker processes so that none outlives the process that started it, even one killed outright
/// (SIGKILL, the out-of-memory killer), which runs no code of its own to end them.
/// <para>
/// On Linux the kernel does it: a process whose parent-death signal is set (<c>prctl(PR_SET_PDEATHSIG)</c>,
/// <c>man 2 prctl</c>) is sent that signal when its parent dies. .NET runs no code in a child between fork
/// and exec, so each worker is started through <c>setpriv --pdeathsig KILL</c> (util-linux), which sets the
/// signal and execs a one-line <c>/bin/sh</c> guard, which execs the program: the signal survives both
/// execs (only a set-user-ID, set-group-ID or file-capability program clears it), so the worker keeps the
/// process id and pipes Gatsbi started. The guard closes the one gap: the kernel sends nothing for a parent that died
/// before the signal was set, so the guard exits unless its parent is still this process.
/// </para>
/// <para>
/// The "parent" the kernel watches is the thread that forked the child, not the whole process, and
/// <see cref="Process.Start(ProcessStartInfo)"/> forks from the calling thread, which may be a thread-pool
/// thread that ends once idle, or a simulator's worker thread that ends at dispose before its process has
/// been asked to exit. So every guarded worker is started from one dedicated thread that lives as long as
/// the process: its death and the process's are the same event. tests/Gatsbi.Tests/Simulation/WorkerLifetimeTests.cs
/// checks both halves: workers end with a killed gatsbi, and outlive the thread that created their simulator.
/// </para>
/// <para>
/// Where setpriv is missing or too old for <c>--pdeathsig</c> (util-linux before 2.33), and on other
/// systems, workers are started directly: they are still ended by <see cref="ExternalProcessSimulator.Dispose"/>
/// and on a normal exit, but not after the process is killed outright. Processes a worker starts itself are
/// its own: only the worker gets the signal (docs/external-simulators.md, "When Gatsbi is killed").
/// </para>
/// </summary>
internal static class WorkerLauncher
{
    /// <summary>The guard run between setpriv and the program: <c>$1</c> is the pid its parent must have, the rest the program and its arguments.</summary>
    private const string Guard = """[ "$PPID" = "$1" ] || exit 1; shift; exec "$@" """;

    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(10);

    /// <summary>The setpriv to start workers through, once shown to work here; null to start them directly.</summary>
    private static readonly Lazy<string?> Setpriv = new(FindWorkingSetpriv);

    /// <summary>The thread that starts every guarded worker, created with the first.</summary>
    private static readonly Lazy<LauncherThread> Launcher = new(() => new LauncherThread());

    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>
    /// (the current folder when null), standard input, output and error redirected as UTF-8.
    /// </summary>
    /// <param name="program">A path (a relative one is taken from the current folder) or a bare name looked up on the PATH.</param>
    /// <param name="arguments">The arguments, one word each.</param>
    /// <param name="workingDirectory">The folder the program runs in; null for the current one.</param>
    /// <exception cref="Win32Exception">The program does not exist, is not executable, or cannot be started.</exception>
    public static Process Start(string program, IReadOnlyList<string> arguments, string? workingDirectory)
    {
        if (Setpriv.Value is not { } setpriv) return Launch(StartInfo(program, arguments, workingDirectory));
        // Found now, not by the guard's exec, so that a missing program fails here rather than at the first row.
        var info = StartInfo(setpriv, GuardedArguments(Executable(program), arguments), workingDirectory);
        return Launcher.Value.Run(() => Launch(info));
    }

    private static string[] GuardedArguments(string program, IEnumerable<string> arguments) =>
        ["--pdeathsig", "KILL", "--", "/bin/sh", "-c", Guard, "gatsbi-worker", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), program, .. arguments];

    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, string? workingDirectory)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }

    private static Process Launch(ProcessStartInfo info) =>
        Process.Start(info) ?? throw new Win32Exception($"The operating system started no process for '{info.FileName}'.");

    /// <summary>
    /// setpriv, if it is on the PATH and starts a program through the guard: an old one rejects
    /// <c>--pdeathsig</c>, and a sandbox may forbid the calls.
    /// </summary>
    private static string? FindWorkingSetpriv()
    {
        if (!OperatingSystem.IsLinux() || OnPath("setpriv") is not { } setpriv) return null;
        try
        {
            using var probe = Launch(StartInfo(setpriv, GuardedArguments("/bin/sh", ["-c", "exit 0"]), null));
            probe.StandardInput.Close();
            if (probe.WaitForExit(ProbeWait)) return probe.ExitCode == 0 ? setpriv : null;
            probe.Kill();
            return null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The full path of <paramref name="program"/>, found as <c>exec</c> would; a missing or non-executable one throws as a failed start does.</summary>
    private static string Executable(string program)
    {
        const int NoSuchFile = 2, PermissionDenied = 13;
        string path = program.Contains('/') ? Path.GetFullPath(program)
            : OnPath(program) ?? throw new Win32Exception(NoSuchFile, $"'{program}' is not on the PATH");
        if (!File.Exists(path)) throw new Win32Exception(NoSuchFile);
        if (!IsExecutable(path)) throw new Win32Exception(PermissionDenied);
        return path;
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(path => File.Exists(path) && IsExecutable(path));

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>A background thread that runs the starts handed to it, one at a time, and never ends before the process.</summary>
    private sealed class LauncherThread
    {
        private readonly BlockingCollection<Action> _starts = new();

        public LauncherThread() =>
            new Thread(() =>
            {
                foreach (var start in _starts.GetConsumingEnumerable()) start();
            }) { IsBackground = true, Name = "simulator worker launcher" }.Start();

        /// <summary>Runs <paramref name="start"/> on the launcher thread and returns its result or throws its exception.</summary>
        public Process Run(Func<Process> start)
        {
            var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
            _starts.Add(() =>
            {
                try
                {
                    done.SetResult(start());
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            });
            return done.Task.GetAwaiter().GetResult();
        }
    }
}
