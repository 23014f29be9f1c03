using System.CommandLine;

namespace Gatsbi.Cli;

/// <summary>
/// The outputs of one command, claimed before any work starts, the same way by every command that writes:
/// the folder is created (with any missing parents) and shown to be writable by creating the lock file in
/// it; an output that already exists is refused unless <c>--overwrite</c> is given; and the lock
/// (<see cref="RunLock"/>) keeps a second run from writing the same outputs at the same time. Disposing
/// releases the lock and removes folders the claim created that are still empty (an input error found
/// after the claim leaves nothing behind).
/// </summary>
internal sealed class OutputClaim : IDisposable
{
    /// <summary>The lock file inside a claimed folder.</summary>
    public const string LockFileName = "gatsbi.lock";

    private readonly HashSet<string>? _files;
    private readonly List<RunLock> _locks = [];
    private readonly List<string> _createdFolders = [];

    private OutputClaim(string? folder, IEnumerable<string>? files)
    {
        Folder = folder;
        _files = files?.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The claimed folder; null for a claim of single files.</summary>
    public string? Folder { get; }

    /// <summary>The --overwrite option of every command that writes outputs it does not resume.</summary>
    public static Option<bool> OverwriteOption() =>
        new("--overwrite") { Description = "Replace outputs that already exist (without it, an existing output is an error, so finished work is never replaced by accident)" };

    /// <summary>
    /// Claims <paramref name="folder"/> (given as <paramref name="option"/>) for a command that writes
    /// <paramref name="files"/> into it; an existing one of them is refused unless <paramref name="overwrite"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The folder cannot be made or written, an output exists, or another run holds the folder.</exception>
    public static OutputClaim ForFolder(string option, string folder, bool overwrite, IEnumerable<string> files)
    {
        var claim = new OutputClaim(folder, files);
        return claim.Take(() =>
        {
            claim.PrepareFolder($"{option} {folder}", folder);
            claim.Lock(Path.Combine(folder, LockFileName), $"{option} {folder}");
            foreach (var name in claim._files!.Order(StringComparer.Ordinal))
                RefuseExisting(Path.Combine(folder, name), overwrite, "add --overwrite to replace it, or choose another " + option);
        });
    }

    /// <summary>
    /// Claims the folder of a command that resumes (bench, references): the files already there are its own
    /// finished work, which it keeps and continues, so nothing is refused; the folder is still checked and locked.
    /// </summary>
    public static OutputClaim ForResumedFolder(string option, string folder)
    {
        var claim = new OutputClaim(folder, null);
        return claim.Take(() =>
        {
            claim.PrepareFolder($"{option} {folder}", folder);
            claim.Lock(Path.Combine(folder, LockFileName), $"{option} {folder}");
        });
    }

    /// <summary>
    /// Claims output files, each given as its option (a null path is an option not given): a lock file beside
    /// each (<c>NAME.lock</c>), and an existing file refused unless <paramref name="overwrite"/>, with
    /// <paramref name="advice"/> saying what to do instead.
    /// </summary>
    public static OutputClaim ForFiles(IEnumerable<(string Option, string? Path)> files, bool overwrite, string advice = "add --overwrite to replace it")
    {
        var given = files.Where(f => f.Path is not null).Select(f => (f.Option, Path: f.Path!)).ToList();
        var same = given.GroupBy(f => System.IO.Path.GetFullPath(f.Path)).FirstOrDefault(g => g.Count() > 1);
        if (same is not null) throw new ArgumentException($"{string.Join(" and ", same.Select(f => f.Option))} name the same file {same.First().Path}; give each its own.");
        var claim = new OutputClaim(null, null);
        return claim.Take(() =>
        {
            foreach (var (option, path) in given)
            {
                if (Directory.Exists(path)) throw new ArgumentException($"{option} {path} is a folder; give a file name.");
                claim.PrepareFolder($"{option} {path}", System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            }
            // Locks are taken in one order, so two runs claiming overlapping files cannot each hold half.
            foreach (var (option, path) in given.OrderBy(f => System.IO.Path.GetFullPath(f.Path), StringComparer.Ordinal))
                claim.Lock(path + ".lock", $"{option} {path}");
            foreach (var (_, path) in given) RefuseExisting(path, overwrite, advice);
        });
    }

    /// <summary>
    /// The path of <paramref name="name"/> in the claimed folder. Outputs are named here rather than joined to the
    /// folder by each command, so that a file written but not declared to <see cref="ForFolder"/> (and so never
    /// checked for overwriting) fails every run that writes it instead of passing unnoticed.
    /// </summary>
    public string File(string name)
    {
        if (Folder is null) throw new InvalidOperationException("A claim of single files has no folder.");
        if (_files is not null && !_files.Contains(name))
            throw new InvalidOperationException($"{name} is written to {Folder} but was not claimed with the command's outputs.");
        return Path.Combine(Folder, name);
    }

    public void Dispose()
    {
        foreach (var held in _locks) held.Dispose();
        _locks.Clear();
        for (int i = _createdFolders.Count - 1; i >= 0; i--)
        {
            try
            {
                if (Directory.Exists(_createdFolders[i]) && !Directory.EnumerateFileSystemEntries(_createdFolders[i]).Any())
                    Directory.Delete(_createdFolders[i]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left in place: an empty folder is untidy, not wrong.
            }
        }
        _createdFolders.Clear();
    }

    /// <summary>Runs the steps of a claim; if one refuses, what the earlier ones took is given back.</summary>
    private OutputClaim Take(Action steps)
    {
        try
        {
            steps();
            return this;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates <paramref name="folder"/> and its missing parents, naming a file that stands in the way;
    /// <paramref name="subject"/> is the option and value the messages name ("--out runs/a").
    /// </summary>
    private void PrepareFolder(string subject, string folder)
    {
        string full = Path.GetFullPath(folder);
        var missing = new List<string>();
        for (string? p = full; p is not null && !Directory.Exists(p); p = Path.GetDirectoryName(p))
        {
            if (System.IO.File.Exists(p))
                throw new ArgumentException($"{subject}: {p} is a file, not a folder.");
            missing.Add(p);
        }
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{subject}: cannot create the folder {full} ({e.Message})", e);
        }
        missing.Reverse();
        _createdFolders.AddRange(missing);
    }

    /// <summary>Takes the lock file, whose creation also shows that the folder accepts new files.</summary>
    private void Lock(string lockPath, string outputs)
    {
        if (_locks.Any(l => l.Path == lockPath)) return;
        try
        {
            _locks.Add(RunLock.Acquire(lockPath, outputs));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{outputs}: cannot write in {Path.GetDirectoryName(Path.GetFullPath(lockPath))} ({e.Message})", e);
        }
    }

    private static void RefuseExisting(string path, bool overwrite, string advice)
    {
        if (Directory.Exists(path)) throw new ArgumentException($"{path} is a folder where the output file goes; move it away.");
        if (!overwrite && System.IO.File.Exists(path)) throw new ArgumentException($"{path} already exists; {advice}.");
    }
}
