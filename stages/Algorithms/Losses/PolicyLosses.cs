namespace Pipeline.Stages.Algorithms.Losses;

public static class PolicyLosses
{
    public static ComponentRegistry<IPolicyLoss, PolicyLossOptions> Registry { get; } =
        new ComponentRegistry<IPolicyLoss, PolicyLossOptions>("policy loss")
            .Register("ppo", o => new PpoClipLoss(o))
            .Register("gspo", o => new GspoLoss(o))
            .Register("cispo", o => new CispoLoss(o))
            .Register("reinforce", o => new ReinforceLoss(o));

    public static IPolicyLoss Create(string name, PolicyLossOptions? options = null) =>
        Registry.Create(name, options ?? new PolicyLossOptions());
}
