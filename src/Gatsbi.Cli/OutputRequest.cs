namespace Gatsbi.Cli;

/// <summary>
/// An output folder as the command line gives it, claimed (<see cref="OutputClaim.ForFolder"/>) once the
/// command knows which files it will write, which for train depends on the method.
/// </summary>
/// <param name="Folder">The folder.</param>
/// <param name="Overwrite">Whether --overwrite was given.</param>
internal sealed record OutputRequest(string Folder, bool Overwrite)
{
    public OutputClaim Claim(IEnumerable<string> files) => OutputClaim.ForFolder("--out", Folder, Overwrite, files);
}
