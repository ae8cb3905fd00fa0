namespace Pipeline.Stages.Algorithms.Advantages;

/// <summary>The advantage estimators by config name (verl's <c>adv_estimator</c> names where it has one).</summary>
public static class AdvantageEstimators
{
    public static ComponentRegistry<IAdvantageEstimator, AdvantageOptions> Registry { get; } =
        new ComponentRegistry<IAdvantageEstimator, AdvantageOptions>("advantage estimator")
            .Register("grpo", o => new GrpoAdvantage(o, divideByStd: true, "grpo"))
            .Register("dr_grpo", o => new GrpoAdvantage(o, divideByStd: false, "dr_grpo"))
            .Register("rloo", _ => new RlooAdvantage())
            .Register("reinforce_plus_plus", o => new ReinforcePlusPlusAdvantage(o))
            .Register("ngrpo", o => new NgrpoAdvantage(o));

    public static IAdvantageEstimator Create(string name, AdvantageOptions? options = null) =>
        Registry.Create(name, options ?? new AdvantageOptions());
}
