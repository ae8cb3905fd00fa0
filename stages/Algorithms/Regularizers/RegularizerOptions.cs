namespace Pipeline.Stages.Algorithms.Regularizers;

/// <summary>Extra loss terms; names follow verl (kl_loss_coef, kl_loss_type, entropy_coeff) and TRL (beta).</summary>
public sealed record RegularizerOptions
{
    /// <summary>Weight of the KL to the reference model (TRL beta, verl kl_loss_coef). 0 = no reference model needed.</summary>
    public double KlCoef { get; init; }

    /// <summary>k1, k2, k3 or abs (verl's low_var_kl is k3).</summary>
    public string KlEstimator { get; init; } = "k3";

    /// <summary>Apply the KL as a per-token reward penalty (verl use_kl_in_reward) instead of a loss term.</summary>
    public bool KlInReward { get; init; }

    /// <summary>
    /// Reset the reference model to the current policy every N steps (ProRL); 0 = never. Lets a
    /// long run keep a KL anchor without being pinned to the starting weights.
    /// </summary>
    public int ReferenceResetEvery { get; init; }

    /// <summary>Weight of the entropy bonus (verl entropy_coeff): the loss subtracts coef·entropy.</summary>
    public double EntropyCoef { get; init; }

    /// <summary>Weight of the SFT (negative log-likelihood) term on the samples selected for it.</summary>
    public double SftCoef { get; init; }
}
