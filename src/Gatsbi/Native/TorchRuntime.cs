using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;

namespace Gatsbi.Native;

/// <summary>What <see cref="TorchRuntime.EnsureLoaded"/> found and did.</summary>
public enum TorchNativeState
{
    /// <summary>Not Linux x64: TorchSharp's own binaries are used unchanged.</summary>
    NotLinuxX64,
    /// <summary>No libstdc++.so.6 was found, so there is no evidence a patch is needed; nothing was touched.</summary>
    HostLibStdCxxNotFound,
    /// <summary>The host libstdc++ defines GLIBCXX_3.4.32; nothing was touched.</summary>
    HostIsNewEnough,
    /// <summary>The host is old, but this libLibTorchSharp.so does not need GLIBCXX_3.4.32; nothing was touched.</summary>
    LibraryNeedsNoPatch,
    /// <summary>A patched copy of libLibTorchSharp.so is loaded and TorchSharp uses it.</summary>
    Patched,
    /// <summary>Patching is switched off (<see cref="TorchRuntime.PatchingEnabled"/>); TorchSharp loads its own binaries unchanged.</summary>
    Disabled,
}

/// <summary>What <see cref="TorchRuntime.EnsureLoaded"/> found and did; <see cref="Summary"/> says it in one line.</summary>
/// <param name="State">The decision taken.</param>
/// <param name="HostLibStdCxxPath">The host libstdc++ that was examined; null when none was found or on other platforms.</param>
/// <param name="OriginalLibraryPath">The libLibTorchSharp.so that TorchSharp would load; null when it was not looked for.</param>
/// <param name="PatchedLibraryPath">The patched copy in use (only when <see cref="State"/> is Patched).</param>
/// <param name="PatchedCopyWritten">True if this process wrote the copy; false if an identical one was reused.</param>
public sealed record TorchRuntimeStatus(
    TorchNativeState State,
    string? HostLibStdCxxPath,
    string? OriginalLibraryPath,
    string? PatchedLibraryPath,
    bool PatchedCopyWritten)
{
    /// <summary>True when a patched copy of libLibTorchSharp.so is in use (<see cref="State"/> is <see cref="TorchNativeState.Patched"/>).</summary>
    public bool PatchApplied => State == TorchNativeState.Patched;

    /// <summary>One line for logs and the CLI.</summary>
    public string Summary => State switch
    {
        TorchNativeState.Patched =>
            $"libstdc++ at {HostLibStdCxxPath} lacks {ElfSharedObjectPatcher.RequiredVersion}; using patched copy {PatchedLibraryPath} "
            + $"of {OriginalLibraryPath} ({(PatchedCopyWritten ? "written now" : "reused")})",
        TorchNativeState.HostIsNewEnough => $"libstdc++ at {HostLibStdCxxPath} defines {ElfSharedObjectPatcher.RequiredVersion}; no patch needed",
        TorchNativeState.LibraryNeedsNoPatch => $"{OriginalLibraryPath} does not need {ElfSharedObjectPatcher.RequiredVersion}; no patch needed",
        TorchNativeState.HostLibStdCxxNotFound => "no libstdc++.so.6 found on this host; nothing patched",
        TorchNativeState.Disabled => $"patching switched off ({TorchRuntime.DisableVariable} or {TorchRuntime.DisableSwitch}); TorchSharp's own binaries are used",
        _ => "not Linux x64; no patch needed",
    };
}

/// <summary>
/// Makes TorchSharp load on Linux hosts whose libstdc++ is older than the one libLibTorchSharp.so was built
/// against (Debian 12, Ubuntu 22.04). Call <see cref="EnsureLoaded"/> before the first use of TorchSharp. On other
/// hosts it only records that no patch was needed. See src/Gatsbi/Native/README.md for what is patched and where.
/// </summary>
public static class TorchRuntime
{
    internal const string LibraryFileName = "libLibTorchSharp.so";
    internal const string PatchedFileName = "libLibTorchSharp.gatsbi-patched.so";
    const string NativeRid = "linux-x64";

    static readonly Lock Gate = new();
    static TorchRuntimeStatus? status;
    // The patched copy stays loaded for the life of the process; TorchSharp's P/Invokes bind to it.
    static IntPtr patchedHandle;

    /// <summary>The outcome of <see cref="EnsureLoaded"/>, or null before it ran successfully.</summary>
    public static TorchRuntimeStatus? Status => Volatile.Read(ref status);

    /// <summary>The environment variable that switches patching off when set to 0, false or off.</summary>
    public const string DisableVariable = "GATSBI_NATIVE_PATCH";

    /// <summary>
    /// The <see cref="AppContext"/> switch that switches patching off when enabled, e.g. from a project file:
    /// <c>&lt;RuntimeHostConfigurationOption Include="Gatsbi.Native.DisablePatch" Value="true" /&gt;</c>.
    /// </summary>
    public const string DisableSwitch = "Gatsbi.Native.DisablePatch";

    /// <summary>
    /// Whether <see cref="EnsureLoaded"/> may write and load a patched copy of libLibTorchSharp.so on hosts that
    /// need one. True unless <see cref="DisableVariable"/> is 0, false or off or <see cref="DisableSwitch"/> is
    /// enabled. Set it before the first use of Gatsbi or TorchSharp; once <see cref="EnsureLoaded"/> has run,
    /// changing it has no effect. With patching off, TorchSharp loads its own binaries, and on a host with an
    /// older libstdc++ it fails to load with its own error.
    /// </summary>
    public static bool PatchingEnabled { get; set; } =
        IsPatchingEnabled(Environment.GetEnvironmentVariable(DisableVariable), AppContext.TryGetSwitch(DisableSwitch, out bool off) && off);

    /// <summary>The default of <see cref="PatchingEnabled"/> from the variable's value and the switch.</summary>
    internal static bool IsPatchingEnabled(string? variable, bool switchedOff) =>
        !switchedOff && variable?.Trim().ToLowerInvariant() is not ("0" or "false" or "off");

    /// <summary>
    /// Which kernels libtorch may use (<see cref="CpuNumerics"/>): <see cref="CpuNumerics.AcrossCpus"/> unless the
    /// environment variable <c>GATSBI_CPU_NUMERICS</c> says <c>per-machine</c>. Set it before the first use of Gatsbi
    /// or TorchSharp; once <see cref="EnsureLoaded"/> has run, changing it has no effect.
    /// </summary>
    /// <exception cref="ArgumentException">Read while <c>GATSBI_CPU_NUMERICS</c> names no mode.</exception>
    public static CpuNumerics Numerics
    {
        get => numerics ??= CpuNumericsSettings.Parse(Environment.GetEnvironmentVariable(CpuNumericsSettings.Variable));
        set => numerics = value;
    }

    static CpuNumerics? numerics;

    /// <summary>What <see cref="Numerics"/> set up, in one line (the native variables in force); null before <see cref="EnsureLoaded"/>.</summary>
    public static string? NumericsApplied { get; private set; }

    /// <summary>
    /// Idempotent and thread-safe. Applies <see cref="Numerics"/> first. On Linux x64 with a libstdc++ lacking GLIBCXX_3.4.32: writes (or reuses) a
    /// patched copy of libLibTorchSharp.so, loads it, and redirects TorchSharp to it. Throws if that fails (the
    /// next call tries again); succeeds without doing anything on hosts that need no patch.
    /// </summary>
    public static TorchRuntimeStatus EnsureLoaded()
    {
        if (Volatile.Read(ref status) is { } done)
            return done;
        lock (Gate)
        {
            if (status is null)
            {
                NumericsApplied ??= CpuNumericsSettings.Apply(Numerics);
                var result = Initialise();
                Volatile.Write(ref status, result);
            }
            return status;
        }
    }

    static TorchRuntimeStatus Initialise()
    {
        if (!PatchingEnabled)
            return new TorchRuntimeStatus(TorchNativeState.Disabled, null, null, null, false);
        bool linuxX64 = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;
        if (!linuxX64)
            return new TorchRuntimeStatus(TorchNativeState.NotLinuxX64, null, null, null, false);

        var directories = NativeSearchDirectories();
        var result = PreparePatchedCopy(
            isLinuxX64: true,
            LibStdCxxProbe.FindHostLibrary(),
            FindFile(LibraryFileName, directories),
            directories,
            AppContext.BaseDirectory,
            UserCacheRoot());
        if (result.PatchApplied)
            Activate(result.PatchedLibraryPath!, result.OriginalLibraryPath!, directories);
        return result;
    }

    /// <summary>
    /// Decides, and if needed writes the patched copy; loads nothing. Separate from <see cref="Initialise"/> so
    /// tests can drive it with a fake libstdc++ and temporary folders.
    /// </summary>
    /// <param name="isLinuxX64">Whether the process runs on Linux x64; nothing is patched otherwise.</param>
    /// <param name="hostLibStdCxxPath">The host libstdc++ to examine, or null if none was found.</param>
    /// <param name="originalPath">The libLibTorchSharp.so TorchSharp would load, or null if none was found.</param>
    /// <param name="searchedDirectories">Only for the error message when <paramref name="originalPath"/> is null.</param>
    /// <param name="appBaseDirectory">A copy is written beside the original only inside this folder (the app's
    /// own output), never into the NuGet cache.</param>
    /// <param name="cacheRoot">Per-user folder for the copy when it cannot go beside the original.</param>
    internal static TorchRuntimeStatus PreparePatchedCopy(
        bool isLinuxX64, string? hostLibStdCxxPath, string? originalPath, IEnumerable<string> searchedDirectories,
        string appBaseDirectory, string cacheRoot)
    {
        bool? hostDefines = hostLibStdCxxPath is null
            ? null
            : LibStdCxxProbe.DefinesVersion(hostLibStdCxxPath, ElfSharedObjectPatcher.RequiredVersion);
        if (!LibStdCxxProbe.IsPatchNeeded(isLinuxX64, hostDefines))
        {
            var state = !isLinuxX64 ? TorchNativeState.NotLinuxX64
                : hostDefines is null ? TorchNativeState.HostLibStdCxxNotFound
                : TorchNativeState.HostIsNewEnough;
            return new TorchRuntimeStatus(state, hostLibStdCxxPath, originalPath, null, false);
        }

        if (originalPath is null)
            throw new FileNotFoundException(
                $"{LibraryFileName} not found; looked in: {string.Join(", ", searchedDirectories)}", LibraryFileName);

        var image = File.ReadAllBytes(originalPath);
        if (!ElfSharedObjectPatcher.RequiresMissingVersion(image, originalPath))
            return new TorchRuntimeStatus(TorchNativeState.LibraryNeedsNoPatch, hostLibStdCxxPath, originalPath, null, false);

        // Hash before patching: the cache folder is then tied to the exact original, so a TorchSharp update
        // gets a fresh copy instead of a stale one.
        var hash = Convert.ToHexStringLower(SHA256.HashData(image))[..16];
        ElfSharedObjectPatcher.Patch(image, originalPath);

        // Beside the original is best: the copy's RUNPATH ($ORIGIN) then finds libtorch.so and friends as is.
        if (IsInside(originalPath, appBaseDirectory))
        {
            var beside = Path.Combine(Path.GetDirectoryName(originalPath)!, PatchedFileName);
            try
            {
                bool written = WriteIfDifferent(beside, image);
                return new TorchRuntimeStatus(TorchNativeState.Patched, hostLibStdCxxPath, originalPath, beside, written);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Read-only install folder: use the per-user cache below.
            }
        }

        var cached = Path.Combine(cacheRoot, hash, LibraryFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        bool cachedWritten = WriteIfDifferent(cached, image);
        return new TorchRuntimeStatus(TorchNativeState.Patched, hostLibStdCxxPath, originalPath, cached, cachedWritten);
    }

    /// <summary>Writes atomically (temp file + rename) unless an identical file is already there.</summary>
    static bool WriteIfDifferent(string path, byte[] bytes)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            return false;
        // A unique temp name per writer: concurrent processes each rename a complete file, and a process that
        // already mapped an older copy keeps its inode.
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
        return true;
    }

    static void Activate(string patchedPath, string originalPath, IReadOnlyList<string> directories)
    {
        var originalDirectory = Path.GetDirectoryName(originalPath)!;
        if (!string.Equals(Path.GetDirectoryName(patchedPath), originalDirectory, StringComparison.Ordinal))
        {
            // The copy's DT_NEEDED (libtorch.so, libc10.so, libtorch_cpu.so) are found through RUNPATH $ORIGIN,
            // which now names the cache folder. glibc matches DT_NEEDED against the sonames of objects already
            // loaded, so load those libraries from where they really are first.
            var libraryDirectories = new[] { originalDirectory }.Concat(directories).Concat(NuGetLibTorchDirectories()).ToList();
            foreach (var needed in ElfFile.Load(patchedPath).ReadNeededLibraries())
                if (FindFile(needed, libraryDirectories) is { } dependency)
                    NativeLibrary.Load(dependency);
        }

        patchedHandle = NativeLibrary.Load(patchedPath);

        // TorchSharp's P/Invokes name "LibTorchSharp": answer them with the patched copy. TorchSharp's own
        // probe, NativeLibrary.TryLoad("LibTorchSharp", assembly, null), first fails on the original file and then
        // tries dlopen("libLibTorchSharp.so"), which glibc answers with our copy because its soname is that name.
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, ResolveLibTorchSharp);
        }
        catch (InvalidOperationException)
        {
            // Someone else registered a resolver for TorchSharp; the soname match above still selects our copy.
        }
    }

    static IntPtr ResolveLibTorchSharp(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName is "LibTorchSharp" or LibraryFileName ? patchedHandle : IntPtr.Zero;

    /// <summary>
    /// Where TorchSharp's loader would find libLibTorchSharp.so, in its order: the host's native search folders
    /// (from the app's deps.json), the TorchSharp.dll folder, the app's runtimes/linux-x64/native and base folder,
    /// then the NuGet package itself.
    /// </summary>
    static IReadOnlyList<string> NativeSearchDirectories()
    {
        var directories = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string list)
            directories.AddRange(list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        var torchSharp = typeof(torch).Assembly;
        var torchSharpDirectory = Path.GetDirectoryName(torchSharp.Location);
        if (!string.IsNullOrEmpty(torchSharpDirectory))
        {
            directories.Add(torchSharpDirectory);
            // Package layout: torchsharp/<version>/lib/net8.0/TorchSharp.dll and .../runtimes/linux-x64/native/.
            directories.Add(Path.Combine(torchSharpDirectory, "..", "..", "runtimes", NativeRid, "native"));
        }
        directories.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", NativeRid, "native"));
        directories.Add(AppContext.BaseDirectory);
        var version = torchSharp.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];
        if (!string.IsNullOrEmpty(version))
            directories.Add(Path.Combine(NuGetPackagesRoot(), "torchsharp", version, "runtimes", NativeRid, "native"));
        return directories.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct().ToList();
    }

    /// <summary>libtorch's own package folders in the NuGet cache, newest first (used only for preloading).</summary>
    static IEnumerable<string> NuGetLibTorchDirectories()
    {
        var package = Path.Combine(NuGetPackagesRoot(), $"libtorch-cpu-{NativeRid}");
        if (!Directory.Exists(package))
            return [];
        return Directory.GetDirectories(package)
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "runtimes", NativeRid, "native"));
    }

    static string NuGetPackagesRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>$XDG_CACHE_HOME/gatsbi/native, else ~/.cache/gatsbi/native, else the temp folder.</summary>
    static string UserCacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg
            : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache")
            : Path.GetTempPath();
        return Path.Combine(root, "gatsbi", "native");
    }

    static string? FindFile(string fileName, IEnumerable<string> directories) =>
        directories.Select(d => Path.Combine(d, fileName)).FirstOrDefault(File.Exists);

    static bool IsInside(string path, string directory)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal);
    }
}
