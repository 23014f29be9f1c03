using System.Diagnostics;
using System.Text;

namespace Gatsbi.Native;

/// <summary>
/// Finds the libstdc++.so.6 that the dynamic loader binds for this process and tells whether it defines a given
/// symbol version (here GLIBCXX_3.4.32, which GCC 13's libstdc++ introduced).
/// </summary>
public static class LibStdCxxProbe
{
    /// <summary>The soname the probe looks for; the file it finds may be the versioned one it links to (e.g. libstdc++.so.6.0.30).</summary>
    public const string Soname = "libstdc++.so.6";

    static readonly string[] StandardDirectories =
        ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib"];

    /// <summary>
    /// The path of the libstdc++.so.6 the loader will use, or null if none is found. The .NET host itself links
    /// libstdc++, so the copy already mapped into this process is the one glibc will hand to TorchSharp (it matches
    /// DT_NEEDED against loaded sonames); only if that cannot be read do we mimic the loader's search order.
    /// </summary>
    public static string? FindHostLibrary()
    {
        return FromProcessMaps(TryReadAllText("/proc/self/maps"))
            ?? FirstExisting(SplitPathList(Environment.GetEnvironmentVariable("LD_LIBRARY_PATH")))
            ?? FromLdconfigOutput(TryRunLdconfig())
            ?? FirstExisting(StandardDirectories);
    }

    /// <summary>
    /// True if the library at <paramref name="libraryPath"/> defines <paramref name="version"/> in its
    /// .gnu.version_d. If the file cannot be parsed as ELF, falls back to searching for the NUL-terminated name.
    /// </summary>
    public static bool DefinesVersion(string libraryPath, string version)
    {
        var bytes = File.ReadAllBytes(libraryPath);
        try
        {
            return ElfFile.Parse(bytes, libraryPath).ReadVersionDefinitions().Contains(version);
        }
        catch (ElfFormatException)
        {
            return bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(version + "\0")) >= 0;
        }
    }

    /// <summary>
    /// The decision, kept free of I/O so that tests can drive it: patch only on Linux x64 when the host libstdc++
    /// was found and lacks the version. <paramref name="hostDefinesRequiredVersion"/> is null when no libstdc++ was
    /// found; then nothing is patched (there is no evidence the patch is needed).
    /// </summary>
    public static bool IsPatchNeeded(bool isLinuxX64, bool? hostDefinesRequiredVersion) =>
        isLinuxX64 && hostDefinesRequiredVersion == false;

    /// <summary>Picks the mapped libstdc++.so.6 (the real file, e.g. libstdc++.so.6.0.30) from /proc/self/maps text.</summary>
    internal static string? FromProcessMaps(string? maps)
    {
        if (maps is null)
            return null;
        foreach (var line in maps.Split('\n'))
        {
            int slash = line.IndexOf('/');
            if (slash < 0)
                continue;
            var path = line[slash..].Trim();
            if (Path.GetFileName(path).StartsWith(Soname, StringComparison.Ordinal) && File.Exists(path))
                return path;
        }
        return null;
    }

    /// <summary>Picks the x86-64 libstdc++.so.6 from <c>ldconfig -p</c> output ("\tlibstdc++.so.6 (libc6,x86-64) => /path").</summary>
    internal static string? FromLdconfigOutput(string? output)
    {
        if (output is null)
            return null;
        foreach (var line in output.Split('\n'))
        {
            var trimmed = line.Trim();
            int arrow = trimmed.IndexOf("=>", StringComparison.Ordinal);
            if (arrow < 0 || !trimmed.StartsWith(Soname + " ", StringComparison.Ordinal) || !trimmed.Contains("x86-64", StringComparison.Ordinal))
                continue;
            var path = trimmed[(arrow + 2)..].Trim();
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    static string? FirstExisting(IEnumerable<string> directories) =>
        directories.Select(d => Path.Combine(d, Soname)).FirstOrDefault(File.Exists);

    static IEnumerable<string> SplitPathList(string? list) =>
        (list ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    static string? TryReadAllText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    static string? TryRunLdconfig()
    {
        // ldconfig lives in /sbin, which is often not on a normal user's PATH.
        foreach (var exe in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
        {
            if (!File.Exists(exe))
                continue;
            try
            {
                var info = new ProcessStartInfo(exe, "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using var process = Process.Start(info);
                if (process is null)
                    continue;
                var output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return output;
            }
            catch (System.ComponentModel.Win32Exception) { }
            catch (IOException) { }
        }
        return null;
    }
}
