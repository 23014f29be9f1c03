namespace Gatsbi.Inference;

/// <summary>
/// Progress of a training run, reported after every epoch by every trainer (<c>GatsbiTrainer</c>,
/// <c>NpeTrainer</c>, the sequential rounds), so one progress bar or log serves them all.
/// </summary>
/// <param name="Epoch">Epochs completed so far (for a GATSBI ensemble, summed over all members).</param>
/// <param name="MaxEpochs">
/// The epoch at which the run ends at the latest, as far as is known now: the epoch budget for GATSBI (summed
/// over an ensemble's members), and for NPE the epoch at which early stopping would end it if the validation
/// score does not improve again.
/// </param>
/// <param name="Status">The latest training metrics in one short line for a progress bar, or null before the first.</param>
/// <param name="Latest">For GATSBI, the newest hold-out log row (<see cref="Gatsbi.TrainingRecord"/>); null otherwise or before the first log.</param>
public readonly record struct TrainingProgress(int Epoch, int MaxEpochs, string? Status = null, Gatsbi.TrainingRecord? Latest = null)
{
    /// <summary>The same progress as general work units (epochs done of the maximum), with the status line.</summary>
    public WorkProgress AsWork() => new(Epoch, MaxEpochs, Status);
}
