using System.Runtime.InteropServices;
using Gatsbi.Native;
using Gatsbi.Tests.Core;

namespace Gatsbi.Tests.Native;

[Collection(TorchCollection.Name)]
public sealed class CpuNumericsTests : TorchTest
{
    [Theory]
    [InlineData(null, CpuNumerics.AcrossCpus)]
    [InlineData("", CpuNumerics.AcrossCpus)]
    [InlineData("across-cpus", CpuNumerics.AcrossCpus)]
    [InlineData(" Per-Machine ", CpuNumerics.PerMachine)]
    public void The_variable_names_the_mode_and_defaults_to_across_cpus(string? variable, CpuNumerics expected) =>
        Assert.Equal(expected, CpuNumericsSettings.Parse(variable));

    [Fact]
    public void An_unknown_mode_is_refused_with_the_variable_and_the_choices()
    {
        var message = Assert.Throws<ArgumentException>(() => CpuNumericsSettings.Parse("fastest")).Message;
        Assert.Contains("GATSBI_CPU_NUMERICS", message);
        Assert.Contains("across-cpus or per-machine", message);
        Assert.Contains("'fastest'", message);
    }

    /// <summary>
    /// The pinning has to reach the environment that MKL and libtorch read (libc's, not .NET's copy); the test
    /// process loaded libtorch through EnsureLoaded, so in the default mode the native variables are set (the
    /// project runs on Linux, where the native environment is libc's).
    /// </summary>
    [Fact]
    public void Across_cpus_pins_the_kernels_in_the_native_environment()
    {
        if (TorchRuntime.Numerics == CpuNumerics.PerMachine)
        {
            // A test run with GATSBI_CPU_NUMERICS=per-machine: nothing may be pinned on its behalf.
            Assert.StartsWith("per-machine", TorchRuntime.NumericsApplied);
            return;
        }
        Assert.StartsWith("across-cpus", TorchRuntime.NumericsApplied);
        foreach (var (name, _) in CpuNumericsSettings.PinnedKernels)
        {
            string? native = Marshal.PtrToStringUTF8(getenv(name));
            Assert.False(string.IsNullOrEmpty(native), $"{name} is not set in the native environment");
            Assert.Equal(Environment.GetEnvironmentVariable(name), native);
        }
    }

    [DllImport("libc")]
    private static extern IntPtr getenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
