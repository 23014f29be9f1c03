using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Gatsbi.Cli;

/// <summary>
/// An exclusive claim on a set of outputs: a lock file created with <see cref="FileMode.CreateNew"/>, which
/// the file system grants to one process only, holding the holder's process id, host and start time. A run
/// that finds the lock held stops; a lock left by a process that no longer exists (killed outright, or a
/// second Ctrl+C) is taken over. Disposing deletes the lock, and so do SIGTERM and SIGHUP before they end
/// the process.
/// </summary>
internal sealed class RunLock : IDisposable
{
    private readonly string _content;

    /// <summary>Release on the signals that end a process politely; the runtime raises no exit event for them.</summary>
    private readonly PosixSignalRegistration[] _onTermination;

    private RunLock(string path, string content)
    {
        Path = path;
        _content = content;
        _onTermination = [PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Release()), PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => Release())];
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock at <paramref name="path"/>, or throws <see cref="ArgumentException"/> naming the run that
    /// holds it; <paramref name="outputs"/> names what it guards in that message ("--out runs/a").
    /// Other failures to create the file (a read-only folder, a full disk) propagate as they are.
    /// </summary>
    public static RunLock Acquire(string path, string outputs)
    {
        string me = LockHolder.Current().Format();
        // A stale lock is moved aside and the creation tried again; a few tries settle any race between runs doing the same.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (TryCreate(path, me)) return new RunLock(path, me);
            string? text = ReadOrNull(path);
            if (text is null) continue; // released meanwhile
            var holder = LockHolder.Parse(text);
            if (holder is null)
                throw new ArgumentException($"{outputs} is locked by {path}, which does not say which run holds it; if no gatsbi run is writing there, delete it.");
            if (!holder.IsGone())
                throw new ArgumentException($"{outputs} is in use by another gatsbi run: pid {holder.ProcessId} on {holder.Host}" +
                    (holder.Started is { } started ? $", running since {started.ToString("u", CultureInfo.InvariantCulture)}" : "") +
                    $" (lock file {path}). Wait for it to finish or choose other outputs" +
                    (holder.Host == Environment.MachineName ? "." : "; if that run has ended, delete the lock file."));
            Console.Error.WriteLine($"warning: taking over {path}: the run that held it (pid {holder.ProcessId}) no longer exists.");
            RemoveStale(path, text);
        }
        throw new ArgumentException($"{outputs}: could not take the lock file {path}; other runs keep taking it. Try again.");
    }

    public void Dispose()
    {
        foreach (var registration in _onTermination) registration.Dispose();
        Release();
    }

    /// <summary>Deletes the lock if it is still this run's (a run that took over a lock it thought stale owns it now).</summary>
    private void Release()
    {
        try
        {
            if (ReadOrNull(Path) == _content) File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder went away or turned read-only: the lock is left behind and the next run takes it over as stale.
        }
    }

    /// <summary>
    /// Creates the lock with its content already in it: the content goes to a temporary file of this process, which is
    /// then moved to <paramref name="path"/> without replacing (on Unix a hard link, which the file system grants to one
    /// process only). A lock is so never seen empty, even when the process is killed while taking it.
    /// </summary>
    private static bool TryCreate(string path, string content)
    {
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, content);
        try
        {
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Moves the stale lock aside (an atomic rename) and deletes it if it is the one judged stale. Should another run
    /// have replaced it in between, that run's live lock is put back, and the next attempt finds it held.
    /// </summary>
    private static void RemoveStale(string path, string staleContent)
    {
        string aside = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.stale";
        try
        {
            File.Move(path, aside);
        }
        catch (FileNotFoundException)
        {
            return; // another run removed it first
        }
        if (File.ReadAllText(aside) == staleContent) File.Delete(aside);
        else File.Move(aside, path, overwrite: false);
    }

    /// <summary>The run named in a lock file.</summary>
    /// <param name="ProcessId">Its process id.</param>
    /// <param name="Host">The machine it runs on; processes of other machines cannot be looked up, so their locks are never judged stale.</param>
    /// <param name="Started">When its process started (UTC), which tells it apart from a later process given the same id; null in a lock file that does not say.</param>
    private sealed record LockHolder(int ProcessId, string Host, DateTime? Started)
    {
        public static LockHolder Current()
        {
            using var process = Process.GetCurrentProcess();
            return new LockHolder(Environment.ProcessId, Environment.MachineName, process.StartTime.ToUniversalTime());
        }

        public string Format() => string.Create(CultureInfo.InvariantCulture,
            $"pid={ProcessId}\nhost={Host}\nstarted={Started:O}\n");

        /// <summary>The holder in a lock file's text, or null when it names no process id (an empty or foreign file).</summary>
        public static LockHolder? Parse(string text)
        {
            var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
            if (!fields.TryGetValue("pid", out var pid) || !int.TryParse(pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id)) return null;
            DateTime? started = fields.TryGetValue("started", out var s) &&
                                DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
            return new LockHolder(id, fields.GetValueOrDefault("host", Environment.MachineName), started);
        }

        /// <summary>
        /// True when the holder is on this host and no process with its id runs, or the one that does started at
        /// another time (the id was reused). Process start times are read from the same clock for both, so the
        /// holder's own process matches to well within the second allowed.
        /// </summary>
        public bool IsGone()
        {
            if (Host != Environment.MachineName) return false;
            try
            {
                using var process = Process.GetProcessById(ProcessId);
                return process.HasExited || Started is { } started && Math.Abs((process.StartTime.ToUniversalTime() - started).TotalSeconds) > 1;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                return true; // no process has that id, or it ended while being looked at
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false; // it exists but cannot be inspected: assume it is the holder
            }
        }
    }
}
