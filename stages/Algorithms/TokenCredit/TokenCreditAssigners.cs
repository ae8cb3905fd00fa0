namespace Pipeline.Stages.Algorithms.TokenCredit;

public static class TokenCreditAssigners
{
    public static ComponentRegistry<ITokenCreditAssigner, TokenCreditOptions> Registry { get; } =
        new ComponentRegistry<ITokenCreditAssigner, TokenCreditOptions>("token credit")
            .Register("none", _ => new BroadcastCredit())
            .Register("tempo", o => new TempoCredit(o))
            .Register("gtpo", o => new GtpoCredit(o));

    public static ITokenCreditAssigner Create(string name, TokenCreditOptions? options = null) =>
        Registry.Create(name, options ?? new TokenCreditOptions());

    private sealed class BroadcastCredit : ITokenCreditAssigner
    {
        public string Name => "none";

        public TokenCredit Assign(CreditGroup group)
        {
            group.Validate();
            return TokenCredit.Broadcast(group);
        }
    }
}
