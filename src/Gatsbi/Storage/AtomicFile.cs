namespace Gatsbi.Storage;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so that readers never see a partial file and
/// a crash mid-write leaves any previous version intact.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Creates <paramref name="path"/>'s folder if needed, lets <paramref name="write"/> fill a temporary file
    /// beside it, flushes that to disk and renames it over <paramref name="path"/>. If <paramref name="write"/>
    /// throws, the temporary file is deleted, the exception propagates and any existing file is untouched.
    /// </summary>
    /// <param name="path">The file to write or replace.</param>
    /// <param name="write">Writes the whole content to the stream it is given; it must not dispose the stream.</param>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
