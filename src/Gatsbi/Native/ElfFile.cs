using System.Buffers.Binary;
using System.Text;

namespace Gatsbi.Native;

/// <summary>Thrown when a file is not the ELF64 shared object that is expected. The message names the file.</summary>
public sealed class ElfFormatException : Exception
{
    /// <summary>An exception whose message is "<paramref name="filePath"/>: <paramref name="problem"/>".</summary>
    /// <param name="filePath">The file that could not be read as expected.</param>
    /// <param name="problem">What is wrong with it.</param>
    public ElfFormatException(string filePath, string problem)
        : base($"{filePath}: {problem}")
    {
        FilePath = filePath;
    }

    /// <summary>The file that could not be read as expected.</summary>
    public string FilePath { get; }
}

/// <summary>One section header of an ELF64 file (only the fields the patcher needs).</summary>
internal readonly record struct ElfSection(int Index, string Name, uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);

/// <summary>One vernaux entry of <c>.gnu.version_r</c>: "this object needs <see cref="Version"/> from <see cref="File"/>".</summary>
/// <param name="File">The needed library's soname (<c>vn_file</c>), such as libstdc++.so.6.</param>
/// <param name="Version">The needed version name (<c>vna_name</c>), such as GLIBCXX_3.4.32.</param>
/// <param name="Flags">The <c>vna_flags</c> value; VER_FLG_WEAK (0x2) makes the need optional.</param>
/// <param name="FlagsOffset">File offset of the 16-bit <c>vna_flags</c> field.</param>
/// <param name="Index">The <c>vna_other</c> value, which <c>.gnu.version</c> entries use to refer to this need.</param>
internal readonly record struct ElfVersionNeed(string File, string Version, ushort Flags, ushort Index, long FlagsOffset);

/// <summary>One <c>.dynsym</c> entry: its index and where its name lies in the linked string table.</summary>
internal readonly record struct ElfDynamicSymbol(int Index, uint NameOffset, string Name);

/// <summary>
/// Minimal read-only view of a little-endian ELF64 file held in a byte array: section headers, string tables,
/// dynamic symbols, version needs and definitions, DT_NEEDED. Written with BinaryPrimitives so that no native
/// tool (readelf, patchelf, a compiler) is needed on the user's machine. Every read is bounds-checked and a
/// malformed file gives an <see cref="ElfFormatException"/> naming the file.
/// </summary>
internal sealed class ElfFile
{
    public const uint ShtStrtab = 3;
    public const uint ShtDynamic = 6;
    public const uint ShtDynsym = 11;
    public const uint ShtGnuVerdef = 0x6ffffffd;
    public const uint ShtGnuVerneed = 0x6ffffffe;
    public const uint ShtGnuVersym = 0x6fffffff;
    const long DtNeeded = 1;

    readonly byte[] bytes;

    ElfFile(byte[] bytes, string path)
    {
        this.bytes = bytes;
        Path = path;
        Sections = ReadSections();
    }

    public string Path { get; }

    public IReadOnlyList<ElfSection> Sections { get; }

    public static ElfFile Parse(byte[] bytes, string path) => new(bytes, path);

    public static ElfFile Load(string path) => new(File.ReadAllBytes(path), path);

    public ElfSection? FindSection(string name)
    {
        foreach (var section in Sections)
            if (section.Name == name)
                return section;
        return null;
    }

    public ElfSection RequireSection(string name, uint type)
    {
        var section = FindSection(name) ?? throw Error($"section {name} is missing");
        if (section.Type != type)
            throw Error($"section {name} has type 0x{section.Type:x}, expected 0x{type:x}");
        return section;
    }

    /// <summary>The string table a section refers to through its sh_link field (e.g. .dynstr for .dynsym).</summary>
    public ElfSection LinkedSection(ElfSection section)
    {
        if (section.Link == 0 || section.Link >= Sections.Count)
            throw Error($"section {section.Name} links to section {section.Link}, which does not exist");
        return Sections[(int)section.Link];
    }

    /// <summary>Reads the NUL-terminated string at <paramref name="offset"/> inside string table <paramref name="table"/>.</summary>
    public string ReadString(ElfSection table, uint offset)
    {
        if (offset >= table.Size)
            throw Error($"string offset {offset} lies outside {table.Name} (size {table.Size})");
        var span = Slice(table.Offset, table.Size, table.Name).Slice((int)offset);
        int end = span.IndexOf((byte)0);
        if (end < 0)
            throw Error($"string at offset {offset} in {table.Name} is not NUL-terminated");
        return Encoding.ASCII.GetString(span[..end]);
    }

    public IReadOnlyList<ElfDynamicSymbol> ReadDynamicSymbols()
    {
        var dynsym = RequireSection(".dynsym", ShtDynsym);
        var strings = LinkedSection(dynsym);
        const int entrySize = 24; // Elf64_Sym
        var table = Slice(dynsym.Offset, dynsym.Size, dynsym.Name);
        var symbols = new List<ElfDynamicSymbol>(table.Length / entrySize);
        for (int i = 0; i + entrySize <= table.Length; i += entrySize)
        {
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(table[i..]);
            symbols.Add(new ElfDynamicSymbol(i / entrySize, nameOffset, ReadString(strings, nameOffset)));
        }
        return symbols;
    }

    /// <summary>The <c>.gnu.version</c> index of dynamic symbol <paramref name="symbolIndex"/>, without the hidden bit.</summary>
    public ushort ReadSymbolVersionIndex(int symbolIndex)
    {
        var versym = RequireSection(".gnu.version", ShtGnuVersym);
        var table = Slice(versym.Offset, versym.Size, versym.Name);
        if ((long)symbolIndex * 2 + 2 > table.Length)
            throw Error($"symbol {symbolIndex} has no entry in {versym.Name}");
        return (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(table[(symbolIndex * 2)..]) & 0x7fff);
    }

    /// <summary>Walks the Elf64_Verneed / Elf64_Vernaux chains of <c>.gnu.version_r</c>.</summary>
    public IReadOnlyList<ElfVersionNeed> ReadVersionNeeds()
    {
        var section = RequireSection(".gnu.version_r", ShtGnuVerneed);
        var strings = LinkedSection(section);
        var table = Slice(section.Offset, section.Size, section.Name);
        var needs = new List<ElfVersionNeed>();
        long need = 0;
        // Each link must move forward by at least one record, which bounds the walk even in a corrupt file.
        for (int guard = 0; guard <= table.Length / 16; guard++)
        {
            var record = Record(table, need, 16, section.Name);
            ushort auxCount = BinaryPrimitives.ReadUInt16LittleEndian(record[2..]);
            string file = ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(record[4..]));
            long aux = need + BinaryPrimitives.ReadUInt32LittleEndian(record[8..]);
            for (int a = 0; a < auxCount; a++)
            {
                var auxRecord = Record(table, aux, 16, section.Name);
                needs.Add(new ElfVersionNeed(
                    file,
                    ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(auxRecord[8..])),
                    Flags: BinaryPrimitives.ReadUInt16LittleEndian(auxRecord[4..]),
                    Index: BinaryPrimitives.ReadUInt16LittleEndian(auxRecord[6..]),
                    FlagsOffset: section.Offset + aux + 4));
                uint nextAux = BinaryPrimitives.ReadUInt32LittleEndian(auxRecord[12..]);
                if (nextAux == 0)
                    break;
                aux += nextAux;
            }
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
            if (next == 0)
                return needs;
            need += next;
        }
        throw Error($"{section.Name} has a version need chain that does not end");
    }

    /// <summary>The version names this object defines (first Elf64_Verdaux of each Elf64_Verdef in <c>.gnu.version_d</c>).</summary>
    public IReadOnlyList<string> ReadVersionDefinitions()
    {
        var section = RequireSection(".gnu.version_d", ShtGnuVerdef);
        var strings = LinkedSection(section);
        var table = Slice(section.Offset, section.Size, section.Name);
        var names = new List<string>();
        long def = 0;
        for (int guard = 0; guard <= table.Length / 20; guard++)
        {
            var record = Record(table, def, 20, section.Name);
            ushort auxCount = BinaryPrimitives.ReadUInt16LittleEndian(record[6..]);
            if (auxCount > 0)
            {
                long aux = def + BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
                var auxRecord = Record(table, aux, 8, section.Name);
                names.Add(ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(auxRecord)));
            }
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
            if (next == 0)
                return names;
            def += next;
        }
        throw Error($"{section.Name} has a version definition chain that does not end");
    }

    /// <summary>The DT_NEEDED entries of <c>.dynamic</c> (the sonames the loader must find for this object).</summary>
    public IReadOnlyList<string> ReadNeededLibraries()
    {
        var dynamic = RequireSection(".dynamic", ShtDynamic);
        var strings = LinkedSection(dynamic);
        var table = Slice(dynamic.Offset, dynamic.Size, dynamic.Name);
        var needed = new List<string>();
        for (int i = 0; i + 16 <= table.Length; i += 16)
        {
            long tag = BinaryPrimitives.ReadInt64LittleEndian(table[i..]);
            if (tag == 0) // DT_NULL ends the array
                break;
            if (tag == DtNeeded)
                needed.Add(ReadString(strings, checked((uint)BinaryPrimitives.ReadUInt64LittleEndian(table[(i + 8)..]))));
        }
        return needed;
    }

    public ElfFormatException Error(string problem) => new(Path, problem);

    IReadOnlyList<ElfSection> ReadSections()
    {
        // Elf64_Ehdr is 64 bytes; check identity first so that a non-ELF file gets a plain message.
        if (bytes.Length < 4 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw Error("not an ELF file (no \\x7fELF magic)");
        if (bytes.Length < 64)
            throw Error($"truncated ELF header ({bytes.Length} bytes, need 64)");
        if (bytes[4] != 2)
            throw Error("not an ELF64 file (EI_CLASS is not ELFCLASS64)");
        if (bytes[5] != 1)
            throw Error("not a little-endian ELF file (EI_DATA is not ELFDATA2LSB)");

        var header = bytes.AsSpan();
        long sectionHeaderOffset = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(header[0x28..]));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3a..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3c..]);
        int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3e..]);
        if (sectionHeaderOffset == 0)
            throw Error("has no section header table");
        if (entrySize != 64)
            throw Error($"section header entries are {entrySize} bytes, expected 64");

        // Extended numbering: with many sections, e_shnum/e_shstrndx live in section 0's sh_size/sh_link.
        var first = Slice(sectionHeaderOffset, 64, "section header table");
        if (count == 0)
            count = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(first[32..]));
        if (namesIndex == 0xffff)
            namesIndex = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(first[40..]));

        var table = Slice(sectionHeaderOffset, (long)count * 64, "section header table");
        var raw = new (uint Name, uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize)[count];
        for (int i = 0; i < count; i++)
        {
            var h = table.Slice(i * 64, 64);
            raw[i] = (
                BinaryPrimitives.ReadUInt32LittleEndian(h),
                BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                checked((long)BinaryPrimitives.ReadUInt64LittleEndian(h[24..])),
                checked((long)BinaryPrimitives.ReadUInt64LittleEndian(h[32..])),
                BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[44..]),
                checked((long)BinaryPrimitives.ReadUInt64LittleEndian(h[56..])));
        }
        if (namesIndex >= count)
            throw Error($"section name table index {namesIndex} is out of range ({count} sections)");

        var names = raw[namesIndex];
        var nameTable = new ElfSection(namesIndex, ".shstrtab", names.Type, names.Offset, names.Size, 0, 0, 0);
        var sections = new ElfSection[count];
        for (int i = 0; i < count; i++)
        {
            var s = raw[i];
            sections[i] = new ElfSection(i, ReadString(nameTable, s.Name), s.Type, s.Offset, s.Size, s.Link, s.Info, s.EntrySize);
        }
        return sections;
    }

    ReadOnlySpan<byte> Slice(long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset > bytes.Length || length > bytes.Length - offset)
            throw Error($"truncated: {what} (offset {offset}, {length} bytes) extends beyond the end of the file ({bytes.Length} bytes)");
        return bytes.AsSpan((int)offset, (int)length);
    }

    ReadOnlySpan<byte> Record(ReadOnlySpan<byte> table, long offset, int size, string sectionName)
    {
        if (offset < 0 || offset + size > table.Length)
            throw Error($"record at offset {offset} runs past the end of {sectionName}");
        return table.Slice((int)offset, size);
    }
}
