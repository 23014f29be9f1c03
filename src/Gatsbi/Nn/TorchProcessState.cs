namespace Gatsbi.Nn;

/// <summary>
/// Guards libtorch's process-wide state (intra-op thread count, default random generator) for code that
/// changes it for the duration of a run.
/// </summary>
internal static class TorchProcessState
{
    public static readonly Lock Gate = new();
}
