namespace Pipeline.Stages.Algorithms.Losses;

/// <summary>A policy-gradient surrogate over token log-probs, written in Torch ops so autograd gives the gradient.</summary>
public interface IPolicyLoss
{
    string Name { get; }

    PolicyLossOutput Compute(PolicyLossInput input);
}
