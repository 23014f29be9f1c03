using System.Buffers.Binary;
using System.Text;
using Gatsbi.Native;

namespace Gatsbi.Tests.Native;

public sealed class ElfSharedObjectPatcherTests : IDisposable
{
    readonly TempDirectories temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Patching_a_copy_of_the_real_library_makes_exactly_the_two_edits()
    {
        var original = File.ReadAllBytes(NativeTestFiles.RealLibTorchSharp);
        var copy = Path.Combine(temp.New(), "libLibTorchSharp.so");
        File.Copy(NativeTestFiles.RealLibTorchSharp, copy);

        var image = File.ReadAllBytes(copy);
        var result = ElfSharedObjectPatcher.Patch(image, copy);
        File.WriteAllBytes(copy, image);
        var patched = File.ReadAllBytes(copy);

        Assert.True(result.Changed);
        Assert.Equal(2, result.Edits.Count);
        Assert.Equal(original.Length, patched.Length);
        for (int i = 0; i < original.Length; i++)
            if (original[i] != patched[i])
                Assert.Contains(result.Edits, e => i >= e.Offset && i < e.Offset + e.Length);

        // Read back with the parser: the need is weak, every other need kept its flags.
        var before = ElfFile.Parse(original, "original").ReadVersionNeeds();
        var elf = ElfFile.Parse(patched, copy);
        var after = elf.ReadVersionNeeds();
        Assert.Equal(before.Count, after.Count);
        for (int i = 0; i < before.Count; i++)
        {
            bool isTarget = after[i].File == ElfSharedObjectPatcher.LibStdCxxSoname && after[i].Version == ElfSharedObjectPatcher.RequiredVersion;
            ushort expected = isTarget ? (ushort)(before[i].Flags | ElfSharedObjectPatcher.VerFlagWeak) : before[i].Flags;
            Assert.Equal(expected, after[i].Flags);
        }
        var need = after.Single(n => n.File == ElfSharedObjectPatcher.LibStdCxxSoname && n.Version == ElfSharedObjectPatcher.RequiredVersion);
        Assert.Equal(0, before.Single(n => n.FlagsOffset == need.FlagsOffset).Flags & ElfSharedObjectPatcher.VerFlagWeak);

        // The symbol now has the substitute name, still bound to the (now weak) GLIBCXX_3.4.32 need.
        var symbols = elf.ReadDynamicSymbols();
        Assert.DoesNotContain(symbols, s => s.Name == ElfSharedObjectPatcher.RemovedSymbol);
        var renamed = Assert.Single(symbols, s => s.Name == ElfSharedObjectPatcher.SubstituteSymbol && elf.ReadSymbolVersionIndex(s.Index) == need.Index);
        var dynstr = elf.FindSection(".dynstr")!.Value;
        var name = patched.AsSpan((int)(dynstr.Offset + renamed.NameOffset), ElfSharedObjectPatcher.RemovedSymbol.Length);
        var expectedName = new byte[ElfSharedObjectPatcher.RemovedSymbol.Length];
        Encoding.ASCII.GetBytes(ElfSharedObjectPatcher.SubstituteSymbol, expectedName);
        Assert.True(name.SequenceEqual(expectedName));

        Assert.True(ElfSharedObjectPatcher.RequiresMissingVersion(original, "original"));
        Assert.False(ElfSharedObjectPatcher.RequiresMissingVersion(patched, copy));
    }

    [Fact]
    public void Patching_twice_is_a_no_op()
    {
        var image = File.ReadAllBytes(NativeTestFiles.RealLibTorchSharp);
        ElfSharedObjectPatcher.Patch(image, "first");
        var once = (byte[])image.Clone();

        var second = ElfSharedObjectPatcher.Patch(image, "second");

        Assert.False(second.Changed);
        Assert.Empty(second.Edits);
        Assert.Equal(once, image);
    }

    [Fact]
    public void A_non_elf_file_gives_an_error_naming_the_file()
    {
        var path = Path.Combine(temp.New(), "notes.txt");
        File.WriteAllText(path, "not a shared library");

        var error = Assert.Throws<ElfFormatException>(() => ElfSharedObjectPatcher.Patch(File.ReadAllBytes(path), path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains("not an ELF file", error.Message);
    }

    [Theory]
    [InlineData(10)]      // inside the ELF header
    [InlineData(4096)]    // header fine, section header table (at the end of the file) missing
    public void A_truncated_file_gives_an_error_naming_the_file(int length)
    {
        var path = Path.Combine(temp.New(), "libLibTorchSharp.so");
        File.WriteAllBytes(path, File.ReadAllBytes(NativeTestFiles.RealLibTorchSharp)[..length]);

        var error = Assert.Throws<ElfFormatException>(() => ElfSharedObjectPatcher.Patch(File.ReadAllBytes(path), path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void An_elf32_file_is_rejected()
    {
        var image = File.ReadAllBytes(NativeTestFiles.RealLibTorchSharp);
        image[4] = 1; // ELFCLASS32

        var error = Assert.Throws<ElfFormatException>(() => ElfSharedObjectPatcher.Patch(image, "lib32.so"));

        Assert.Contains("not an ELF64 file", error.Message);
    }

    [Fact]
    public void A_library_without_version_needs_reports_the_missing_section()
    {
        var path = NativeTestFiles.WriteFakeLibStdCxx(temp.New(), "GLIBCXX_3.4");

        var error = Assert.Throws<ElfFormatException>(() => ElfSharedObjectPatcher.Patch(File.ReadAllBytes(path), path));

        Assert.Contains(path, error.Message);
        Assert.Contains("section .gnu.version_r is missing", error.Message);
    }

    [Fact]
    public void A_library_without_the_version_need_reports_it()
    {
        var image = File.ReadAllBytes(NativeTestFiles.RealLibTorchSharp);
        // Rename the need's string "GLIBCXX_3.4.32" to "GLIBCXX_3.4.99" so the entry is gone.
        var at = image.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ElfSharedObjectPatcher.RequiredVersion + "\0"));
        image[at + 12] = (byte)'9';
        image[at + 13] = (byte)'9';

        var error = Assert.Throws<ElfFormatException>(() => ElfSharedObjectPatcher.Patch(image, "lib.so"));

        Assert.Contains("version need GLIBCXX_3.4.32 under libstdc++.so.6 is missing", error.Message);
    }

    [Fact]
    public void A_symbol_name_shared_with_another_symbol_is_refused_and_nothing_is_written()
    {
        var image = File.ReadAllBytes(NativeTestFiles.RealLibTorchSharp);
        var elf = ElfFile.Parse(image, "lib.so");
        var symbols = elf.ReadDynamicSymbols();
        var target = symbols.Single(s => s.Name == ElfSharedObjectPatcher.RemovedSymbol);
        // Point some other symbol into the middle of the name, as a linker sharing string tails would.
        var other = symbols.First(s => s.Index > 0 && s.Index != target.Index);
        var dynsym = elf.FindSection(".dynsym")!.Value;
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan((int)(dynsym.Offset + other.Index * 24)), target.NameOffset + 5);
        var before = (byte[])image.Clone();

        var error = Assert.Throws<ElfFormatException>(() => ElfSharedObjectPatcher.Patch(image, "lib.so"));

        Assert.Contains("is shared by symbol", error.Message);
        Assert.Equal(before, image);
    }
}
