using Gatsbi.Native;

namespace Gatsbi.Tests.Core;

/// <summary>
/// Every test class that touches TorchSharp joins this collection. TorchSharp's global state (the default
/// random generator that <c>torch.manual_seed</c> seeds, the intra-op thread count that the trainer and C2ST
/// set) is shared by the whole process, so these classes must not run in parallel with each other or with
/// anything else, or the determinism tests would become flaky.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "TorchSharp";
}

/// <summary>Base class for TorchSharp tests: loads the (patched, on Debian 12) native runtime first.</summary>
public abstract class TorchTest
{
    protected TorchTest() => TorchRuntime.EnsureLoaded();
}
