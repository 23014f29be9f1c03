using System.Text;

namespace Gatsbi.Native;

/// <summary>One byte range that a patch changed, for logs and for audits.</summary>
/// <param name="Offset">File offset of the first changed byte.</param>
/// <param name="Length">Number of bytes changed.</param>
/// <param name="Description">What the edit does, in words.</param>
public sealed record ElfEdit(long Offset, int Length, string Description);

/// <summary>What <see cref="ElfSharedObjectPatcher.Patch"/> changed; no edits means the image was already patched.</summary>
/// <param name="Edits">The byte ranges changed, in the order they were written.</param>
public sealed record ElfPatchResult(IReadOnlyList<ElfEdit> Edits)
{
    /// <summary>True when at least one byte was changed; false for an image that was already patched.</summary>
    public bool Changed => Edits.Count > 0;
}

/// <summary>
/// Makes TorchSharp's <c>libLibTorchSharp.so</c> (built with GCC 13) loadable with the libstdc++ of GCC 12
/// (Debian 12, Ubuntu 22.04), which stops at GLIBCXX_3.4.30. The library needs GLIBCXX_3.4.32 for one symbol
/// only, <c>std::ios_base_library_init()</c>, which GCC 13 emits wherever &lt;iostream&gt; is included and which
/// merely makes sure iostreams are initialised (libtorch's own libraries already do that). Two in-place edits,
/// the file size and layout stay the same:
/// <list type="number">
/// <item>the GLIBCXX_3.4.32 need under libstdc++.so.6 gets VER_FLG_WEAK, so a libstdc++ without that version
/// is no longer a load error;</item>
/// <item>the symbol name <c>_ZSt21ios_base_library_initv</c> in .dynstr is overwritten by
/// <c>_ZSt13get_terminatev</c> (<c>std::get_terminate()</c>: no argument, no side effect, present in every
/// libstdc++) plus NUL padding; glibc binds a reference whose version the library lacks to the default version
/// of the symbol.</item>
/// </list>
/// Patch only a copy: the edits are meant for the host that needs them, never for the NuGet cache.
/// </summary>
public static class ElfSharedObjectPatcher
{
    /// <summary>The soname under which the version need is recorded.</summary>
    public const string LibStdCxxSoname = "libstdc++.so.6";

    /// <summary>The symbol version that GCC 12's libstdc++ lacks and the patch makes weak.</summary>
    public const string RequiredVersion = "GLIBCXX_3.4.32";

    /// <summary>The mangled name of <c>std::ios_base_library_init()</c>, the only symbol that needs <see cref="RequiredVersion"/>.</summary>
    public const string RemovedSymbol = "_ZSt21ios_base_library_initv";

    /// <summary>The mangled name of <c>std::get_terminate()</c>, written over <see cref="RemovedSymbol"/> (it is shorter, so NUL padding fills the rest).</summary>
    public const string SubstituteSymbol = "_ZSt13get_terminatev";

    /// <summary>VER_FLG_WEAK in vna_flags: the loader tolerates this version being absent.</summary>
    internal const ushort VerFlagWeak = 0x2;

    /// <summary>
    /// True if the image needs GLIBCXX_3.4.32 from libstdc++.so.6 as a hard (non-weak) requirement, i.e. it
    /// cannot load on an older libstdc++ unpatched. False for other TorchSharp builds and for patched copies.
    /// </summary>
    /// <param name="image">The whole file's bytes; not modified.</param>
    /// <param name="fileName">Used in error messages only.</param>
    /// <exception cref="ElfFormatException">The image is not a readable ELF64 file.</exception>
    public static bool RequiresMissingVersion(byte[] image, string fileName)
    {
        var elf = ElfFile.Parse(image, fileName);
        return elf.ReadVersionNeeds().Any(n =>
            n.File == LibStdCxxSoname && n.Version == RequiredVersion && (n.Flags & VerFlagWeak) == 0);
    }

    /// <summary>
    /// Applies both edits to <paramref name="image"/> in place. Everything is validated before the first byte is
    /// written, so on an exception the image is unchanged. Patching an already patched image changes nothing and
    /// returns a result without edits.
    /// </summary>
    /// <param name="image">The whole file's bytes, modified in place.</param>
    /// <param name="fileName">Used in error messages only.</param>
    /// <exception cref="ElfFormatException">Not an ELF64 file, a section or the version need is missing, the
    /// symbol is absent, or its name is shared with another symbol.</exception>
    public static ElfPatchResult Patch(byte[] image, string fileName)
    {
        var elf = ElfFile.Parse(image, fileName);
        var need = elf.ReadVersionNeeds().FirstOrDefault(n => n.File == LibStdCxxSoname && n.Version == RequiredVersion);
        if (need.Version is null)
            throw elf.Error($"version need {RequiredVersion} under {LibStdCxxSoname} is missing from .gnu.version_r");

        var dynstr = elf.RequireSection(".dynstr", ElfFile.ShtStrtab);
        var symbols = elf.ReadDynamicSymbols();
        var dynsymStrings = elf.LinkedSection(elf.RequireSection(".dynsym", ElfFile.ShtDynsym));
        if (dynsymStrings.Index != dynstr.Index)
            throw elf.Error($".dynsym names live in {dynsymStrings.Name}, not in .dynstr");

        var edits = new List<ElfEdit>();
        var renamed = PlanRename(elf, symbols, need, dynstr, edits);
        bool makeWeak = (need.Flags & VerFlagWeak) == 0;
        if (makeWeak)
            edits.Add(new ElfEdit(need.FlagsOffset, 2, $"vna_flags of {RequiredVersion} (libstdc++.so.6): set VER_FLG_WEAK"));

        // All checks passed: write.
        if (makeWeak)
        {
            ushort flags = (ushort)(need.Flags | VerFlagWeak);
            image[need.FlagsOffset] = (byte)flags;
            image[need.FlagsOffset + 1] = (byte)(flags >> 8);
        }
        if (renamed is long nameOffset)
        {
            var target = image.AsSpan((int)nameOffset, RemovedSymbol.Length);
            target.Clear();
            Encoding.ASCII.GetBytes(SubstituteSymbol, target);
        }
        return new ElfPatchResult(edits);
    }

    /// <summary>Returns the file offset of the name to overwrite, or null if the rename was already done.</summary>
    static long? PlanRename(ElfFile elf, IReadOnlyList<ElfDynamicSymbol> symbols, ElfVersionNeed need, ElfSection dynstr, List<ElfEdit> edits)
    {
        var users = symbols.Where(s => s.Name == RemovedSymbol).Select(s => s.NameOffset).Distinct().ToList();
        if (users.Count == 0)
        {
            // Already patched if a symbol with the substitute name still carries the GLIBCXX_3.4.32 version index.
            bool alreadyRenamed = symbols.Any(s => s.Name == SubstituteSymbol && elf.ReadSymbolVersionIndex(s.Index) == need.Index);
            if (alreadyRenamed)
                return null;
            throw elf.Error($"symbol {RemovedSymbol} (or its substitute {SubstituteSymbol}@{RequiredVersion}) is not in .dynsym");
        }
        if (users.Count > 1)
            throw elf.Error($"symbol {RemovedSymbol} appears at {users.Count} different .dynstr offsets; expected one");

        uint start = users[0];
        uint end = start + (uint)RemovedSymbol.Length;
        // The linker may share string tails ("foo" can point into "xfoo"); overwriting would then rename that
        // other symbol too, so refuse.
        var sharer = symbols.FirstOrDefault(s => s.NameOffset > start && s.NameOffset < end);
        if (sharer.Name is not null)
            throw elf.Error($"string {RemovedSymbol} in .dynstr is shared by symbol '{sharer.Name}' (dynsym {sharer.Index}); overwriting it would rename that symbol too");

        long fileOffset = dynstr.Offset + start;
        edits.Add(new ElfEdit(fileOffset, RemovedSymbol.Length, $".dynstr: {RemovedSymbol} -> {SubstituteSymbol} + NUL padding"));
        return fileOffset;
    }
}
