using System.Text;

namespace Gatsbi.Simulation.External;

/// <summary>
/// A program to run as a simulator worker: the program, its arguments, and the folder it runs in (the
/// current folder when null). A relative program path with a folder in it (<c>./sim.py</c>) is relative
/// to <see cref="WorkingDirectory"/>; a bare name (<c>python3</c>) is looked up on the PATH.
/// </summary>
public sealed class ExternalCommand
{
    /// <summary>A command given as a program and its arguments, passed on as they are (no shell, no quoting).</summary>
    /// <param name="program">The program: a path, or a bare name looked up on the PATH.</param>
    /// <param name="arguments">The arguments, one word each.</param>
    /// <param name="workingDirectory">The folder the program runs in, which must exist; null for the current folder.</param>
    /// <exception cref="ArgumentException"><paramref name="program"/> is empty or white space.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="workingDirectory"/> does not exist.</exception>
    public ExternalCommand(string program, IReadOnlyList<string> arguments, string? workingDirectory = null)
    {
        if (string.IsNullOrWhiteSpace(program)) throw new ArgumentException("The external simulator command names no program.");
        if (workingDirectory is not null && !Directory.Exists(workingDirectory))
            throw new DirectoryNotFoundException($"Working directory of the external simulator not found: {workingDirectory}");
        Program = program;
        Arguments = arguments;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>The program as given: a path (relative ones with a folder in them are taken from <see cref="WorkingDirectory"/>) or a bare name.</summary>
    public string Program { get; }

    /// <summary>The arguments, each passed to the program as one word.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The folder the program runs in, or null for the current folder.</summary>
    public string? WorkingDirectory { get; }

    /// <summary>
    /// Splits a command line as a POSIX shell does, without running a shell: words are separated by white
    /// space; single quotes keep everything literally; double quotes keep everything but <c>\"</c> and
    /// <c>\\</c>; outside quotes a backslash keeps the next character.
    /// </summary>
    /// <param name="commandLine">The command line; its first word is the program.</param>
    /// <param name="workingDirectory">The folder the program runs in; null for the current folder.</param>
    /// <exception cref="ArgumentException">The line is empty or has an unterminated quote.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="workingDirectory"/> does not exist.</exception>
    public static ExternalCommand Parse(string commandLine, string? workingDirectory = null)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < commandLine.Length; i++)
        {
            char c = commandLine[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            if (c == '\'')
            {
                int end = commandLine.IndexOf('\'', i + 1);
                if (end < 0) throw Unterminated(commandLine, '\'');
                word.Append(commandLine, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                for (i++; ; i++)
                {
                    if (i >= commandLine.Length) throw Unterminated(commandLine, '"');
                    if (commandLine[i] == '"') break;
                    if (commandLine[i] == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\') i++;
                    word.Append(commandLine[i]);
                }
            }
            else if (c == '\\' && i + 1 < commandLine.Length)
            {
                word.Append(commandLine[++i]);
            }
            else
            {
                word.Append(c);
            }
        }
        if (inWord) words.Add(word.ToString());
        if (words.Count == 0) throw new ArgumentException("The external simulator command is empty.");
        return new ExternalCommand(words[0], words.Skip(1).ToArray(), workingDirectory);
    }

    /// <summary>The program path to start: relative paths with a folder in them are taken from the working directory.</summary>
    internal string ResolvedProgram =>
        WorkingDirectory is not null && !Path.IsPathRooted(Program) && Program.Contains(Path.DirectorySeparatorChar)
            ? Path.GetFullPath(Path.Combine(WorkingDirectory, Program))
            : Program;

    /// <summary>The command as one line, quoted so that <see cref="Parse"/> gives it back.</summary>
    public override string ToString() => string.Join(' ', new[] { Program }.Concat(Arguments).Select(Quote));

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? word : $"'{word.Replace("'", "'\\''")}'";

    private static ArgumentException Unterminated(string commandLine, char quote) =>
        new($"The external simulator command has an unterminated {quote} quote: {commandLine}");
}
