using TorchSharp;

namespace Gatsbi.Nn;

/// <summary>
/// Takes a module's tensors out of any dispose scope. Parameters and buffers created while a caller's
/// <c>torch.NewDisposeScope()</c> is open belong to that scope and would be disposed with it; a trained
/// network handed back to the caller must instead live until the caller disposes the network.
/// </summary>
internal static class ModuleOwnership
{
    public static void DetachFromDisposeScopes(this torch.nn.Module module)
    {
        foreach (var p in module.parameters()) p.DetachFromDisposeScope();
        foreach (var b in module.buffers()) b.DetachFromDisposeScope();
    }
}
