namespace Pipeline.Stages.Algorithms.TokenCredit;

/// <summary>
/// GTPO (Simoni et al. 2025, arXiv 2508.03772). Conflict tokens are tokens that stand at the same
/// position in completions with opposite advantage signs; GRPO pushes them up and down at once,
/// eroding shared structure (format tokens, common openings). GTPO skips their negative updates
/// (weight 0 in negative completions) and amplifies their positive ones (weight × boost). It also
/// filters completions whose mean token entropy exceeds a threshold (weight 0 throughout), which
/// guards against the flattening that drives policy collapse. GTPO uses no KL term.
/// </summary>
public sealed class GtpoCredit(TokenCreditOptions options) : ITokenCreditAssigner
{
    public string Name => "gtpo";

    public TokenCredit Assign(CreditGroup group)
    {
        group.Validate();
        var credit = TokenCredit.Broadcast(group);
        // Filtered completions take no part in the update, so they cannot create conflicts either.
        var filtered = new bool[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            filtered[i] = group.MeanEntropies is { } entropies && entropies[i] > options.GtpoEntropyThreshold;
        }

        var positive = new HashSet<(int Position, int Token)>();
        var negative = new HashSet<(int Position, int Token)>();
        for (var i = 0; i < group.Count; i++)
        {
            var set = filtered[i] ? null : group.Advantages[i] > 0 ? positive : group.Advantages[i] < 0 ? negative : null;
            for (var t = 0; set is not null && t < group.TokenIds[i].Length; t++)
            {
                set.Add((t, group.TokenIds[i][t]));
            }
        }

        for (var i = 0; i < group.Count; i++)
        {
            var weights = credit.Weights[i];
            if (filtered[i])
            {
                Array.Clear(weights);
                continue;
            }

            var sign = Math.Sign(group.Advantages[i]);
            for (var t = 0; sign != 0 && t < weights.Length; t++)
            {
                var key = (t, group.TokenIds[i][t]);
                if (positive.Contains(key) && negative.Contains(key))
                {
                    weights[t] = sign > 0 ? (float)options.GtpoConflictBoost : 0f;
                }
            }
        }

        return credit;
    }
}
