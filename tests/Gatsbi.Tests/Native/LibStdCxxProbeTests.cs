using System.Text;
using Gatsbi.Native;

namespace Gatsbi.Tests.Native;

public sealed class LibStdCxxProbeTests : IDisposable
{
    readonly TempDirectories temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(true, false, true)]    // Linux x64, old libstdc++: patch
    [InlineData(true, true, false)]    // Linux x64, new libstdc++: nothing
    [InlineData(true, null, false)]    // no libstdc++ found: nothing
    [InlineData(false, false, false)]  // Windows/macOS: nothing
    public void Decision(bool isLinuxX64, bool? hostDefinesVersion, bool expected) =>
        Assert.Equal(expected, LibStdCxxProbe.IsPatchNeeded(isLinuxX64, hostDefinesVersion));

    [Fact]
    public void Reads_version_definitions_of_a_synthetic_library()
    {
        var dir = temp.New();
        var newer = NativeTestFiles.WriteFakeLibStdCxx(dir, "GLIBCXX_3.4", "GLIBCXX_3.4.30", "GLIBCXX_3.4.31", "GLIBCXX_3.4.32");
        Assert.True(LibStdCxxProbe.DefinesVersion(newer, "GLIBCXX_3.4.32"));

        var older = NativeTestFiles.WriteFakeLibStdCxx(temp.New(), "GLIBCXX_3.4", "GLIBCXX_3.4.30");
        Assert.False(LibStdCxxProbe.DefinesVersion(older, "GLIBCXX_3.4.32"));
        Assert.True(LibStdCxxProbe.DefinesVersion(older, "GLIBCXX_3.4.30"));
    }

    [Fact]
    public void The_host_library_is_found_and_read_consistently()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var host = LibStdCxxProbe.FindHostLibrary();
        Assert.NotNull(host);
        // Cross-check the .gnu.version_d parser against a plain byte search on whatever this host has.
        bool bytesContain = File.ReadAllBytes(host).AsSpan().IndexOf(Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0")) >= 0;
        Assert.Equal(bytesContain, LibStdCxxProbe.DefinesVersion(host, "GLIBCXX_3.4.32"));
        Assert.True(LibStdCxxProbe.DefinesVersion(host, "GLIBCXX_3.4.21"));
    }

    [Fact]
    public void Parses_ldconfig_output_and_prefers_the_x86_64_entry()
    {
        var dir = temp.New();
        var lib = Path.Combine(dir, "libstdc++.so.6");
        File.WriteAllText(lib, "");
        var output = $"""
            1234 libs found in cache `/etc/ld.so.cache'
            	libstdc++.so.6 (libc6) => /nonexistent/i386/libstdc++.so.6
            	libstdc++.so.6 (libc6,x86-64) => {lib}
            	libstdc++fs.so.6 (libc6,x86-64) => /nonexistent/libstdc++fs.so.6
            """;
        Assert.Equal(lib, LibStdCxxProbe.FromLdconfigOutput(output));
        Assert.Null(LibStdCxxProbe.FromLdconfigOutput("nothing here"));
    }

    [Fact]
    public void Parses_process_maps()
    {
        var dir = temp.New();
        var lib = Path.Combine(dir, "libstdc++.so.6.0.30");
        File.WriteAllText(lib, "");
        var maps = $"""
            7f0000000000-7f0000001000 r--p 00000000 08:01 11 /usr/lib/x86_64-linux-gnu/libc.so.6
            7f0000002000-7f0000003000 r--p 00000000 08:01 12 {lib}
            7ffd00000000-7ffd00001000 rw-p 00000000 00:00 0 [stack]
            """;
        Assert.Equal(lib, LibStdCxxProbe.FromProcessMaps(maps));
        Assert.Null(LibStdCxxProbe.FromProcessMaps("7ffd00000000-7ffd00001000 rw-p 00000000 00:00 0 [stack]"));
    }
}
