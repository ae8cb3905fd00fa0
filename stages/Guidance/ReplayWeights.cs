using Pipeline.Model.Torch;

namespace Pipeline.Stages.Guidance;

/// <summary>Per-token importance weights of replayed rows toward the current policy.</summary>
public static class ReplayWeights
{
    /// <summary>
    /// min(exp(old − behaviour), cap) on rows with a cap, 1 elsewhere; detached, so it scales the
    /// gradient without being differentiated ([B, T] log-probs, one cap per row).
    /// </summary>
    public static Tensor Truncated(Tensor old, Tensor behaviour, IReadOnlyList<double?> caps)
    {
        var rows = caps.Select(c => c is null ? 0f : 1f).ToArray();
        var limit = caps.Select(c => (float)(c ?? 1)).ToArray();
        var selected = torch.tensor(rows, [rows.Length, 1]);
        var ratio = (old - behaviour).clamp(-20, 20).exp().detach().minimum(torch.tensor(limit, [limit.Length, 1]));
        return (ratio * selected) + (1 - selected);
    }
}
