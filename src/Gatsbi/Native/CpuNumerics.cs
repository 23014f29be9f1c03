using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Gatsbi.Native;

/// <summary>
/// Which CPU kernels libtorch may choose, and so how far a seed reproduces. The same seed and thread count give
/// bit-identical training on one machine either way; across machines the results differ when the kernels
/// differ, because libtorch's BLAS (Intel MKL, linked into libtorch) and its own vectorised operators pick a
/// code path by the CPU's instruction set and vendor, and adversarial training amplifies their last-bit
/// differences into another trajectory. docs/performance.md ("Reproducibility") has the measurements.
/// </summary>
public enum CpuNumerics
{
    /// <summary>
    /// Pin MKL to its AVX2 code path (conditional numerical reproducibility, <c>MKL_CBWR=AVX2</c>) and libtorch's
    /// operators to their AVX2 kernels (<c>ATEN_CPU_CAPABILITY=avx2</c>): the same bits on every x86-64 CPU with
    /// AVX2 and FMA, Intel or AMD, for the same seed, thread count and library versions.
    /// </summary>
    AcrossCpus,

    /// <summary>Let MKL and libtorch pick the fastest kernels for this CPU: reproducible on this machine only.</summary>
    PerMachine,
}

/// <summary>
/// Applies a <see cref="CpuNumerics"/> choice to the native libraries. MKL and libtorch read their settings from the
/// process environment when they first run, so this has to happen before libtorch is loaded;
/// <see cref="TorchRuntime.EnsureLoaded"/> calls it first.
/// </summary>
internal static class CpuNumericsSettings
{
    /// <summary>The environment variable that chooses the mode: <c>across-cpus</c> or <c>per-machine</c>.</summary>
    public const string Variable = "GATSBI_CPU_NUMERICS";

    /// <summary>The native variables that pin the kernels, with the values <see cref="CpuNumerics.AcrossCpus"/> gives them.</summary>
    public static readonly IReadOnlyList<(string Name, string Value)> PinnedKernels = [("MKL_CBWR", "AVX2"), ("ATEN_CPU_CAPABILITY", "avx2")];

    /// <summary>The mode named by <paramref name="variable"/>; <see cref="CpuNumerics.AcrossCpus"/> when it is unset.</summary>
    /// <exception cref="ArgumentException">The value names no mode.</exception>
    public static CpuNumerics Parse(string? variable) => variable?.Trim().ToLowerInvariant() switch
    {
        null or "" or "across-cpus" => CpuNumerics.AcrossCpus,
        "per-machine" => CpuNumerics.PerMachine,
        _ => throw new ArgumentException($"{Variable} must be across-cpus or per-machine; got '{variable}'."),
    };

    /// <summary>
    /// Sets the native variables for <paramref name="mode"/>, leaving alone any the user set themselves (an explicit
    /// <c>MKL_CBWR</c> wins). Returns what the process now runs with, for <see cref="TorchRuntime.Numerics"/>.
    /// A CPU without AVX2 cannot run the pinned kernels; MKL and libtorch then fall back to their generic code,
    /// which is reproducible among such CPUs only, and the description says so.
    /// </summary>
    public static string Apply(CpuNumerics mode)
    {
        if (mode == CpuNumerics.PerMachine || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return mode == CpuNumerics.PerMachine ? "per-machine (the fastest kernels for this CPU)" : "per-machine (not x86-64)";
        foreach (var (name, value) in PinnedKernels)
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
                SetNative(name, value);
        string pinned = string.Join(" ", PinnedKernels.Select(k => $"{k.Name}={Environment.GetEnvironmentVariable(k.Name)}"));
        return Avx2.IsSupported && Fma.IsSupported
            ? $"across-cpus ({pinned})"
            : $"across-cpus requested, but this CPU lacks AVX2/FMA: generic kernels, reproducible among such CPUs only ({pinned})";
    }

    /// <summary>
    /// .NET keeps its own copy of the environment on Unix, so <see cref="Environment.SetEnvironmentVariable(string, string)"/>
    /// alone is invisible to native code; libc's setenv changes the one MKL and libtorch read. (On Windows the
    /// C runtime's copy is not updated either; the pinning is tested on Linux, the platform the CLI ships for.)
    /// </summary>
    private static void SetNative(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && setenv(name, value, 1) != 0)
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
