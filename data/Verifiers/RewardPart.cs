namespace Pipeline.Data.Verifiers;

/// <summary>One named reward component's contribution: its raw value, its weight in the total, and why.</summary>
public readonly record struct RewardPart(string Name, double Value, double Weight, string Reason)
{
    public double Weighted => Value * Weight;
}
