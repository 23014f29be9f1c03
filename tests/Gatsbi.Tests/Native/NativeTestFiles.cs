using System.Buffers.Binary;
using System.Text;

namespace Gatsbi.Tests.Native;

/// <summary>Test inputs: the real libLibTorchSharp.so from the build output, temp folders, synthetic ELF files.</summary>
internal static class NativeTestFiles
{
    /// <summary>The build copies TorchSharp-cpu's Linux natives into every output, on any OS.</summary>
    public static string RealLibTorchSharp =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");


    /// <summary>
    /// Writes a minimal ELF64 little-endian shared object that, like libstdc++.so.6, defines the given symbol
    /// versions in .gnu.version_d (and has no code at all): enough for the version probe.
    /// </summary>
    public static string WriteFakeLibStdCxx(string directory, params string[] versions)
    {
        // .dynstr: the soname (the base version, as in a real library) then the version names.
        var names = new[] { "libstdc++.so.6" }.Concat(versions).ToArray();
        var dynstr = new List<byte> { 0 };
        var nameOffsets = new List<uint>();
        foreach (var name in names)
        {
            nameOffsets.Add((uint)dynstr.Count);
            dynstr.AddRange(Encoding.ASCII.GetBytes(name));
            dynstr.Add(0);
        }

        // .gnu.version_d: one Elf64_Verdef (20 bytes) followed by one Elf64_Verdaux (8 bytes) per name.
        var verdef = new byte[names.Length * 28];
        for (int i = 0; i < names.Length; i++)
        {
            var d = verdef.AsSpan(i * 28);
            BinaryPrimitives.WriteUInt16LittleEndian(d, 1);                               // vd_version
            BinaryPrimitives.WriteUInt16LittleEndian(d[2..], (ushort)(i == 0 ? 1 : 0));   // vd_flags: VER_FLG_BASE
            BinaryPrimitives.WriteUInt16LittleEndian(d[4..], (ushort)(i + 1));            // vd_ndx
            BinaryPrimitives.WriteUInt16LittleEndian(d[6..], 1);                          // vd_cnt
            BinaryPrimitives.WriteUInt32LittleEndian(d[12..], 20);                        // vd_aux
            BinaryPrimitives.WriteUInt32LittleEndian(d[16..], i == names.Length - 1 ? 0u : 28u); // vd_next
            BinaryPrimitives.WriteUInt32LittleEndian(d[20..], nameOffsets[i]);            // vda_name
        }

        var shstrtab = Encoding.ASCII.GetBytes("\0.dynstr\0.gnu.version_d\0.shstrtab\0");
        long dynstrOffset = 64, verdefOffset = dynstrOffset + dynstr.Count, shstrOffset = verdefOffset + verdef.Length;
        long shOffset = (shstrOffset + shstrtab.Length + 7) / 8 * 8;
        var file = new byte[shOffset + 4 * 64];

        file[0] = 0x7f; file[1] = (byte)'E'; file[2] = (byte)'L'; file[3] = (byte)'F';
        file[4] = 2; file[5] = 1; file[6] = 1;                                  // ELFCLASS64, little-endian, EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(16), 3);           // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(18), 62);          // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x28), (ulong)shOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x34), 64);        // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x3a), 64);        // e_shentsize
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x3c), 4);         // e_shnum
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x3e), 3);         // e_shstrndx

        dynstr.ToArray().CopyTo(file, dynstrOffset);
        verdef.CopyTo(file, verdefOffset);
        shstrtab.CopyTo(file, shstrOffset);

        void Section(int index, uint name, uint type, long offset, long size, uint link, uint info)
        {
            var h = file.AsSpan((int)(shOffset + index * 64), 64);
            BinaryPrimitives.WriteUInt32LittleEndian(h, name);
            BinaryPrimitives.WriteUInt32LittleEndian(h[4..], type);
            BinaryPrimitives.WriteUInt64LittleEndian(h[24..], (ulong)offset);
            BinaryPrimitives.WriteUInt64LittleEndian(h[32..], (ulong)size);
            BinaryPrimitives.WriteUInt32LittleEndian(h[40..], link);
            BinaryPrimitives.WriteUInt32LittleEndian(h[44..], info);
        }
        Section(1, 1, 3, dynstrOffset, dynstr.Count, 0, 0);                          // .dynstr
        Section(2, 9, 0x6ffffffd, verdefOffset, verdef.Length, 1, (uint)names.Length); // .gnu.version_d
        Section(3, 24, 3, shstrOffset, shstrtab.Length, 0, 0);                        // .shstrtab

        var path = Path.Combine(directory, "libstdc++.so.6");
        File.WriteAllBytes(path, file);
        return path;
    }
}

/// <summary>Fresh temp folders for one test, deleted when the test class instance is disposed.</summary>
internal sealed class TempDirectories : IDisposable
{
    readonly List<string> created = [];

    public string New()
    {
        var path = Path.Combine(Path.GetTempPath(), "gatsbi-native-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        created.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var path in created)
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
    }
}
