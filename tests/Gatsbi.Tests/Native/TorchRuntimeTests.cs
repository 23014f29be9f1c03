using System.Runtime.InteropServices;
using Gatsbi.Native;
using TorchSharp;

namespace Gatsbi.Tests.Native;

public sealed class TorchRuntimeTests : IDisposable
{
    readonly TempDirectories temp = new();

    public void Dispose() => temp.Dispose();

    static readonly string[] NoDirectories = [];

    /// <summary>An app folder holding a copy of the real library, as a build output would.</summary>
    (string AppBase, string Original, string CacheRoot) FakeApp()
    {
        var root = temp.New();
        var appBase = Path.Combine(root, "app");
        var native = Path.Combine(appBase, "runtimes", "linux-x64", "native");
        Directory.CreateDirectory(native);
        var original = Path.Combine(native, "libLibTorchSharp.so");
        File.Copy(NativeTestFiles.RealLibTorchSharp, original);
        return (appBase, original, Path.Combine(root, "cache"));
    }

    static string[] FilesUnder(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The switch: on by default, off for the variable's 0/false/off (any case, trimmed) or the AppContext switch.</summary>
    [Theory]
    [InlineData(null, false, true)]
    [InlineData("", false, true)]
    [InlineData("1", false, true)]
    [InlineData("on", false, true)]
    [InlineData("0", false, false)]
    [InlineData(" OFF ", false, false)]
    [InlineData("False", false, false)]
    [InlineData(null, true, false)]
    [InlineData("1", true, false)]
    public void Patching_is_on_unless_the_variable_or_the_switch_turns_it_off(string? variable, bool switchedOff, bool expected) =>
        Assert.Equal(expected, TorchRuntime.IsPatchingEnabled(variable, switchedOff));

    [Fact]
    public void Nothing_is_written_when_the_host_libstdcxx_is_new_enough()
    {
        var (appBase, original, cacheRoot) = FakeApp();
        var host = NativeTestFiles.WriteFakeLibStdCxx(temp.New(), "GLIBCXX_3.4", "GLIBCXX_3.4.32");
        var filesBefore = FilesUnder(appBase);

        var status = TorchRuntime.PreparePatchedCopy(true, host, original, NoDirectories, appBase, cacheRoot);

        Assert.Equal(TorchNativeState.HostIsNewEnough, status.State);
        Assert.False(status.PatchApplied);
        Assert.Null(status.PatchedLibraryPath);
        Assert.Equal(filesBefore, FilesUnder(appBase));
        Assert.False(Directory.Exists(cacheRoot));
        Assert.Equal(File.ReadAllBytes(NativeTestFiles.RealLibTorchSharp), File.ReadAllBytes(original));
    }

    [Fact]
    public void Nothing_is_written_off_linux_or_without_a_libstdcxx()
    {
        var (appBase, original, cacheRoot) = FakeApp();
        var old = NativeTestFiles.WriteFakeLibStdCxx(temp.New(), "GLIBCXX_3.4", "GLIBCXX_3.4.30");

        Assert.Equal(TorchNativeState.NotLinuxX64, TorchRuntime.PreparePatchedCopy(false, old, original, NoDirectories, appBase, cacheRoot).State);
        Assert.Equal(TorchNativeState.HostLibStdCxxNotFound, TorchRuntime.PreparePatchedCopy(true, null, original, NoDirectories, appBase, cacheRoot).State);
        Assert.Single(FilesUnder(appBase));
        Assert.False(Directory.Exists(cacheRoot));
    }

    [Fact]
    public void On_an_old_host_a_patched_copy_is_written_beside_the_original_once()
    {
        var (appBase, original, cacheRoot) = FakeApp();
        var old = NativeTestFiles.WriteFakeLibStdCxx(temp.New(), "GLIBCXX_3.4", "GLIBCXX_3.4.30");

        var first = TorchRuntime.PreparePatchedCopy(true, old, original, NoDirectories, appBase, cacheRoot);
        var second = TorchRuntime.PreparePatchedCopy(true, old, original, NoDirectories, appBase, cacheRoot);

        Assert.Equal(TorchNativeState.Patched, first.State);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(original)!, TorchRuntime.PatchedFileName), first.PatchedLibraryPath);
        Assert.True(first.PatchedCopyWritten);
        Assert.Equal(first.PatchedLibraryPath, second.PatchedLibraryPath);
        Assert.False(second.PatchedCopyWritten);
        Assert.Equal(File.ReadAllBytes(NativeTestFiles.RealLibTorchSharp), File.ReadAllBytes(original));
        Assert.False(ElfSharedObjectPatcher.RequiresMissingVersion(File.ReadAllBytes(first.PatchedLibraryPath!), first.PatchedLibraryPath!));
        Assert.Equal(2, FilesUnder(appBase).Length); // original + copy, no temp files left
        Assert.False(Directory.Exists(cacheRoot));
    }

    [Fact]
    public void An_original_outside_the_app_folder_is_copied_to_the_user_cache_not_beside_it()
    {
        var (_, original, cacheRoot) = FakeApp();
        var otherAppBase = temp.New();
        var old = NativeTestFiles.WriteFakeLibStdCxx(temp.New(), "GLIBCXX_3.4", "GLIBCXX_3.4.30");

        var status = TorchRuntime.PreparePatchedCopy(true, old, original, NoDirectories, otherAppBase, cacheRoot);

        Assert.Equal(TorchNativeState.Patched, status.State);
        Assert.StartsWith(cacheRoot + Path.DirectorySeparatorChar, status.PatchedLibraryPath);
        Assert.Equal("libLibTorchSharp.so", Path.GetFileName(status.PatchedLibraryPath));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(original)!));
    }

    [Fact]
    public void A_corrupt_original_gives_an_error_naming_it()
    {
        var (appBase, original, cacheRoot) = FakeApp();
        File.WriteAllBytes(original, File.ReadAllBytes(original)[..100]);
        var old = NativeTestFiles.WriteFakeLibStdCxx(temp.New(), "GLIBCXX_3.4", "GLIBCXX_3.4.30");

        var error = Assert.Throws<ElfFormatException>(() => TorchRuntime.PreparePatchedCopy(true, old, original, NoDirectories, appBase, cacheRoot));

        Assert.Equal(original, error.FilePath);
    }

    [Fact]
    public void TorchSharp_trains_after_EnsureLoaded()
    {
        // Many callers at once get one and the same outcome.
        var statuses = Enumerable.Range(0, 8).AsParallel().Select(_ => TorchRuntime.EnsureLoaded()).ToList();
        var status = statuses[0];
        Assert.All(statuses, s => Assert.Same(status, s));
        Assert.Same(status, TorchRuntime.Status);

        torch.manual_seed(1);
        using var x = torch.randn(16, 3);
        using var y = torch.randn(16, 1);
        using var linear = torch.nn.Linear(3, 1);
        using var adam = torch.optim.Adam(linear.parameters(), lr: 0.1);
        using var weightBefore = linear.weight!.detach().clone();

        adam.zero_grad();
        using var prediction = linear.forward(x);
        using var loss = torch.nn.functional.mse_loss(prediction, y);
        loss.backward();
        Assert.NotNull(linear.weight.grad);
        Assert.True(linear.weight.grad!.abs().sum().item<float>() > 0);
        adam.step();

        Assert.False(weightBefore.allclose(linear.weight));
        Assert.Equal(new long[] { 16, 1 }, prediction.shape);

        var host = OperatingSystem.IsLinux() ? LibStdCxxProbe.FindHostLibrary() : null;
        bool hostIsOld = host is not null && RuntimeInformation.ProcessArchitecture == Architecture.X64
            && !LibStdCxxProbe.DefinesVersion(host, ElfSharedObjectPatcher.RequiredVersion);
        if (hostIsOld)
            Assert.Contains(status.State, new[] { TorchNativeState.Patched, TorchNativeState.LibraryNeedsNoPatch });
        else
            Assert.False(status.PatchApplied);

        if (status.PatchApplied)
        {
            // The process runs on the patched copy and never mapped the unloadable original.
            var maps = File.ReadAllText("/proc/self/maps");
            Assert.Contains(status.PatchedLibraryPath!, maps);
            Assert.DoesNotContain(status.OriginalLibraryPath! + "\n", maps);
        }
    }
}
